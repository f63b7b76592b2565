"""The daily and monthly rollups: what dashboards read instead of millions of raw rows.

Contract: whoever writes FlowCount or FlowCountBreakdown rows calls `refresh(keys)` in the
same transaction, with the (point_id, day) pairs it touched, after locking those points
(`lock_points`) so that two writers of one point cannot interleave. `refresh` recomputes
those days from the raw rows, so calling it twice changes nothing. Bulk loaders (demo,
benchmark) insert raw rows and then call `rebuild()` once: one INSERT … SELECT per table.
Voided sheets (`voided_at` set) are left out everywhere.

Rows are keyed by direction and flow type. Each refreshed day also rewrites its
`MonitoredDay` row (the effort: distinct shifts with live sheets) and refreshes its
calendar month (`FlowMonthly`, `FlowMonthlyBreakdown`, summed from the daily rows).
Surveys have a monthly rollup only (`SurveyChoiceMonthly`): whoever stores interviews
calls `refresh_surveys(keys)` with the (point_id, day) pairs touched, under the same
point lock.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from datetime import date
from typing import Any

from django.db import connection, transaction
from django.db.models import Count, Sum
from django.db.models.functions import TruncMonth

from caminantes.dtm.choices import SEX_AGE_FIELDS, VULNERABILITY_FIELDS
from caminantes.dtm.models import (
    FlowCount,
    FlowCountBreakdown,
    FlowDaily,
    FlowDailyBreakdown,
    FlowMonitoringPoint,
    FlowMonthly,
    FlowMonthlyBreakdown,
    MonitoredDay,
    SurveyChoice,
    SurveyChoiceMonthly,
    SurveySubmission,
)

TOTALS = ("individuals", "groups", "unaccompanied_children", *SEX_AGE_FIELDS,
          *VULNERABILITY_FIELDS)  # fmt: skip
COPIED = ("organization_id", "country_id", "operation_id")


def lock_points(point_ids: Iterable[int]) -> None:
    """Serialise writers per point (a row lock on PostgreSQL; SQLite locks the database)."""
    ids = sorted(set(point_ids))
    if ids:
        list(FlowMonitoringPoint.objects.select_for_update().filter(pk__in=ids).values("pk"))


def refresh(keys: Iterable[tuple[int, date]]) -> int:
    """Recompute the rollup rows of these (point_id, day) pairs; returns rows written."""
    days_by_point: dict[int, set[date]] = defaultdict(set)
    for point_id, day in keys:
        days_by_point[point_id].add(day)
    written = 0
    with transaction.atomic():
        for point_id, days in days_by_point.items():
            written += _refresh_point(point_id, sorted(days))
            written += _refresh_point_months(point_id, sorted({month_of(d) for d in days}))
    return written


def month_of(day: date) -> date:
    return day.replace(day=1)


def _replace(
    model: Any, point_id: int, period: str, periods: list[date], rows: Any, fields: dict[str, str]
) -> int:
    """Delete the point's rows of these periods and write the aggregated `rows` instead;
    `fields` maps each model field to its key in a row."""
    model.objects.filter(point_id=point_id, **{f"{period}__in": periods}).delete()
    objs = [model(point_id=point_id, **{f: row[k] for f, k in fields.items()}) for row in rows]
    model.objects.bulk_create(objs)
    return len(objs)


_SUMS = {**{f: f for f in COPIED}, **{f: f"sum_{f}" for f in TOTALS}}


def _refresh_point_months(point_id: int, months: list[date]) -> int:
    def in_months(model: Any) -> Any:
        by_month = model.objects.filter(point_id=point_id).annotate(m=TruncMonth("day"))
        return by_month.filter(m__in=months)

    totals = (
        in_months(FlowDaily)
        .values("m", "direction", "flow_type", *COPIED)
        .annotate(n_sheets=Sum("sheets"), **{f"sum_{f}": Sum(f) for f in TOTALS})
        .order_by()
    )
    parts = (
        in_months(FlowDailyBreakdown)
        .values("m", "direction", "flow_type", "dimension", "code", *COPIED)
        .annotate(total=Sum("individuals"))
        .order_by()
    )
    per_month = {"month": "m", "direction": "direction", "flow_type": "flow_type"}
    return _replace(FlowMonthly, point_id, "month", months, totals,
                    {**per_month, "sheets": "n_sheets", **_SUMS}) + _replace(
        FlowMonthlyBreakdown, point_id, "month", months, parts,
        {**per_month, "dimension": "dimension", "code": "code", "individuals": "total",
         **{f: f for f in COPIED}},
    )  # fmt: skip


def refresh_surveys(keys: Iterable[tuple[int, date]]) -> int:
    """Recompute the survey rollup of the months of these (point_id, day) pairs."""
    months_by_point: dict[int, set[date]] = defaultdict(set)
    for point_id, day in keys:
        months_by_point[point_id].add(month_of(day))
    written = 0
    with transaction.atomic():
        for point_id, months in months_by_point.items():
            rows = (
                SurveyChoice.objects.filter(point_id=point_id)
                .annotate(m=TruncMonth("interviewed_on"))
                .filter(m__in=months)
                .values("m", "question", "option", "operation_id", "submission__organization",
                        "submission__country")
                .annotate(n=Count("id"))
                .order_by()
            )  # fmt: skip
            written += _replace(
                SurveyChoiceMonthly, point_id, "month", sorted(months), rows,
                {"month": "m", "question": "question", "option": "option",
                 "organization_id": "submission__organization",
                 "country_id": "submission__country", "operation_id": "operation_id",
                 "respondents": "n"},
            )  # fmt: skip
    return written


def _refresh_point(point_id: int, days: list[date]) -> int:
    live = FlowCount.objects.filter(point_id=point_id, observed_on__in=days, voided_at__isnull=True)
    totals = (
        live.values("observed_on", "direction", "flow_type", *COPIED)
        .annotate(sheets=Count("id"), **{f"sum_{f}": Sum(f) for f in TOTALS})
        .order_by()
    )
    parts = (
        FlowCountBreakdown.objects.filter(count__in=live)
        .values("count__observed_on", "count__direction", "count__flow_type", "dimension",
                "code", *(f"count__{f}" for f in COPIED))
        .annotate(total=Sum("individuals"))
        .order_by()
    )  # fmt: skip
    return _replace(FlowDaily, point_id, "day", days, totals,
                    {"day": "observed_on", "direction": "direction", "flow_type": "flow_type",
                     "sheets": "sheets", **_SUMS}) + _replace(
        FlowDailyBreakdown, point_id, "day", days, parts,
        {"day": "count__observed_on", "direction": "count__direction",
         "flow_type": "count__flow_type", "dimension": "dimension", "code": "code",
         "individuals": "total", **{f: f"count__{f}" for f in COPIED}},
    ) + _replace(MonitoredDay, point_id, "day", days, _effort(live),
                 {"day": "observed_on", "shifts": "shifts", **{f: f for f in COPIED}})  # fmt: skip


def _effort(live: Any) -> list[dict[str, Any]]:
    """One row per day with live sheets: its number of distinct shifts (start-end)."""
    shifts: dict[tuple[Any, ...], set[tuple[Any, Any]]] = defaultdict(set)
    for row in live.values("observed_on", "shift_start", "shift_end", *COPIED):
        key = (row["observed_on"], *(row[f] for f in COPIED))
        shifts[key].add((row["shift_start"], row["shift_end"]))
    return [
        {"observed_on": key[0], **dict(zip(COPIED, key[1:], strict=True)), "shifts": len(s)}
        for key, s in shifts.items()
    ]


def rebuild(operation_id: int | None = None) -> None:
    """Recompute the whole rollup (or one operation's) from the raw rows in SQL."""
    daily = FlowDaily._meta.db_table
    parts = FlowDailyBreakdown._meta.db_table
    monitored = MonitoredDay._meta.db_table
    counts = FlowCount._meta.db_table
    breakdowns = FlowCountBreakdown._meta.db_table
    where = "c.voided_at IS NULL" + (" AND c.operation_id = %s" if operation_id else "")
    params = [operation_id] if operation_id else []
    sums = ", ".join(f"SUM(c.{f})" for f in TOTALS)
    with transaction.atomic(), connection.cursor() as cur:
        if operation_id:
            FlowDaily.objects.filter(operation_id=operation_id).delete()
            FlowDailyBreakdown.objects.filter(operation_id=operation_id).delete()
            MonitoredDay.objects.filter(operation_id=operation_id).delete()
        else:
            cur.execute(f"DELETE FROM {daily}")  # noqa: S608 - table names from the models
            cur.execute(f"DELETE FROM {parts}")  # noqa: S608
            cur.execute(f"DELETE FROM {monitored}")  # noqa: S608
        cur.execute(
            f"INSERT INTO {daily} (point_id, day, direction, flow_type, organization_id, "  # noqa: S608
            f"country_id, operation_id, sheets, {', '.join(TOTALS)}) "
            f"SELECT c.point_id, c.observed_on, c.direction, c.flow_type, c.organization_id, "
            f"c.country_id, c.operation_id, COUNT(*), {sums} FROM {counts} c WHERE {where} "
            f"GROUP BY c.point_id, c.observed_on, c.direction, c.flow_type, c.organization_id, "
            f"c.country_id, c.operation_id",
            params,
        )
        cur.execute(
            f"INSERT INTO {parts} (point_id, day, direction, flow_type, dimension, code, "  # noqa: S608
            f"organization_id, country_id, operation_id, individuals) "
            f"SELECT c.point_id, c.observed_on, c.direction, c.flow_type, b.dimension, b.code, "
            f"c.organization_id, c.country_id, c.operation_id, SUM(b.individuals) "
            f"FROM {breakdowns} b JOIN {counts} c ON c.id = b.count_id WHERE {where} "
            f"GROUP BY c.point_id, c.observed_on, c.direction, c.flow_type, b.dimension, "
            f"b.code, c.organization_id, c.country_id, c.operation_id",
            params,
        )
        copied = "organization_id, country_id, operation_id"
        cur.execute(
            f"INSERT INTO {monitored} (point_id, day, {copied}, shifts) "  # noqa: S608
            f"SELECT point_id, observed_on, {copied}, COUNT(*) FROM (SELECT DISTINCT "
            f"c.point_id, c.observed_on, c.shift_start, c.shift_end, c.organization_id, "
            f"c.country_id, c.operation_id FROM {counts} c WHERE {where}) s "
            f"GROUP BY point_id, observed_on, {copied}",
            params,
        )
        rebuild_months(operation_id)


def _month_sql(column: str) -> str:
    if connection.vendor == "postgresql":
        return f"CAST(date_trunc('month', {column}) AS date)"
    return f"date({column}, 'start of month')"


def rebuild_months(operation_id: int | None = None, *, totals: tuple[str, ...] = TOTALS) -> None:
    """Recompute the monthly rollups (flows from the daily tables, surveys from the raw
    choices) for the whole database or one operation, in SQL. A migration passes the
    `totals` columns its tables have at that point of the history."""
    TOTALS = totals
    op_where = " WHERE operation_id = %s" if operation_id else ""
    params = [operation_id] if operation_id else []
    month = _month_sql("day")
    copied = "organization_id, country_id, operation_id"
    sums = ", ".join(f"SUM({f})" for f in TOTALS)
    models = (FlowDaily, FlowDailyBreakdown, FlowMonthly, FlowMonthlyBreakdown, SurveyChoice,
              SurveyChoiceMonthly, SurveySubmission)  # fmt: skip
    tables: dict[Any, str] = {m: m._meta.db_table for m in models}
    submissions = tables[SurveySubmission]
    with transaction.atomic(), connection.cursor() as cur:
        for model in (FlowMonthly, FlowMonthlyBreakdown, SurveyChoiceMonthly):
            cur.execute(f"DELETE FROM {tables[model]}{op_where}", params)  # noqa: S608
        cur.execute(
            f"INSERT INTO {tables[FlowMonthly]} (point_id, month, direction, flow_type, {copied}, "  # noqa: S608
            f"sheets, {', '.join(TOTALS)}) SELECT point_id, {month}, direction, flow_type, "
            f"{copied}, SUM(sheets), {sums} FROM {tables[FlowDaily]}{op_where} "
            f"GROUP BY point_id, {month}, direction, flow_type, {copied}",
            params,
        )
        cur.execute(
            f"INSERT INTO {tables[FlowMonthlyBreakdown]} (point_id, month, direction, "  # noqa: S608
            f"flow_type, dimension, code, {copied}, individuals) SELECT point_id, {month}, "
            f"direction, flow_type, dimension, code, {copied}, SUM(individuals) FROM "
            f"{tables[FlowDailyBreakdown]}{op_where} GROUP BY point_id, {month}, direction, "
            f"flow_type, dimension, code, {copied}",
            params,
        )
        choice_month = _month_sql("c.interviewed_on")
        where = " WHERE c.operation_id = %s" if operation_id else ""
        cur.execute(
            f"INSERT INTO {tables[SurveyChoiceMonthly]} (point_id, month, question, option, "  # noqa: S608
            f"organization_id, country_id, operation_id, respondents) "
            f"SELECT c.point_id, {choice_month}, c.question, c.option, s.organization_id, "
            f"s.country_id, c.operation_id, COUNT(*) FROM {tables[SurveyChoice]} c "
            f"JOIN {submissions} s ON s.id = c.submission_id{where} "
            f"GROUP BY c.point_id, {choice_month}, c.question, c.option, s.organization_id, "
            f"s.country_id, c.operation_id",
            params,
        )
