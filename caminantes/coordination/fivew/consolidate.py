"""Consolidated 5W figures computed in the database, over validated rows only.

The same counting rules as the engine's pure functions (`engine.consolidate`), which the
tests hold these to: only RMRP activities under Direct Assistance indicators count as people
reached; monthly beneficiaries add the months up (double counting across months); people
reached add up the *new* beneficiaries of the months, and so do the breakdowns. Across
sectors, the sum model adds all sectors; the max-sector model takes, per admin-1 and month,
the largest of each cell across sectors and then adds admin-1s and months up. CVA totals
are the USD value of validated CVA rows per delivery mechanism.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from decimal import Decimal
from typing import Any

from django.db import connection
from django.db.models import Count, F, Q, QuerySet, Sum
from django.db.models.functions import Coalesce

from caminantes.coordination.fivew.models import (
    AGE_SEX_FIELDS,
    AGES,
    BREAKDOWN_FIELDS,
    POPS,
    POPULATION_FIELDS,
    SPREAD,
    Activity,
    IndicatorType,
    Status,
)

# The cells of people reached: the total of new beneficiaries, then the breakdowns.
CELLS = ("new_beneficiaries", *BREAKDOWN_FIELDS)
# How a dimension is spelled in the database, from an activity row.
DIMENSIONS: dict[str, Any] = {
    "country": F("report__country__iso3"),
    "admin1": F("admin1__name"),
    "admin1_pcode": F("admin1__pcode"),
    # the R4V sector (Protection for its subsectors), and the subsector itself
    "sector": Coalesce(F("sector__parent__name"), F("sector__name")),
    "subsector": F("sector__name"),
    "month": F("report__month"),
    "organization": F("report__organization__acronym"),
}


def validated(qs: QuerySet[Activity] | None = None) -> QuerySet[Activity]:
    qs = Activity.objects.all() if qs is None else qs
    return qs.filter(report__status=Status.VALIDATED)


def counted(qs: QuerySet[Activity]) -> QuerySet[Activity]:
    """The rows that count as people reached."""
    return qs.filter(rmrp_activity=True, indicator__type=IndicatorType.DIRECT)


def filtered(
    qs: QuerySet[Activity],
    *,
    countries: Sequence[Any] = (),
    start: date | None = None,
    end: date | None = None,
    sectors: Sequence[Any] = (),
) -> QuerySet[Activity]:
    if countries:
        qs = qs.filter(report__country__in=countries)
    if start is not None:
        qs = qs.filter(report__month__gte=start)
    if end is not None:
        qs = qs.filter(report__month__lte=end)
    if sectors:
        qs = qs.filter(sector__in=sectors)
    return qs


def _sums() -> dict[str, Any]:
    out: dict[str, Any] = {"monthly_beneficiaries": Coalesce(Sum("monthly_beneficiaries"), 0)}
    out.update({f"v_{c}": Coalesce(Sum(c), 0) for c in CELLS})
    return out


def _clean(row: dict[str, Any]) -> dict[str, Any]:
    """The engine's names: people_reached is the sum of new beneficiaries."""
    out = {}
    for k, v in row.items():
        if k == "v_new_beneficiaries":
            k = "people_reached"
        elif k.startswith("v_"):
            k = k[2:]
        out[k] = v
    return out


def totals(qs: QuerySet[Activity]) -> dict[str, int]:
    """Monthly beneficiaries and people reached (sum model), with their breakdowns."""
    return _clean(counted(qs).aggregate(**_sums()))


def by(qs: QuerySet[Activity], *dimensions: str) -> list[dict[str, Any]]:
    """The same figures grouped by dimensions (country, admin1, sector, month ...)."""
    keys = {d: DIMENSIONS[d] for d in dimensions}
    rows = (
        counted(qs)
        .annotate(**{f"k_{d}": e for d, e in keys.items()})
        .values(*(f"k_{d}" for d in dimensions))
        .annotate(**_sums())
        .order_by(*(f"k_{d}" for d in dimensions))
    )
    return [{(k[2:] if k.startswith("k_") else k): v for k, v in _clean(r).items()} for r in rows]


