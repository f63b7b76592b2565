"""The region map as inline SVG: shipped boundaries, points sized by flow, no tiles.

Equirectangular with the x axis shrunk by cos(latitude) of the view's centre: at the scale
of a country or of South America it looks right and costs nothing to compute. The paths
for a given window are computed once per process and reused.
"""

from __future__ import annotations

import itertools
import json
import math
import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

BOUNDARIES = Path(__file__).resolve().parent.parent / "static" / "dtm" / "boundaries.json"
Box = tuple[float, float, float, float]  # west, south, east, north
_ids = itertools.count(1)


@dataclass(frozen=True)
class MapPoint:
    name: str
    latitude: float
    longitude: float
    value: float
    label: str = ""  # the figure as printed, e.g. "12 345"
    alert: bool = False  # drawn in the warning colour (a site over its capacity)


@dataclass(frozen=True)
class MapArea:
    """An admin-1 area to shade: its country (ISO alpha-2), name, value and printed value."""

    country: str
    name: str
    value: float
    label: str = ""


# Sequential blues (ColorBrewer), lightest for the smallest class; colour-blind safe.
SHADES = ("#deebf7", "#9ecae1", "#6baed6", "#3182bd", "#08519c")
ALERT = "#D55E00"


@lru_cache(maxsize=1)
def boundaries() -> dict[str, Any]:
    data: dict[str, Any] = json.loads(BOUNDARIES.read_text())
    return data


def country_box(countries: Iterable[str]) -> Box | None:
    """The extent of the admin-1 areas of these countries (ISO alpha-2)."""
    wanted = set(countries)
    xs: list[float] = []
    ys: list[float] = []
    for feature in boundaries()["features"]:
        if feature["l"] == 1 and feature["c"] in wanted:
            for ring in feature["r"]:
                xs += [p[0] for p in ring]
                ys += [p[1] for p in ring]
    if not xs:
        return None
    return (min(xs), min(ys), max(xs), max(ys))


def _padded(box: Box, points: Sequence[MapPoint]) -> Box:
    west, south, east, north = box
    for p in points:
        west, east = min(west, p.longitude), max(east, p.longitude)
        south, north = min(south, p.latitude), max(north, p.latitude)
    span = max(east - west, north - south, 2.0)
    pad = span * 0.06
    return (west - pad, south - pad, east + pad, north + pad)


@lru_cache(maxsize=64)
def _base_layer(box: Box, width: int) -> tuple[int, str]:
    west, south, east, north = box
    kx = math.cos(math.radians((south + north) / 2))
    scale = width / ((east - west) * kx)
    height = round((north - south) * scale)
    context: list[str] = []
    areas: list[str] = []
    for feature in boundaries()["features"]:
        d = []
        for ring in feature["r"]:
            if not any(west <= x <= east and south <= y <= north for x, y in ring):
                continue
            path = _screen_path(ring, west, north, kx * scale, scale)
            if path:
                d.append(path)
        if d:
            (areas if feature["l"] == 1 else context).append("".join(d))
    layer = (
        f'<path d="{"".join(context)}" fill="#eceae4" stroke="#fff" stroke-width="0.6"/>'
        f'<path d="{"".join(areas)}" fill="#d9e4dd" stroke="#fff" stroke-width="0.6"/>'
    )
    return height, layer


def _screen_path(ring: list[list[float]], west: float, north: float, sx: float, sy: float) -> str:
    """The ring in pixels, dropping points less than a pixel from the last one kept: a
    continent at 600 px needs a fraction of the points a country does (smaller pages and
    PDFs, faster rendering)."""
    kept: list[tuple[int, int]] = []
    for x, y in ring:
        px, py = round((x - west) * sx), round((north - y) * sy)
        if kept and abs(px - kept[-1][0]) + abs(py - kept[-1][1]) < 2:
            continue
        kept.append((px, py))
    if len(kept) < 3:
        return ""
    return "M" + "L".join(f"{x} {y}" for x, y in kept) + "Z"


def region_map(
    points: Sequence[MapPoint],
    *,
    title: str,
    countries: Iterable[str] = (),
    width: int = 600,
    max_radius: float = 22,
) -> SafeString:
    """Points as circles whose area is proportional to the flow, over the shipped borders."""
    box = country_box(countries) or country_box(["VE", "CO"])
    assert box is not None
    box = _padded(box, points)
    box = tuple(round(v, 1) for v in box)  # type: ignore[assignment] # cache-friendly key
    height, layer = _base_layer(box, width)
    west, south, east, north = box
    kx = math.cos(math.radians((south + north) / 2))
    scale = width / ((east - west) * kx)
    top = max((p.value for p in points), default=0) or 1
    n = next(_ids)
    desc = "; ".join(f"{p.name}: {p.label or p.value}" for p in points)
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" width="100%" '
        f'role="img" aria-labelledby="map{n}t map{n}d" class="map" overflow="hidden" '
        f'font-family="DejaVu Sans, Arial, sans-serif" font-size="12">'
        f'<title id="map{n}t">{escape(title)}</title><desc id="map{n}d">{escape(desc)}</desc>',
        f'<rect width="{width}" height="{height}" fill="#f5f9fc"/>',
        layer,
    ]
    # Largest first so small circles stay on top and clickable.
    for p in sorted(points, key=lambda p: -p.value):
        x = (p.longitude - west) * kx * scale
        y = (north - p.latitude) * scale
        r = max(3.0, max_radius * math.sqrt(p.value / top)) if p.value > 0 else 2.5
        parts.append(
            f'<circle cx="{x:.1f}" cy="{y:.1f}" r="{r:.1f}" fill="#0072B2" fill-opacity="0.6" '
            f'stroke="#00466e" stroke-width="1"><title>{escape(p.name)}: '
            f"{escape(p.label or str(p.value))}</title></circle>"
        )
    parts.append("</svg>")
    return mark_safe("".join(parts))


