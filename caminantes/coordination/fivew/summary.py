"""The dashboard's summaries of the validated 5W: written from the rows, read instead of them.

A summary covers one country's month (a "slice"): its validated rows that count as people
reached added up per admin-1 and sector, with the 42 population type x age/sex cells of the
max-sector model (`models.Summary`), and its validated CVA rows per sector and delivery
mechanism (`models.CvaSummary`). A validated report is read-only, so a slice changes only
when one of its reports is validated or leaves validated (returned), or when an indicator
starts or stops counting as Direct Assistance: `services` rebuilds the slice then, in the
same transaction. `caminantes fivew summarise` rebuilds every slice.

The dashboard reads a year of the region from ~23,000 summary rows instead of ~200,000
activity rows and their per-row cells; the figures are the ones `consolidate` computes from
the rows (tests/test_summary.py holds them equal).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import date
from decimal import Decimal
from typing import Any

from django.db import connection, transaction
from django.db.models import Count, F, QuerySet, Sum
from django.db.models.functions import Coalesce

from caminantes.coordination.fivew import consolidate
from caminantes.coordination.fivew.models import (
    BREAKDOWN_FIELDS,
    SPREAD_FIELDS,
    Activity,
    Admin1,
    CvaSummary,
    Report,
    Sector,
    Status,
    Summary,
)
from caminantes.geo.models import Country

# The sums of the sum model; `consolidate` names them people_reached (new beneficiaries)
# and the breakdowns.
NUMBERS = ("monthly_beneficiaries", "new_beneficiaries", *BREAKDOWN_FIELDS)
_NAMES = ("people_reached", *BREAKDOWN_FIELDS)


# --- writing --------------------------------------------------------------------------


def lock(country_id: int, month: date) -> None:
    """Lock the reports of the slice, in id order, until the transaction ends: whoever
    changes which of them are validated, or rebuilds the slice, takes this first, so two
    IMOs validating in one country and month wait for each other (and see each other's
    report validated) instead of each writing a summary without the other's."""
    list(
        Report.objects.select_for_update()
        .filter(country_id=country_id, month=month)
        .order_by("pk")
        .values_list("pk", flat=True)
    )


def rebuild(country_id: int, month: date) -> None:
    """Write the slice again from its validated rows. Call it in a transaction holding
    `lock(country_id, month)`."""
    Summary.objects.filter(country_id=country_id, month=month).delete()
    CvaSummary.objects.filter(country_id=country_id, month=month).delete()
    rows = consolidate.validated(
        Activity.objects.filter(report__country_id=country_id, report__month=month)
    )
    q = connection.ops.quote_name
    keys = {
        "country": F("report__country_id"),
        "month": F("report__month"),
        "admin1": F("admin1_id"),
        "sector": F("sector_id"),
    }
    sql, params = consolidate.spread(rows, keys, extra=("monthly_beneficiaries",))
    columns = ["country_id", "month", "admin1_id", "sector_id", *NUMBERS, *SPREAD_FIELDS]
    grouped = [q(f"k_{k}") for k in keys]
    sums = [f"SUM({q('v_' + n)})" for n in NUMBERS] + [
        f"SUM(c{i})" for i in range(len(SPREAD_FIELDS))
    ]
    _execute(
        f"INSERT INTO {q(Summary._meta.db_table)} ({', '.join(q(c) for c in columns)}) "  # noqa: S608
        f"SELECT {', '.join(grouped + sums)} FROM ({sql}) s GROUP BY {', '.join(grouped)}",
        params,
    )
    cva = (
        rows.filter(cva=True)
        .values(
            k_country=F("report__country_id"),
            k_month=F("report__month"),
            k_sector=F("sector_id"),
            k_mechanism=F("delivery_mechanism"),
        )
        .annotate(
            t_rows=Count("pk"),
            t_usd=Sum("value_usd"),
            t_new=Coalesce(Sum("new_beneficiaries"), 0),
        )
        .order_by()
    )
    sql, params = cva.query.sql_with_params()
    columns = [
        "country_id",
        "month",
        "sector_id",
        "delivery_mechanism",
        "rows",
        "value_usd",
        "new_beneficiaries",
    ]
    picked = ("k_country", "k_month", "k_sector", "k_mechanism", "t_rows", "t_usd", "t_new")
    _execute(
        f"INSERT INTO {q(CvaSummary._meta.db_table)} ({', '.join(q(c) for c in columns)}) "  # noqa: S608
        f"SELECT {', '.join(q(c) for c in picked)} FROM ({sql}) c",
        params,
    )


