"""Charts as inline SVG built on the server: bar, line and stacked (100 %) bar charts.

No JavaScript and nothing from the internet, so the same markup works on a page (under a
strict Content-Security-Policy) and in a PDF. Every chart carries a title, a description for
screen readers and its numbers as a table (`Chart.header`, `Chart.rows`) for the template to
show under it. Used by the DTM dashboards and reports and by the assistance reports (stock
over time, deliveries per week, shelter occupancy).

Horizontal bars put the label above each bar so long names stay readable at 360 px; the
SVG scales to its container (viewBox, width 100 %). Colours are the Okabe-Ito palette,
distinguishable with the common colour-vision deficiencies.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from django.utils import formats
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

PALETTE = ("#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442", "#000")
_ids = itertools.count(1)
FONT = 'font-family="DejaVu Sans, Arial, sans-serif"'


@dataclass
class Series:
    name: str
    values: list[float]


@dataclass
class Chart:
    title: str
    svg: SafeString
    header: list[str]
    rows: list[list[Any]]
    note: str = ""
    kind: str = "bar"
    empty: bool = False
    extra: dict[str, Any] = field(default_factory=dict)


def number(value: float, decimals: int = 0) -> str:
    """A figure in the active language's format: 12.345,6 in Spanish, 12,345.6 in English."""
    rounded: float = round(value, decimals) if decimals else round(value)
    return formats.number_format(rounded, decimals, use_l10n=True, force_grouping=True)


def _open(width: int, height: int, title: str, desc: str) -> tuple[str, str]:
    n = next(_ids)
    head = (
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" '
        f'width="100%" role="img" aria-labelledby="chart{n}t chart{n}d" '
        f'class="chart" preserveAspectRatio="xMinYMin meet" {FONT} font-size="13">'
        f'<title id="chart{n}t">{escape(title)}</title><desc id="chart{n}d">{escape(desc)}</desc>'
    )
    return head, "</svg>"


def _empty_chart(title: str, message: str, header: list[str], kind: str) -> Chart:
    head, tail = _open(320, 40, title, message)
    body = f'<text x="0" y="24" fill="#555">{escape(message)}</text>'
    return Chart(title, mark_safe(head + body + tail), header, [], kind=kind, empty=True)


def bar_chart(
    title: str,
    items: Sequence[tuple[str, float]],
    *,
    percent: bool = False,
    value_header: str = "",
    label_header: str = "",
    empty_message: str = "—",
    note: str = "",
    width: int = 320,
) -> Chart:
    """Horizontal bars, largest first as given; `percent` prints values as 12.3 %."""
    header = [label_header, value_header]
    if not items:
        return _empty_chart(title, empty_message, header, "bar")
    top = max((v for _, v in items), default=0) or 1
    row_h, bar_h = 34, 14
    height = row_h * len(items) + 4
    head, tail = _open(
        width, height, title, ", ".join(f"{k}: {_fmt(v, percent)}" for k, v in items)
    )
    parts = []
    usable = width - 60
    for i, (label, value) in enumerate(items):
        y = i * row_h
        w = max(1.0, usable * value / top) if value else 0
        parts.append(
            f'<text x="0" y="{y + 13}" fill="#222">{escape(label)}</text>'
            f'<rect x="0" y="{y + 18}" width="{w:.1f}" height="{bar_h}" fill="{PALETTE[0]}"/>'
            f'<text x="{w + 4:.1f}" y="{y + 30}" fill="#222">{_fmt(value, percent)}</text>'
        )
    rows = [[label, _fmt(value, percent)] for label, value in items]
    svg = mark_safe(head + "".join(parts) + tail)
    return Chart(title, svg, header, rows, note=note, kind="bar")


def _fmt(value: float, percent: bool) -> str:
    return f"{number(value, 1)} %" if percent else number(value)


def _nice_max(value: float) -> float:
    if value <= 0:
        return 1
    magnitude = 10 ** math.floor(math.log10(value))
    for step in (1, 2, 2.5, 5, 10):
        if value <= step * magnitude:
            return step * magnitude
    return 10 * magnitude