def name_key(name: str) -> str:
    """'Bogotá, D.C.' and 'Bogota' alike: accents, case and punctuation do not matter."""
    text = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode().lower()
    text = text.replace(".", "")
    text = re.sub(
        r"\b(departamento|provincia|estado|region|distrito|capital|de|del|la|d ?c)\b", " ", text
    )
    return re.sub(r"[^a-z0-9]+", "", text)


@lru_cache(maxsize=1)
def _feature_index() -> dict[tuple[str, str], list[int]]:
    index: dict[tuple[str, str], list[int]] = {}
    for i, feature in enumerate(boundaries()["features"]):
        if feature["l"] == 1:
            index.setdefault((feature["c"], name_key(feature["n"])), []).append(i)
    return index


def features_of(country: str, name: str) -> list[int]:
    """The shipped boundary features of an admin-1 area, found by country and name."""
    return _feature_index().get((country.upper(), name_key(name)), [])


def classes(values: Sequence[float], n: int = len(SHADES)) -> list[float]:
    """Upper bounds of `n` equal classes from 0 to the largest value."""
    top = max(values, default=0) or 1
    return [top * (i + 1) / n for i in range(n)]


def area_map(
    areas: Sequence[MapArea],
    points: Sequence[MapPoint] = (),
    *,
    title: str,
    countries: Iterable[str] = (),
    width: int = 600,
    max_radius: float = 18,
) -> SafeString:
    """Admin-1 areas shaded by value (five classes) and points sized by value on top; the
    legend and the areas the boundaries do not have are said in the description."""
    box = (
        country_box(countries)
        or country_box({a.country for a in areas})
        or country_box(["VE", "CO"])
    )
    assert box is not None
    box = _padded(box, points)
    box = tuple(round(v, 1) for v in box)  # type: ignore[assignment]
    height, layer = _base_layer(box, width)
    west, south, east, north = box
    kx = math.cos(math.radians((south + north) / 2))
    scale = width / ((east - west) * kx)
    bounds = classes([a.value for a in areas])
    features = boundaries()["features"]
    n = next(_ids)
    shaded: list[str] = []
    missing: list[str] = []
    for a in areas:
        found = features_of(a.country, a.name)
        if not found:
            missing.append(a.name)
            continue
        shade = SHADES[next((i for i, b in enumerate(bounds) if a.value <= b), len(SHADES) - 1)]
        d = "".join(
            _screen_path(ring, west, north, kx * scale, scale)
            for i in found
            for ring in features[i]["r"]
        )
        if d:
            shaded.append(
                f'<path d="{d}" fill="{shade}" stroke="#fff" stroke-width="0.8">'
                f"<title>{escape(a.name)}: {escape(a.label or str(a.value))}</title></path>"
            )
    desc = "; ".join(f"{a.name}: {a.label or a.value}" for a in areas)
    desc += "".join(f"; {p.name}: {p.label or p.value}" for p in points)
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" width="100%" '
        f'role="img" aria-labelledby="map{n}t map{n}d" class="map" overflow="hidden" '
        f'font-family="DejaVu Sans, Arial, sans-serif" font-size="12">'
        f'<title id="map{n}t">{escape(title)}</title><desc id="map{n}d">{escape(desc)}</desc>',
        f'<rect width="{width}" height="{height}" fill="#f5f9fc"/>',
        layer,
        *shaded,
    ]
    top = max((p.value for p in points), default=0) or 1
    for p in sorted(points, key=lambda p: -p.value):
        x = (p.longitude - west) * kx * scale
        y = (north - p.latitude) * scale
        r = max(3.0, max_radius * math.sqrt(p.value / top)) if p.value > 0 else 2.5
        fill, stroke = (ALERT, "#7a2e00") if p.alert else ("#009E73", "#00553e")
        parts.append(
            f'<circle cx="{x:.1f}" cy="{y:.1f}" r="{r:.1f}" fill="{fill}" fill-opacity="0.75" '
            f'stroke="{stroke}" stroke-width="1"><title>{escape(p.name)}: '
            f"{escape(p.label or str(p.value))}</title></circle>"
        )
    parts.append("</svg>")
    return mark_safe("".join(parts))