def _execute(sql: str, params: Sequence[Any]) -> None:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)


def rebuild_slices(slices: Sequence[tuple[int, date]]) -> None:
    """Lock, then rebuild, each slice in (country, month) order (one order for everyone:
    no deadlock), inside the caller's transaction."""
    for country_id, month in sorted(set(slices)):
        lock(country_id, month)
        rebuild(country_id, month)


def rebuild_all() -> int:
    """Every slice that has validated reports or summaries, one transaction each (a
    deployment's backfill; safe while people work). Returns the number of slices."""
    slices: set[tuple[int, date]] = set(
        Report.objects.filter(status=Status.VALIDATED).order_by().values_list("country_id", "month")
    )
    slices |= set(Summary.objects.values_list("country_id", "month"))
    slices |= set(CvaSummary.objects.values_list("country_id", "month"))
    for one in sorted(slices):
        with transaction.atomic():
            rebuild_slices([one])
    return len(slices)


# --- reading --------------------------------------------------------------------------


@dataclass(frozen=True)
class Summaries:
    """What a dashboard may read: the people reached and the CVA summaries of its slices."""

    reach: QuerySet[Summary]
    cva: QuerySet[CvaSummary]

    def filtered(
        self,
        *,
        countries: Sequence[Any] = (),
        start: date | None = None,
        end: date | None = None,
        sectors: Sequence[Any] = (),
    ) -> Summaries:
        """As `consolidate.filtered` filters the rows (a sector is that sector only)."""
        lookups: dict[str, Any] = {}
        if countries:
            lookups["country__in"] = countries
        if start is not None:
            lookups["month__gte"] = start
        if end is not None:
            lookups["month__lte"] = end
        if sectors:
            lookups["sector__in"] = sectors
        return replace(self, reach=self.reach.filter(**lookups), cva=self.cva.filter(**lookups))


@dataclass
class Tables:
    """The sum model's figures, as `consolidate.by` and `rollup` give them from the rows."""

    totals: dict[str, int]
    by_country: list[dict[str, Any]]
    by_sector: list[dict[str, Any]]  # per subsector
    by_admin1: list[dict[str, Any]]
    by_month: list[dict[str, Any]]


GROUPINGS = (("country_id",), ("sector_id",), ("country_id", "admin1_id"), ("month",))


def tables(qs: QuerySet[Summary]) -> Tables:
    """Totals and the tables per country, subsector, admin-1 and month. Grouped by ids in
    the database, then named and merged by name here (two sectors may share a name: the
    rows' figures add them up)."""
    by_country, by_sector, by_admin1, by_month = _grouped(qs)
    totals = {n: sum(r[n] for r in by_country) for n in ("monthly_beneficiaries", *_NAMES)}
    countries = dict(
        Country.objects.filter(pk__in={r["country_id"] for r in by_country}).values_list(
            "pk", "iso3"
        )
    )
    sectors = dict(
        Sector.objects.filter(pk__in={r["sector_id"] for r in by_sector}).values_list("pk", "name")
    )
    areas = dict(
        Admin1.objects.filter(pk__in={r["admin1_id"] for r in by_admin1}).values_list("pk", "name")
    )
    return Tables(
        totals=totals,
        by_country=_named(by_country, country=lambda r: countries[r["country_id"]]),
        by_sector=_named(by_sector, subsector=lambda r: sectors[r["sector_id"]]),
        by_admin1=_named(
            by_admin1,
            country=lambda r: countries[r["country_id"]],
            admin1=lambda r: areas[r["admin1_id"]],
        ),
        by_month=_named(by_month, month=lambda r: r["month"]),
    )


