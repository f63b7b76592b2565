"""Flow figures for one operation and filters, read from the daily rollup only.

A handful of small queries whatever the period: totals by direction and flow type for this
period and the previous one, the monitoring effort of both (`MonitoredDay`), the time
series, the totals per point and per country, and the breakdowns (nationality, transport,
destination).

Conventions (issue 16, DTM practice): averages are per monitored day (a day on which at
least one selected point has a live sheet) and per shift, never per calendar day; the
change against the previous period compares averages per monitored day, so a period
monitored on fewer days does not look like a fall; pendular movements (commuters) are
reported beside the movements of migrants (transit, intention to stay, return), never
added into that headline; sheets counted before flow types were asked are "not recorded".

Each query reads whole calendar months from the monthly rollup and only the days at the
period's edges from the daily one (`periods.split`); the effort reads `MonitoredDay`.
Everything goes through `policies.visible`, so an analyst sees the figures of the points in
their scope only.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from django.db.models import Count, QuerySet, Sum
from django.db.models.functions import TruncMonth, TruncWeek

from caminantes.accounts import policies
from caminantes.accounts.permissions import Perm
from caminantes.dtm.choices import (
    CHILD_FIELDS,
    MIGRANT_FLOW_TYPES,
    SEX_AGE_FIELDS,
    VULNERABILITY_FIELDS,
    CountDimension,
    Direction,
    FlowType,
)
from caminantes.dtm.dashboards.filters import Filters
from caminantes.dtm.dashboards.periods import split
from caminantes.dtm.models import (
    FlowDaily,
    FlowDailyBreakdown,
    FlowMonitoringPoint,
    FlowMonthly,
    FlowMonthlyBreakdown,
    MonitoredDay,
    Operation,
)
from caminantes.geo.models import Country

DIRECTIONS = tuple(d.value for d in Direction)
FLOW_TYPES = tuple(f.value for f in FlowType)
FEMALE = tuple(f for f in SEX_AGE_FIELDS if f.startswith("female"))
MALE = tuple(f for f in SEX_AGE_FIELDS if f.startswith("male"))


@dataclass
class PointFlow:
    point: FlowMonitoringPoint
    individuals: int


@dataclass
class CountryFlow:
    country: Country
    by_flow_type: dict[str, int]

    @property
    def total(self) -> int:
        return sum(self.by_flow_type.values())

    @property
    def migrants(self) -> int:
        return sum(self.by_flow_type.get(t, 0) for t in MIGRANT_FLOW_TYPES)

    @property
    def pendular(self) -> int:
        return self.by_flow_type.get(FlowType.PENDULAR, 0)

    @property
    def not_recorded(self) -> int:
        return self.by_flow_type.get(FlowType.UNKNOWN, 0)


@dataclass(frozen=True)
class Effort:
    """How much was monitored in a period: distinct days with counts (any selected point),
    point-days, and shifts (distinct start-end per point and day)."""

    days: int = 0
    point_days: int = 0
    shifts: int = 0

    def per_day(self, value: float) -> float | None:
        return value / self.days if self.days else None

    def per_shift(self, value: float) -> float | None:
        return value / self.shifts if self.shifts else None


def adjusted_change(
    now: float, now_effort: Effort, before: float, before_effort: Effort
) -> float | None:
    """Change in % of the average per monitored day; None without a base to compare with."""
    now_avg, before_avg = now_effort.per_day(now), before_effort.per_day(before)
    if now_avg is None or not before_avg:
        return None
    return 100 * (now_avg - before_avg) / before_avg


@dataclass
class FlowFigures:
    filters: Filters
    total: int = 0
    previous_total: int = 0
    by_direction: dict[str, int] = field(default_factory=dict)
    previous_by_direction: dict[str, int] = field(default_factory=dict)
    by_flow_type: dict[str, int] = field(default_factory=dict)
    previous_by_flow_type: dict[str, int] = field(default_factory=dict)
    effort: Effort = field(default_factory=Effort)
    previous_effort: Effort = field(default_factory=Effort)
    countries: list[CountryFlow] = field(default_factory=list)
    children: int = 0
    female: int = 0
    male: int = 0
    groups: int = 0
    unaccompanied_children: int = 0
    pregnant_lactating: int = 0
    with_disabilities: int = 0
    sheets: int = 0
    sex_age: dict[str, int] = field(default_factory=dict)
    # (period label, start day) -> individuals by direction
    series_step: str = "day"
    series: list[tuple[date, dict[str, int]]] = field(default_factory=list)
    series_flow_types: list[tuple[date, dict[str, int]]] = field(default_factory=list)
    points: list[PointFlow] = field(default_factory=list)
    nationalities: list[tuple[str, int]] = field(default_factory=list)
    transport: list[tuple[str, int]] = field(default_factory=list)
    destinations: list[tuple[str, int]] = field(default_factory=list)

    @property
    def migrants(self) -> int:
        """The headline: transit, intention to stay and return; never the pendular ones."""
        return sum(self.by_flow_type.get(t, 0) for t in MIGRANT_FLOW_TYPES)

    @property
    def previous_migrants(self) -> int:
        return sum(self.previous_by_flow_type.get(t, 0) for t in MIGRANT_FLOW_TYPES)

    @property
    def pendular(self) -> int:
        return self.by_flow_type.get(FlowType.PENDULAR, 0)

    @property
    def not_recorded(self) -> int:
        return self.by_flow_type.get(FlowType.UNKNOWN, 0)

    @property
    def per_monitored_day(self) -> float | None:
        """All movements selected / days with counts (not calendar days)."""
        return self.effort.per_day(self.total)

    @property
    def per_shift(self) -> float | None:
        return self.effort.per_shift(self.total)

    @property
    def calendar_day_average(self) -> float:
        """What a naive average would say (shown only to explain the difference)."""
        return self.total / self.filters.days if self.filters.days else 0.0

    @property
    def change(self) -> float | None:
        """Change of all selected movements per monitored day against the previous period
        of equal length, in %; None without a base."""
        return adjusted_change(self.total, self.effort, self.previous_total, self.previous_effort)

    def flow_type_change(self, flow_types: tuple[str, ...]) -> float | None:
        now = sum(self.by_flow_type.get(t, 0) for t in flow_types)
        before = sum(self.previous_by_flow_type.get(t, 0) for t in flow_types)
        return adjusted_change(now, self.effort, before, self.previous_effort)

    @property
    def migrant_change(self) -> float | None:
        return self.flow_type_change(MIGRANT_FLOW_TYPES)

    @property
    def pendular_change(self) -> float | None:
        return self.flow_type_change((FlowType.PENDULAR,))

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


def _narrow(qs: QuerySet[Any], filters: Filters, *, where_only: bool = False) -> QuerySet[Any]:
    """The filters on rollup rows; `where_only` keeps the place filters (country, point)
    and drops direction and flow type: the effort of a day does not depend on them."""
    if filters.country_id:
        qs = qs.filter(country_id=filters.country_id)
    if filters.point_ids:
        qs = qs.filter(point_id__in=filters.point_ids)
    if where_only:
        return qs
    if filters.direction:
        qs = qs.filter(direction=filters.direction)
    if filters.flow_type:
        qs = qs.filter(flow_type=filters.flow_type)
    return qs


def effort(user: Any, operation: Operation, filters: Filters) -> Effort:
    """Days, point-days and shifts monitored in the period at the selected places."""
    qs = _narrow(
        policies.visible(user, MonitoredDay, Perm.DTM_ANALYSE).filter(
            operation=operation, day__gte=filters.start, day__lte=filters.end
        ),
        filters,
        where_only=True,
    )
    row = qs.aggregate(
        days=Count("day", distinct=True), point_days=Count("id"), shifts=Sum("shifts")
    )
    return Effort(row["days"] or 0, row["point_days"] or 0, row["shifts"] or 0)


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
    fields = ("individuals", "groups", "unaccompanied_children", "sheets", *SEX_AGE_FIELDS,
              *VULNERABILITY_FIELDS)  # fmt: skip
    keys = ("direction", "flow_type")
    now = _summed(daily, monthly, filters, keys, {f: f for f in fields})
    prev = _summed(daily, monthly, filters.previous(), keys, {"n": "individuals"})
    fig.sex_age = dict.fromkeys(SEX_AGE_FIELDS, 0)
    fig.by_direction = dict.fromkeys(DIRECTIONS, 0)
    fig.previous_by_direction = dict.fromkeys(DIRECTIONS, 0)
    fig.by_flow_type = dict.fromkeys(FLOW_TYPES, 0)
    fig.previous_by_flow_type = dict.fromkeys(FLOW_TYPES, 0)
    for (direction, flow_type), row in now.items():
        fig.by_direction[direction] = fig.by_direction.get(direction, 0) + row["individuals"]
        fig.by_flow_type[flow_type] = fig.by_flow_type.get(flow_type, 0) + row["individuals"]
        fig.groups += row["groups"]
        fig.unaccompanied_children += row["unaccompanied_children"]
        fig.pregnant_lactating += row["pregnant_lactating"] or 0
        fig.with_disabilities += row["with_disabilities"] or 0
        fig.sheets += row["sheets"]
        for f in SEX_AGE_FIELDS:
            fig.sex_age[f] += row[f]
    for (direction, flow_type), row in prev.items():
        fig.previous_by_direction[direction] = (
            fig.previous_by_direction.get(direction, 0) + row["n"]
        )
        fig.previous_by_flow_type[flow_type] = (
            fig.previous_by_flow_type.get(flow_type, 0) + row["n"]
        )
    fig.total = sum(fig.by_direction.values())
    fig.previous_total = sum(fig.previous_by_direction.values())
    fig.effort = effort(user, operation, filters)
    fig.previous_effort = effort(user, operation, filters.previous())
    fig.children = sum(fig.sex_age[f] for f in CHILD_FIELDS)
    fig.female = sum(fig.sex_age[f] for f in FEMALE)
    fig.male = sum(fig.sex_age[f] for f in MALE)

    fig.series_step = series_step(filters)
    fig.series, fig.series_flow_types = _series(daily, monthly, filters, fig.series_step)
    by_point = _summed(daily, monthly, filters, ("point_id",), {"n": "individuals"})
    fig.countries = _countries(
        _summed(daily, monthly, filters, ("country_id", "flow_type"), {"n": "individuals"})
    )
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


def _countries(summed: dict[tuple[Any, ...], dict[str, int]]) -> list[CountryFlow]:
    """Totals per country by flow type, largest first (a regional operation's table)."""
    per_country: dict[int, dict[str, int]] = defaultdict(lambda: dict.fromkeys(FLOW_TYPES, 0))
    for (country_id, flow_type), row in summed.items():
        per_country[country_id][flow_type] += row["n"]
    names = Country.objects.in_bulk(list(per_country))
    rows = [CountryFlow(names[pk], cells) for pk, cells in per_country.items() if pk in names]
    return sorted(rows, key=lambda c: (-c.total, c.country.iso2))


def _series(
    daily: QuerySet[FlowDaily], monthly: QuerySet[FlowMonthly], filters: Filters, step: str
) -> tuple[list[tuple[date, dict[str, int]]], list[tuple[date, dict[str, int]]]]:
    """Individuals per bucket (day, week or month) by direction, and by flow type."""
    current = daily.filter(day__gte=filters.start, day__lte=filters.end)
    keys = ("direction", "flow_type")
    if step == "day":
        rows = current.values("day", *keys).annotate(n=Sum("individuals")).order_by()
        keyed = [(r["day"], r["direction"], r["flow_type"], r["n"]) for r in rows]
        buckets = [filters.start + timedelta(days=i) for i in range(filters.days)]
    elif step == "week":
        rows = (
            current.annotate(bucket=TruncWeek("day"))
            .values("bucket", *keys)
            .annotate(n=Sum("individuals"))
            .order_by()
        )
        keyed = [(_as_date(r["bucket"]), r["direction"], r["flow_type"], r["n"]) for r in rows]
        buckets = _buckets(filters, step)
    else:
        by_month = _summed(
            daily.annotate(month=TruncMonth("day")),
            monthly,
            filters,
            ("month", *keys),
            {"n": "individuals"},
        )
        keyed = [(_as_date(m), d, t, row["n"]) for (m, d, t), row in by_month.items()]
        buckets = _buckets(filters, step)
    directions: dict[date, dict[str, int]] = {b: dict.fromkeys(DIRECTIONS, 0) for b in buckets}
    flow_types: dict[date, dict[str, int]] = {b: dict.fromkeys(FLOW_TYPES, 0) for b in buckets}
    for bucket, direction, flow_type, n in keyed:
        by_direction = directions.setdefault(bucket, dict.fromkeys(DIRECTIONS, 0))
        by_direction[direction] = by_direction.get(direction, 0) + (n or 0)
        by_type = flow_types.setdefault(bucket, dict.fromkeys(FLOW_TYPES, 0))
        by_type[flow_type] = by_type.get(flow_type, 0) + (n or 0)
    return sorted(directions.items()), sorted(flow_types.items())


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
