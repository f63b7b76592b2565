"""Flow figures for one operation and filters, read from the daily rollup only.

A handful of small queries whatever the period: totals by direction for this period and
the previous one, the time series, the totals per point, and the breakdowns (nationality,
transport, destination). Each reads whole calendar months from the monthly rollup and
only the days at the period's edges from the daily one (`periods.split`). Everything goes through
`policies.visible`, so an analyst sees the figures of the points in their scope only.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from django.db.models import QuerySet, Sum
from django.db.models.functions import TruncMonth, TruncWeek

from caminantes.accounts import policies
from caminantes.accounts.permissions import Perm
from caminantes.dtm.choices import CHILD_FIELDS, SEX_AGE_FIELDS, CountDimension, Direction
from caminantes.dtm.dashboards.filters import Filters
from caminantes.dtm.dashboards.periods import split
from caminantes.dtm.models import (
    FlowDaily,
    FlowDailyBreakdown,
    FlowMonitoringPoint,
    FlowMonthly,
    FlowMonthlyBreakdown,
    Operation,
)

DIRECTIONS = tuple(d.value for d in Direction)
FEMALE = tuple(f for f in SEX_AGE_FIELDS if f.startswith("female"))
MALE = tuple(f for f in SEX_AGE_FIELDS if f.startswith("male"))


@dataclass
class PointFlow:
    point: FlowMonitoringPoint
    individuals: int


@dataclass
class FlowFigures:
    filters: Filters
    total: int = 0
    previous_total: int = 0
    by_direction: dict[str, int] = field(default_factory=dict)
    previous_by_direction: dict[str, int] = field(default_factory=dict)
    children: int = 0
    female: int = 0
    male: int = 0
    groups: int = 0
    unaccompanied_children: int = 0
    sheets: int = 0
    sex_age: dict[str, int] = field(default_factory=dict)
    # (period label, start day) -> individuals by direction
    series_step: str = "day"
    series: list[tuple[date, dict[str, int]]] = field(default_factory=list)
    points: list[PointFlow] = field(default_factory=list)
    nationalities: list[tuple[str, int]] = field(default_factory=list)
    transport: list[tuple[str, int]] = field(default_factory=list)
    destinations: list[tuple[str, int]] = field(default_factory=list)

    @property
    def daily_average(self) -> float:
        return self.total / self.filters.days if self.filters.days else 0.0

    @property
    def previous_daily_average(self) -> float:
        return self.previous_total / self.filters.days if self.filters.days else 0.0

    @property
    def change(self) -> float | None:
        """Change against the previous period of equal length, in %; None without a base."""
        if not self.previous_total:
            return None
        return 100 * (self.total - self.previous_total) / self.previous_total

    @property
    def children_share(self) -> float:
        return 100 * self.children / self.total if self.total else 0.0

    @property
    def female_share(self) -> float:
        return 100 * self.female / self.total if self.total else 0.0

    def share(self, value: int) -> float:
        return 100 * value / self.total if self.total else 0.0


def daily_rows(user: Any, operation: Operation) -> QuerySet[FlowDaily]:
    return policies.visible(user, FlowDaily, Perm.DTM_ANALYSE).filter(operation=operation)


def last_day(user: Any, operation: Operation) -> date | None:
    day: date | None = (
        daily_rows(user, operation).order_by("-day").values_list("day", flat=True).first()
    )
    return day


def _narrow(qs: QuerySet[Any], filters: Filters) -> QuerySet[Any]:
    if filters.point_ids:
        qs = qs.filter(point_id__in=filters.point_ids)
    if filters.direction:
        qs = qs.filter(direction=filters.direction)
    return qs


def series_step(filters: Filters) -> str:
    if filters.days <= 62:
        return "day"
    if filters.days <= 366:
        return "week"
    return "month"


def _summed(
    daily: QuerySet[Any],
    monthly: QuerySet[Any],
    period: Filters,
    group: tuple[str, ...],
    sums: dict[str, str],
) -> dict[tuple[Any, ...], dict[str, int]]:
    """Sums over the period, grouped: whole months from `monthly`, edge days from `daily`."""
    cut = split(period.start, period.end)
    parts = []
    if (edges := cut.edges_q("day")) is not None:
        parts.append(daily.filter(edges))
    if (months := cut.months_q()) is not None:
        parts.append(monthly.filter(months))
    out: dict[tuple[Any, ...], dict[str, int]] = defaultdict(lambda: dict.fromkeys(sums, 0))
    for qs in parts:
        rows = qs.values(*group).annotate(**{k: Sum(f) for k, f in sums.items()}).order_by()
        for row in rows:
            totals = out[tuple(row[g] for g in group)]
            for k in sums:
                totals[k] += row[k] or 0
    return out


def flow_figures(*, user: Any, operation: Operation, filters: Filters) -> FlowFigures:
    fig = FlowFigures(filters=filters)
    daily = _narrow(daily_rows(user, operation), filters)
    monthly = _narrow(
        policies.visible(user, FlowMonthly, Perm.DTM_ANALYSE).filter(operation=operation),
        filters,
    )
    fields = ("individuals", "groups", "unaccompanied_children", "sheets", *SEX_AGE_FIELDS)
    now = _summed(daily, monthly, filters, ("direction",), {f: f for f in fields})
    prev = _summed(daily, monthly, filters.previous(), ("direction",), {"n": "individuals"})
    fig.sex_age = dict.fromkeys(SEX_AGE_FIELDS, 0)
    for (direction,), row in now.items():
        fig.by_direction[direction] = row["individuals"]
        fig.groups += row["groups"]
        fig.unaccompanied_children += row["unaccompanied_children"]
        fig.sheets += row["sheets"]
        for f in SEX_AGE_FIELDS:
            fig.sex_age[f] += row[f]
    for (direction,), row in prev.items():
        fig.previous_by_direction[direction] = row["n"]
    for d in DIRECTIONS:
        fig.by_direction.setdefault(d, 0)
        fig.previous_by_direction.setdefault(d, 0)
    fig.total = sum(fig.by_direction.values())
    fig.previous_total = sum(fig.previous_by_direction.values())
    fig.children = sum(fig.sex_age[f] for f in CHILD_FIELDS)
    fig.female = sum(fig.sex_age[f] for f in FEMALE)
    fig.male = sum(fig.sex_age[f] for f in MALE)

    fig.series_step = series_step(filters)
    fig.series = _series(daily, monthly, filters, fig.series_step)
    by_point = _summed(daily, monthly, filters, ("point_id",), {"n": "individuals"})
    points = FlowMonitoringPoint.objects.filter(operation=operation)
    if filters.point_ids:
        points = points.filter(pk__in=filters.point_ids)
    visible_points = {p.pk: p for p in points.select_related("country")}
    fig.points = sorted(
        (
            PointFlow(visible_points[pk], row["n"])
            for (pk,), row in by_point.items()
            if pk in visible_points
        ),
        key=lambda p: -p.individuals,
    )

    def scoped(model: Any) -> QuerySet[Any]:
        visible = policies.visible(user, model, Perm.DTM_ANALYSE).filter(operation=operation)
        return _narrow(visible, filters)

    breakdowns = _summed(
        scoped(FlowDailyBreakdown),
        scoped(FlowMonthlyBreakdown),
        filters,
        ("dimension", "code"),
        {"n": "individuals"},
    )
    grouped: dict[str, list[tuple[str, int]]] = {d.value: [] for d in CountDimension}
    ranked = sorted(breakdowns.items(), key=lambda kv: (-kv[1]["n"], kv[0][1]))
    for (dimension, code), row in ranked:
        grouped.setdefault(dimension, []).append((code, row["n"]))
    fig.nationalities = grouped[CountDimension.NATIONALITY]
    fig.transport = grouped[CountDimension.TRANSPORT]
    fig.destinations = grouped[CountDimension.DESTINATION]
    return fig


def _series(
    daily: QuerySet[FlowDaily], monthly: QuerySet[FlowMonthly], filters: Filters, step: str
) -> list[tuple[date, dict[str, int]]]:
    current = daily.filter(day__gte=filters.start, day__lte=filters.end)
    if step == "day":
        rows = current.values("day", "direction").annotate(n=Sum("individuals")).order_by()
        keyed = [(r["day"], r["direction"], r["n"]) for r in rows]
        buckets = [filters.start + timedelta(days=i) for i in range(filters.days)]
    elif step == "week":
        rows = (
            current.annotate(bucket=TruncWeek("day"))
            .values("bucket", "direction")
            .annotate(n=Sum("individuals"))
            .order_by()
        )
        keyed = [(_as_date(r["bucket"]), r["direction"], r["n"]) for r in rows]
        buckets = _buckets(filters, step)
    else:
        by_month = _summed(
            daily.annotate(month=TruncMonth("day")),
            monthly,
            filters,
            ("month", "direction"),
            {"n": "individuals"},
        )
        keyed = [(_as_date(m), d, row["n"]) for (m, d), row in by_month.items()]
        buckets = _buckets(filters, step)
    table: dict[date, dict[str, int]] = {b: dict.fromkeys(DIRECTIONS, 0) for b in buckets}
    for bucket, direction, n in keyed:
        table.setdefault(bucket, dict.fromkeys(DIRECTIONS, 0))[direction] = n or 0
    return sorted(table.items())


def _as_date(value: Any) -> date:
    return value.date() if hasattr(value, "date") else value


def _buckets(filters: Filters, step: str) -> list[date]:
    if step == "week":
        first = filters.start - timedelta(days=filters.start.weekday())
        count = (filters.end - first).days // 7 + 1
        return [first + timedelta(weeks=i) for i in range(count)]
    out, day = [], filters.start.replace(day=1)
    while day <= filters.end:
        out.append(day)
        day = (day.replace(day=28) + timedelta(days=4)).replace(day=1)
    return out