def _grouped(qs: QuerySet[Summary]) -> list[list[dict[str, Any]]]:
    """The sums per each of `GROUPINGS`: on PostgreSQL in one scan (GROUPING SETS), else
    one query each."""
    if connection.vendor != "postgresql":
        sums = {f"t_{n}": Coalesce(Sum(n), 0) for n in NUMBERS}
        return [[_clean(r) for r in qs.order_by().values(*g).annotate(**sums)] for g in GROUPINGS]
    keys = ("country_id", "admin1_id", "sector_id", "month")
    sql, params = qs.order_by().values(*keys, *NUMBERS).query.sql_with_params()
    q = connection.ops.quote_name
    sets = ", ".join("(" + ", ".join(q(k) for k in g) + ")" for g in GROUPINGS)
    statement = (
        f"SELECT {', '.join(q(k) for k in keys)}, "  # noqa: S608
        + ", ".join(f"SUM({q(n)})" for n in NUMBERS)
        + f" FROM ({sql}) b GROUP BY GROUPING SETS ({sets})"
    )
    with connection.cursor() as cursor:
        cursor.execute(statement, params)
        result = cursor.fetchall()
    out: list[list[dict[str, Any]]] = [[] for _g in GROUPINGS]
    for row in result:
        # the keys are never empty in the table: the ones a grouping leaves out are NULL
        given = tuple(k for k, v in zip(keys, row[: len(keys)], strict=True) if v is not None)
        numbers = {f"t_{n}": v for n, v in zip(NUMBERS, row[len(keys) :], strict=True)}
        grouping = next(g for g in GROUPINGS if set(g) == set(given))
        out[GROUPINGS.index(grouping)].append(
            _clean({**{k: row[keys.index(k)] for k in grouping}, **numbers})
        )
    return out


def _clean(row: dict[str, Any]) -> dict[str, Any]:
    out = {}
    for k, v in row.items():
        if k.startswith("t_"):
            k, v = k[2:], int(v)
            k = "people_reached" if k == "new_beneficiaries" else k
        out[k] = v
    return out


def _named(rows: list[dict[str, Any]], **names: Any) -> list[dict[str, Any]]:
    """Rows keyed by their names (`names`: key -> function of the row), added up where
    names repeat, in `consolidate.rollup`'s order."""
    numbers = ("monthly_beneficiaries", *_NAMES)
    out: dict[tuple[Any, ...], dict[str, Any]] = {}
    for r in rows:
        key = tuple(f(r) for f in names.values())
        acc = out.get(key)
        if acc is None:
            out[key] = {**dict(zip(names, key, strict=True)), **{n: r[n] for n in numbers}}
        else:
            for n in numbers:
                acc[n] += r[n]
    return [out[k] for k in sorted(out, key=lambda k: tuple(str(x) for x in k))]


def max_sector(qs: QuerySet[Summary]) -> dict[str, int]:
    """People reached by the max-sector model, with its breakdowns (`consolidate.across`
    over the summaries' cells instead of each row's)."""
    cells = {f"c{i}": F(name) for i, name in enumerate(SPREAD_FIELDS)}
    source = (
        qs.annotate(
            k_area=F("admin1_id"),
            k_month=F("month"),
            k_sector=Coalesce(F("sector__parent_id"), F("sector_id")),
            **cells,
        )
        .values("k_area", "k_month", "k_sector", *cells)
        .order_by()
    )
    sql, params = source.query.sql_with_params()
    return consolidate.across(sql, params)[0]


def cva_by_mechanism(qs: QuerySet[CvaSummary]) -> list[dict[str, Any]]:
    """As `consolidate.cva_by_mechanism` gives them from the rows."""
    rows = (
        qs.values("delivery_mechanism")
        .annotate(
            t_usd=Coalesce(Sum("value_usd"), Decimal(0)),
            t_rows=Coalesce(Sum("rows"), 0),
            t_new=Coalesce(Sum("new_beneficiaries"), 0),
        )
        .order_by("delivery_mechanism")
    )
    return [
        {
            "delivery_mechanism": r["delivery_mechanism"],
            "value_usd": r["t_usd"],
            "rows": int(r["t_rows"]),
            "new_beneficiaries": int(r["t_new"]),
            "mechanism": r["delivery_mechanism"] or "unknown",
        }
        for r in rows
    ]