def rollup(rows: list[dict[str, Any]], *keys: str) -> list[dict[str, Any]]:
    """Add up rows of `by` (a finer grouping) to a coarser one, in Python: the dashboard
    reads one grouped query and rolls it up instead of scanning the rows once per table."""
    numbers = ("monthly_beneficiaries", "people_reached", *BREAKDOWN_FIELDS)
    out: dict[tuple[Any, ...], dict[str, Any]] = {}
    for r in rows:
        k = tuple(r[x] for x in keys)
        acc = out.get(k)
        if acc is None:
            out[k] = {**dict(zip(keys, k, strict=True)), **{n: r[n] for n in numbers}}
        else:
            for n in numbers:
                acc[n] += r[n]
    return [out[k] for k in sorted(out, key=lambda k: tuple(str(x) for x in k))]


def spread(
    qs: QuerySet[Activity], keys: dict[str, Any], extra: Sequence[str] = ()
) -> tuple[str, Sequence[Any]]:
    """The counted rows of `qs` as one SQL query (and its parameters) with, per row, the
    `keys` (columns k_<name>), the cells of people reached and the `extra` fields (v_<field>,
    0 when empty), and the row's new beneficiaries spread over the population type x age/sex
    cells (c0 ... c41, in the order of `SPREAD`): population share x age/sex share, the
    unknown population or age/sex group taking the share when a breakdown is empty. Both the
    max-sector model and the dashboard's summaries (`summary.rebuild`) add these up."""
    values = (*CELLS, *extra)
    base = (
        counted(qs)
        .annotate(
            **{f"k_{k}": e for k, e in keys.items()},
            **{f"v_{c}": Coalesce(F(c), 0) for c in values},
        )
        .values(*(f"k_{k}" for k in keys), *(f"v_{c}" for c in values))
        .order_by()
    )
    sql, params = base.query.sql_with_params()
    q = connection.ops.quote_name
    real = "DOUBLE PRECISION"
    pt = "(" + " + ".join(f"CAST({q('v_' + p)} AS {real})" for p in POPULATION_FIELDS) + ")"
    at = "(" + " + ".join(f"CAST({q('v_' + g)} AS {real})" for g in AGE_SEX_FIELDS) + ")"
    new = f"CAST({q('v_new_beneficiaries')} AS {real})"
    passed = ", ".join(q(c) for c in (*(f"k_{k}" for k in keys), *(f"v_{c}" for c in values)))
    # A row's weights: its cell (p, g) is w * p * g when both breakdowns are given; with
    # one missing, the unknown population or age/sex group takes the share (wp, wg, wu).
    weighted = (
        f"SELECT {passed}, "  # noqa: S608
        f"CASE WHEN {pt} > 0 AND {at} > 0 THEN {new} / ({pt} * {at}) ELSE 0 END AS w, "
        f"CASE WHEN {pt} = 0 AND {at} > 0 THEN {new} / {at} ELSE 0 END AS wp, "
        f"CASE WHEN {pt} > 0 AND {at} = 0 THEN {new} / {pt} ELSE 0 END AS wg, "
        f"CASE WHEN {pt} = 0 AND {at} = 0 THEN {new} ELSE 0 END AS wu FROM ({sql}) r"
        # PostgreSQL would fold this subquery into the sums and compute each weight once
        # per cell (42 times a row, 6 s for 200,000 rows); OFFSET 0 keeps it a subquery.
        + (" OFFSET 0" if connection.vendor == "postgresql" else "")
    )

    def cell(p: str, g: str) -> str:
        if p == "pop_unknown" and g == "age_sex_unknown":
            return "wu"
        if p == "pop_unknown":
            return f"wp * {q('v_' + g)}"
        if g == "age_sex_unknown":
            return f"wg * {q('v_' + p)}"
        return f"w * {q('v_' + p)} * {q('v_' + g)}"

    cells = ", ".join(f"{cell(p, g)} AS c{i}" for i, (p, g) in enumerate(SPREAD))
    return f"SELECT {passed}, {cells} FROM ({weighted}) rw", params  # noqa: S608


