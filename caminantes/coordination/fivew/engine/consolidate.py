"""R4V's counting rules over canonical 5W rows, as plain functions returning plain dicts.

- Only RMRP activities (rmrp_activity = Yes) under Direct Assistance indicators count as
  people reached (`counts_as_reached`); every figure below but the CVA totals uses only
  those rows.
- Monthly beneficiaries = the sum of total monthly beneficiaries (it counts a person once
  per month served: a figure of activity, not of people).
- People reached = the sum of *new* beneficiaries over the months, likewise per population
  type and age/sex group (`totals`).
- Across sectors (`across_sectors`): the "sum" model adds every sector; the "max-sector"
  model takes, per admin1 and month, the maximum over sectors of each population-type x
  age/sex cell, then adds the cells, months and admin1s up. A row reports the two
  breakdowns separately, so its cells are estimated as population share x age/sex group
  (exact fractions, rounded once at the end); a row whose breakdown is empty puts its
  people in an "unknown" population type or age/sex group.
- CVA totals by delivery mechanism (`cva_totals`), over every CVA = Yes row.

Rows are `Row`s or dicts of canonical values; names (country, admin1, sector) are folded to
the reference's canonical names when it knows them, so "Salud" and "Health" add up. The
app can test its SQL against these functions on the same rows.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Iterator, Mapping, Sequence
from decimal import Decimal
from fractions import Fraction
from typing import Any, Literal

from . import fields as F
from .reference import DIRECT_ASSISTANCE, Reference
from .workbook import Row

UNKNOWN = "unknown"
PEOPLE_COLUMNS = (F.NEW_BENEFICIARIES, *F.POPULATION_TYPES, *F.AGE_SEX)


def _values(row: Row | Mapping[str, object]) -> Mapping[str, object]:
    return row.values if isinstance(row, Row) else row


def _int(value: object) -> int:
    if isinstance(value, int) and not isinstance(value, bool) and value > 0:
        return value
    return 0


def counts_as_reached(values: Mapping[str, object], reference: Reference) -> bool:
    """An RMRP activity under a Direct Assistance indicator."""
    if values.get(F.RMRP_ACTIVITY) is not True:
        return False
    indicator = reference.indicator(values.get(F.INDICATOR))
    return indicator is not None and indicator.type == DIRECT_ASSISTANCE


def canonical(values: Mapping[str, object], reference: Reference) -> dict[str, object]:
    """The row with country, admin1 and sector as the reference names them."""
    out = dict(values)
    country = reference.country(values.get(F.COUNTRY))
    if country is not None:
        out[F.COUNTRY] = country.name
        admin1 = reference.admin1(country, values.get(F.ADMIN1))
        if admin1 is not None:
            out[F.ADMIN1] = admin1.name
    sector = reference.sector(values.get(F.SECTOR))
    if sector is not None:
        out[F.SECTOR] = sector.name
    return out


def reached_rows(
    rows: Iterable[Row | Mapping[str, object]], reference: Reference
) -> Iterator[dict[str, object]]:
    for row in rows:
        values = _values(row)
        if counts_as_reached(values, reference):
            yield canonical(values, reference)


def totals(
    rows: Iterable[Row | Mapping[str, object]],
    reference: Reference,
    *,
    by: Sequence[str] = (F.COUNTRY, F.SECTOR),
) -> list[dict[str, Any]]:
    """Per group of `by`: monthly_beneficiaries, people_reached (sum of new beneficiaries)
    and people reached per population type and age/sex group, sorted by the group."""
    groups: dict[tuple[object, ...], dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for values in reached_rows(rows, reference):
        acc = groups[tuple(values.get(k) or "" for k in by)]
        acc["monthly_beneficiaries"] += _int(values.get(F.MONTHLY_BENEFICIARIES))
        acc["people_reached"] += _int(values.get(F.NEW_BENEFICIARIES))
        for name in (*F.POPULATION_TYPES, *F.AGE_SEX):
            acc[name] += _int(values.get(name))
    out = []
    for key in sorted(groups, key=lambda k: tuple(str(x) for x in k)):
        acc = groups[key]
        record: dict[str, Any] = dict(zip(by, key, strict=True))
        record["monthly_beneficiaries"] = acc["monthly_beneficiaries"]
        record["people_reached"] = acc["people_reached"]
        for name in (*F.POPULATION_TYPES, *F.AGE_SEX):
            record[name] = acc[name]
        out.append(record)
    return out


def _cells(values: Mapping[str, object]) -> dict[tuple[str, str], Fraction]:
    """A row's population-type x age/sex cells: new x population share x age/sex share."""
    new = _int(values.get(F.NEW_BENEFICIARIES))
    if not new:
        return {}
    pops = {p: _int(values.get(p)) for p in F.POPULATION_TYPES}
    ages = {g: _int(values.get(g)) for g in F.AGE_SEX}
    pop_total, age_total = sum(pops.values()), sum(ages.values())
    pop_share = (
        {p: Fraction(n, pop_total) for p, n in pops.items() if n}
        if pop_total
        else {UNKNOWN: Fraction(1)}
    )
    age_share = (
        {g: Fraction(n, age_total) for g, n in ages.items() if n}
        if age_total
        else {UNKNOWN: Fraction(1)}
    )
    return {(p, g): new * ps * gs for p, ps in pop_share.items() for g, gs in age_share.items()}