def line_chart(
    title: str,
    labels: Sequence[str],
    series: Sequence[Series],
    *,
    label_header: str = "",
    empty_message: str = "—",
    note: str = "",
    width: int = 320,
    height: int = 180,
) -> Chart:
    """One line per series over the labels (dates, weeks, months), with a legend."""
    header = [label_header, *(s.name for s in series)]
    if not labels or not series:
        return _empty_chart(title, empty_message, header, "line")
    top = _nice_max(max((max(s.values, default=0) for s in series), default=0))
    left, right, top_pad, bottom = 44, 8, 10, 34
    legend_h = 18 * len(series)
    plot_w, plot_h = width - left - right, height - top_pad - bottom
    head, tail = _open(width, height + legend_h, title, _line_desc(labels, series))
    parts = []
    for i in range(5):  # grid and y axis
        value = top * i / 4
        y = top_pad + plot_h - plot_h * i / 4
        parts.append(
            f'<line x1="{left}" x2="{width - right}" y1="{y:.1f}" y2="{y:.1f}" stroke="#ddd"/>'
            f'<text x="{left - 4}" y="{y + 4:.1f}" text-anchor="end" fill="#444" '
            f'font-size="11">{_short(value)}</text>'
        )
    n = len(labels)

    def x(i: int) -> float:
        return left + (plot_w * i / (n - 1) if n > 1 else plot_w / 2)

    for i in sorted({0, n // 2, n - 1}):  # three x labels fit at 360 px
        anchor = "start" if i == 0 else ("end" if i == n - 1 and n > 1 else "middle")
        parts.append(
            f'<text x="{x(i):.1f}" y="{height - bottom + 16}" text-anchor="{anchor}" '
            f'fill="#444" font-size="11">{escape(labels[i])}</text>'
        )
    for s_i, s in enumerate(series):
        colour = PALETTE[s_i % len(PALETTE)]
        points = " ".join(
            f"{x(i):.1f},{top_pad + plot_h - plot_h * v / top:.1f}" for i, v in enumerate(s.values)
        )
        parts.append(
            f'<polyline points="{points}" fill="none" stroke="{colour}" stroke-width="2"/>'
        )
        if n == 1:
            parts.append(
                f'<circle cx="{x(0):.1f}" cy="{top_pad + plot_h - plot_h * s.values[0] / top:.1f}" '
                f'r="3" fill="{colour}"/>'
            )
        ly = height + 18 * s_i + 4
        parts.append(
            f'<rect x="{left}" y="{ly}" width="12" height="12" fill="{colour}"/>'
            f'<text x="{left + 18}" y="{ly + 11}" fill="#222">{escape(s.name)}</text>'
        )
    rows = [[label, *(number(s.values[i]) for s in series)] for i, label in enumerate(labels)]
    svg = mark_safe(head + "".join(parts) + tail)
    return Chart(title, svg, header, rows, note=note, kind="line")


def _short(value: float) -> str:
    if value >= 1_000_000:
        return f"{value / 1_000_000:g} M"
    if value >= 10_000:
        return f"{value / 1000:g} k"
    return number(value)


def _line_desc(labels: Sequence[str], series: Sequence[Series]) -> str:
    totals = ", ".join(f"{s.name}: {number(sum(s.values))}" for s in series)
    return f"{labels[0]} – {labels[-1]}. {totals}"  # noqa: RUF001


def stacked_chart(
    title: str,
    rows: Sequence[tuple[str, Sequence[float]]],
    segments: Sequence[str],
    *,
    label_header: str = "",
    empty_message: str = "—",
    note: str = "",
    width: int = 320,
) -> Chart:
    """100 % bars: one per row, split into the segments' shares, legend below."""
    header = [label_header, *segments]
    rows = [(label, values) for label, values in rows if sum(values) > 0]
    if not rows:
        return _empty_chart(title, empty_message, header, "stacked")
    row_h, bar_h = 36, 16
    legend_h = 18 * len(segments)
    height = row_h * len(rows) + legend_h + 8
    desc = "; ".join(
        f"{label}: "
        + ", ".join(f"{s} {_share(v, values)}" for s, v in zip(segments, values, strict=False))
        for label, values in rows
    )
    head, tail = _open(width, height, title, desc)
    parts = []
    for r_i, (label, values) in enumerate(rows):
        y = r_i * row_h
        total = sum(values)
        parts.append(f'<text x="0" y="{y + 13}" fill="#222">{escape(label)}</text>')
        offset = 0.0
        for s_i, value in enumerate(values):
            w = width * value / total
            if w > 0:
                parts.append(
                    f'<rect x="{offset:.1f}" y="{y + 18}" width="{w:.1f}" height="{bar_h}" '
                    f'fill="{PALETTE[s_i % len(PALETTE)]}"><title>{escape(segments[s_i])}: '
                    f"{_share(value, values)}</title></rect>"
                )
                if w > 40:
                    colour = (
                        "#000"
                        if PALETTE[s_i % len(PALETTE)] in ("#F0E442", "#E69F00", "#56B4E9")
                        else "#fff"
                    )
                    parts.append(
                        f'<text x="{offset + 3:.1f}" y="{y + 31}" fill="{colour}" '
                        f'font-size="11">{_share(value, values)}</text>'
                    )
            offset += w
    base = row_h * len(rows) + 6
    for s_i, name in enumerate(segments):
        ly = base + 18 * s_i
        parts.append(
            f'<rect x="0" y="{ly}" width="12" height="12" fill="{PALETTE[s_i % len(PALETTE)]}"/>'
            f'<text x="18" y="{ly + 11}" fill="#222">{escape(name)}</text>'
        )
    table = [[label, *(_share(v, values) for v in values)] for label, values in rows]
    svg = mark_safe(head + "".join(parts) + tail)
    return Chart(title, svg, header, table, note=note, kind="stacked")


def _share(value: float, values: Sequence[float]) -> str:
    total = sum(values)
    return f"{number(100 * value / total, 1)} %" if total else "—"


def pyramid_chart(
    title: str,
    ages: Sequence[str],
    left: tuple[str, Sequence[float]],
    right: tuple[str, Sequence[float]],
    *,
    label_header: str = "",
    empty_message: str = "—",
    note: str = "",
    width: int = 320,
) -> Chart:
    """A population pyramid: one row per age group (the oldest on top), `left` (e.g. men)
    and `right` (women) bars from the middle. Each cell is shown as its share of the WHOLE
    population (both sexes, all ages), so the bars of one sex add up to that sex's share."""
    (left_name, left_values), (right_name, right_values) = left, right
    header = [label_header, left_name, right_name]
    total = sum(left_values) + sum(right_values)
    if not total:
        return _empty_chart(title, empty_message, header, "pyramid")
    shares = [
        (age, 100 * lv / total, 100 * rv / total)
        for age, lv, rv in zip(ages, left_values, right_values, strict=True)
    ]
    biggest = max(max(lv, rv) for _a, lv, rv in shares) or 1.0
    row_h, label_w = 24, 48
    half = (width - label_w) / 2 - 40
    middle = label_w + (width - label_w) / 2
    height = row_h * len(shares) + 30
    desc = "; ".join(
        f"{age}: {left_name} {number(lv, 1)} %, {right_name} {number(rv, 1)} %"
        for age, lv, rv in shares
    )
    head, tail = _open(width, height, title, desc)
    parts = []
    for i, (age, lv, rv) in enumerate(reversed(shares)):
        y = i * row_h
        parts.append(f'<text x="0" y="{y + 16}" fill="#222">{escape(age)}</text>')
        lw, rw = half * lv / biggest, half * rv / biggest
        parts.append(
            f'<rect x="{middle - lw:.1f}" y="{y + 4}" width="{lw:.1f}" height="16" '
            f'fill="{PALETTE[0]}"><title>{escape(left_name)} {escape(age)}: '
            f"{number(lv, 1)} %</title></rect>"
            f'<text x="{middle - lw - 4:.1f}" y="{y + 16}" fill="#222" text-anchor="end" '
            f'font-size="11">{number(lv, 1)} %</text>'
            f'<rect x="{middle:.1f}" y="{y + 4}" width="{rw:.1f}" height="16" '
            f'fill="{PALETTE[1]}"><title>{escape(right_name)} {escape(age)}: '
            f"{number(rv, 1)} %</title></rect>"
            f'<text x="{middle + rw + 4:.1f}" y="{y + 16}" fill="#222" '
            f'font-size="11">{number(rv, 1)} %</text>'
        )
    ly = row_h * len(shares) + 10
    parts.append(
        f'<rect x="{label_w}" y="{ly}" width="12" height="12" fill="{PALETTE[0]}"/>'
        f'<text x="{label_w + 16}" y="{ly + 11}" fill="#222">{escape(left_name)}</text>'
        f'<rect x="{middle + 8:.1f}" y="{ly}" width="12" height="12" fill="{PALETTE[1]}"/>'
        f'<text x="{middle + 24:.1f}" y="{ly + 11}" fill="#222">{escape(right_name)}</text>'
    )
    rows = [[age, f"{number(lv, 1)} %", f"{number(rv, 1)} %"] for age, lv, rv in shares]
    svg = mark_safe(head + "".join(parts) + tail)
    return Chart(title, svg, header, rows, note=note, kind="pyramid")