def max_sector(
    qs: QuerySet[Activity], *dimensions: str, model: str = "max-sector"
) -> list[dict[str, Any]]:
    """People reached across sectors, grouped by `dimensions` (none: one row) among
    country and admin1, as the engine's `across_sectors` counts them: a row's new
    beneficiaries are spread over population type x age/sex cells (`spread`); per admin-1
    and month each cell takes its largest value across sectors (a subsector counts under its
    sector), or the sum of all sectors for the "sum" model; cells, months and admin-1s are
    then added up and each figure rounded once. One SQL statement."""
    allowed = {"country", "admin1", "admin1_pcode"}
    if not set(dimensions) <= allowed or model not in ("max-sector", "sum"):
        raise ValueError(dimensions)
    keys = {
        "area": F("admin1_id"),
        "month": F("report__month"),
        "sector": Coalesce(F("sector__parent_id"), F("sector_id")),
        **{d: DIMENSIONS[d] for d in dimensions},
    }
    sql, params = spread(qs, keys)
    return across(sql, params, dimensions, model=model)


def across(
    sql: str, params: Sequence[Any], dimensions: Sequence[str] = (), *, model: str = "max-sector"
) -> list[dict[str, Any]]:
    """The max-sector (or sum) model over a query giving, per row, k_area (the admin-1),
    k_month, k_sector (the R4V sector), k_<dimension> and the 42 cells c0 ... c41: per
    admin-1 and month each cell takes its largest sum across sectors, then everything is
    added up per `dimensions` and rounded once."""
    q = connection.ops.quote_name
    keys = [q(f"k_{d}") for d in dimensions]
    sums1 = ", ".join(f"SUM(c{i}) AS c{i}" for i in range(len(SPREAD)))
    sector_key = [] if model == "sum" else [q("k_sector")]
    level1 = ", ".join([q("k_area"), q("k_month"), *sector_key, *keys])
    level2 = ", ".join([q("k_area"), q("k_month"), *keys])
    maxes = ", ".join(f"MAX(c{i}) AS c{i}" for i in range(len(SPREAD)))
    sums = ", ".join(f"SUM(c{i})" for i in range(len(SPREAD)))
    outer = ", ".join(keys)
    # Only quoted aliases and Django's own parameterised SQL go in: no user text.
    statement = (
        f"SELECT {outer + ', ' if keys else ''}{sums} FROM ("  # noqa: S608
        f"SELECT {level2}, {maxes} FROM ("
        f"SELECT {level1}, {sums1} FROM ({sql}) r1 GROUP BY {level1}"
        f") s GROUP BY {level2}) u" + (f" GROUP BY {outer} ORDER BY {outer}" if keys else "")
    )
    with connection.cursor() as cursor:
        cursor.execute(statement, params)
        result = cursor.fetchall()
    out = []
    for row in result:
        key, figures = (
            row[: len(dimensions)],
            [float(v or 0) for v in row[len(dimensions) :]],
        )
        item: dict[str, Any] = dict(zip(dimensions, key, strict=True))
        item["people_reached"] = _round(sum(figures))
        for p in POPS:
            item[p] = _round(sum(v for (cp, _g), v in zip(SPREAD, figures, strict=True) if cp == p))
        for g in AGES:
            item[g] = _round(sum(v for (_p, cg), v in zip(SPREAD, figures, strict=True) if cg == g))
        out.append(item)
    if not dimensions and not out:
        out = [{"people_reached": 0, **dict.fromkeys((*POPS, *AGES), 0)}]
    return out


def _round(value: float) -> int:
    """Half up, as the engine rounds its exact fractions: the SQL sums are floating point
    (15 significant digits), so a true x.5 may arrive as x.4999999; the margin restores it."""
    return int(value + 0.5 + 1e-6)


def cva_by_mechanism(qs: QuerySet[Activity]) -> list[dict[str, Any]]:
    """USD value and rows of validated CVA rows per delivery mechanism."""
    rows = (
        qs.filter(cva=True)
        .values("delivery_mechanism")
        .annotate(
            value_usd=Coalesce(Sum("value_usd"), Decimal(0)),
            rows=Count("pk"),
            new_beneficiaries=Coalesce(Sum("new_beneficiaries"), 0),
        )
        .order_by("delivery_mechanism")
    )
    return [{**r, "mechanism": r.pop("delivery_mechanism") or "unknown"} for r in rows]


def sectors_q(codes: Sequence[str]) -> Q:
    return Q(sector__code__in=codes) | Q(sector__parent__code__in=codes)