def across_sectors(
    rows: Iterable[Row | Mapping[str, object]],
    reference: Reference,
    *,
    model: Literal["sum", "max-sector"] = "max-sector",
    by: Sequence[str] = (F.COUNTRY,),
) -> list[dict[str, Any]]:
    """People reached across all sectors per group of `by` (country by default; `by` may
    name admin1 or month too). Returns people_reached plus one figure per population type
    and age/sex group (and `unknown` ones when some rows had no breakdown)."""
    if model not in ("sum", "max-sector"):
        raise ValueError(f"unknown model {model!r}: 'sum' or 'max-sector'")
    # (group, admin1, month) -> sector -> cell -> people
    place_month: dict[tuple[Any, ...], dict[object, dict[tuple[str, str], Fraction]]] = defaultdict(
        lambda: defaultdict(lambda: defaultdict(Fraction))
    )
    for values in reached_rows(rows, reference):
        group = tuple(values.get(k) or "" for k in by)
        where = (group, values.get(F.COUNTRY), values.get(F.ADMIN1), values.get(F.MONTH))
        sector = values.get(F.SECTOR) if model == "max-sector" else "all"
        cells = place_month[where][sector]
        for cell, people in _cells(values).items():
            cells[cell] += people
    grouped: dict[tuple[Any, ...], dict[tuple[str, str], Fraction]] = defaultdict(
        lambda: defaultdict(Fraction)
    )
    for (group, *_), sectors in place_month.items():
        acc = grouped[group]
        keys = {cell for cells in sectors.values() for cell in cells}
        for cell in keys:
            acc[cell] += max(cells.get(cell, Fraction(0)) for cells in sectors.values())
    out = []
    for group in sorted(grouped, key=lambda k: tuple(str(x) for x in k)):
        acc = grouped[group]
        record: dict[str, Any] = dict(zip(by, group, strict=True))
        record["people_reached"] = _round(sum(acc.values(), Fraction(0)))
        pops = [*F.POPULATION_TYPES, *([UNKNOWN] if any(p == UNKNOWN for p, _ in acc) else [])]
        ages = [*F.AGE_SEX, *([UNKNOWN] if any(g == UNKNOWN for _, g in acc) else [])]
        for p in pops:
            key = p if p != UNKNOWN else "pop_unknown"
            record[key] = _round(sum((v for (cp, _), v in acc.items() if cp == p), Fraction(0)))
        for g in ages:
            key = g if g != UNKNOWN else "age_sex_unknown"
            record[key] = _round(sum((v for (_, cg), v in acc.items() if cg == g), Fraction(0)))
        out.append(record)
    return out


def _round(value: Fraction) -> int:
    """Half up: people are whole."""
    return int(value + Fraction(1, 2)) if value >= 0 else -int(-value + Fraction(1, 2))


def cva_totals(
    rows: Iterable[Row | Mapping[str, object]],
    reference: Reference,
    *,
    by: Sequence[str] = (F.COUNTRY,),
) -> list[dict[str, Any]]:
    """Per group and delivery mechanism (its code; "unknown" when unreadable): rows,
    value_usd (sum) and new_beneficiaries (sum), over every CVA = Yes row."""
    groups: dict[tuple[Any, ...], dict[str, Any]] = {}
    for row in rows:
        values = _values(row)
        if values.get(F.CVA) is not True:
            continue
        values = canonical(values, reference)
        mechanism = reference.delivery_mechanism(values.get(F.DELIVERY_MECHANISM)) or UNKNOWN
        key = (*(values.get(k) or "" for k in by), mechanism)
        acc = groups.setdefault(key, {"rows": 0, "value_usd": Decimal(0), "new_beneficiaries": 0})
        acc["rows"] += 1
        usd = values.get(F.VALUE_USD)
        if isinstance(usd, int | Decimal) and not isinstance(usd, bool) and usd > 0:
            acc["value_usd"] += Decimal(usd)
        acc["new_beneficiaries"] += _int(values.get(F.NEW_BENEFICIARIES))
    out = []
    for key in sorted(groups, key=lambda k: tuple(str(x) for x in k)):
        record: dict[str, Any] = dict(zip((*by, F.DELIVERY_MECHANISM), key, strict=True))
        record.update(groups[key])
        out.append(record)
    return out
