"""Flow figures for one operation and filters, read from the daily rollup only.

Four queries whatever the period: totals by direction for this period and the previous
one (conditional sums in one pass), the time series, the totals per point, and the
breakdowns (nationality, transport, destination). Everything goes through
`policies.visible`, so an analyst sees the figures of the points in their scope only.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from django.db.models import Q, QuerySet, Sum
from django.db.models.functions import TruncMonth, TruncWeek

from caminantes.accounts import policies
from caminantes.accounts.permissions import Perm
from caminantes.dtm.choices import CHILD_FIELDS, SEX_AGE_FIELDS, CountDimension, Direction
from caminantes.dtm.dashboards.filters import Filters
from caminantes.dtm.models import FlowDaily, FlowDailyBreakdown, FlowMonitoringPoint, Operation

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


def flow_figures(*, user: Any, operation: Operation, filters: Filters) -> FlowFigures:
    fig = FlowFigures(filters=filters)
    prev = filters.previous()
    base = _narrow(daily_rows(user, operation), filters)
    now_q = Q(day__gte=filters.start, day__lte=filters.end)
    prev_q = Q(day__gte=prev.start, day__lte=prev.end)
    sums: dict[str, Any] = {
        f"{f}_now": Sum(f, filter=now_q)
        for f in ("individuals", "groups", "unaccompanied_children", "sheets", *SEX_AGE_FIELDS)
    }
    sums["individuals_prev"] = Sum("individuals", filter=prev_q)
    totals = (
        base.filter(day__gte=prev.start, day__lte=filters.end)
        .values("direction")
        .annotate(**sums)
        .order_by()
    )
    fig.sex_age = dict.fromkeys(SEX_AGE_FIELDS, 0)
    for row in totals:
        direction = row["direction"]
        fig.by_direction[direction] = row["individuals_now"] or 0
        fig.previous_by_direction[direction] = row["individuals_prev"] or 0
        fig.groups += row["groups_now"] or 0
        fig.unaccompanied_children += row["unaccompanied_children_now"] or 0
        fig.sheets += row["sheets_now"] or 0
        for f in SEX_AGE_FIELDS:
            fig.sex_age[f] += row[f"{f}_now"] or 0
    for d in DIRECTIONS:
        fig.by_direction.setdefault(d, 0)
        fig.previous_by_direction.setdefault(d, 0)
    fig.total = sum(fig.by_direction.values())
    fig.previous_total = sum(fig.previous_by_direction.values())
    fig.children = sum(fig.sex_age[f] for f in CHILD_FIELDS)
    fig.female = sum(fig.sex_age[f] for f in FEMALE)
    fig.male = sum(fig.sex_age[f] for f in MALE)

    current = base.filter(now_q)
    fig.series_step = series_step(filters)
    fig.series = _series(current, filters, fig.series_step)
    by_point = dict(
        current.values("point_id").annotate(n=Sum("individuals")).values_list("point_id", "n")
    )
    points = FlowMonitoringPoint.objects.filter(operation=operation)
    if filters.point_ids:
        points = points.filter(pk__in=filters.point_ids)
    visible_points = {p.pk: p for p in points.select_related("country")}
    fig.points = sorted(
        (
            PointFlow(visible_points[pk], n or 0)
            for pk, n in by_point.items()
            if pk in visible_points
        ),
        key=lambda p: -p.individuals,
    )

    breakdowns = _narrow(
        policies.visible(user, FlowDailyBreakdown, Perm.DTM_ANALYSE).filter(
            operation=operation, day__gte=filters.start, day__lte=filters.end
        ),
        filters,
    )
    grouped: dict[str, list[tuple[str, int]]] = {d.value: [] for d in CountDimension}
    for row in (
        breakdowns.values("dimension", "code").annotate(n=Sum("individuals")).order_by("-n", "code")
    ):
        grouped.setdefault(row["dimension"], []).append((row["code"], row["n"] or 0))
    fig.nationalities = grouped[CountDimension.NATIONALITY]
    fig.transport = grouped[CountDimension.TRANSPORT]
    fig.destinations = grouped[CountDimension.DESTINATION]
    return fig


def _series(
    qs: QuerySet[FlowDaily], filters: Filters, step: str
) -> list[tuple[date, dict[str, int]]]:
    if step == "day":
        rows = qs.values("day", "direction").annotate(n=Sum("individuals"))
        keyed = [(r["day"], r["direction"], r["n"]) for r in rows]
        buckets = [filters.start + timedelta(days=i) for i in range(filters.days)]
    else:
        trunc = TruncWeek("day") if step == "week" else TruncMonth("day")
        rows = (
            qs.annotate(bucket=trunc).values("bucket", "direction").annotate(n=Sum("individuals"))
        )
        keyed = [(_as_date(r["bucket"]), r["direction"], r["n"]) for r in rows]
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
