"""The published report tables, from bucketed records (no database here).

GBV, unit: one consented incident (a case is one incident; GBVIMS counts incidents):
  - incident type x month of the incident,
  - admin1 of the incident area (one-way),
  - age group at the incident x sex (GBVIMS age groups: 0-11, 12-17, 18-25, 26-40, 41-60,
    61+, unknown),
  - services received by type (unit: one service received by the survivor of a counted
    incident; a survivor may receive several).
The three incident tables share their grand total (population "gbv").

Trafficking, unit: one form of exploitation of a consented case (a case may report several):
  - exploitation type x month the case was opened (identification has no incident date),
  - exploitation type x status (presumed or identified victim).
The two share their exploitation totals and their grand total (population "trafficking").

Tables published together are suppressed together (`suppression.protect`), so a margin
hidden in one is hidden in the other.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from caminantes.lib.suppression import (
    CountTable,
    Dimension,
    PublishedTable,
    count_table,
    protect,
)

UNKNOWN = "unknown"


def months_between(start: date, end: date) -> tuple[str, ...]:
    """Every month from start's to end's, as YYYY-MM."""
    months = []
    year, month = start.year, start.month
    while (year, month) <= (end.year, end.month):
        months.append(f"{year:04}-{month:02}")
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return tuple(months)


@dataclass(frozen=True)
class GbvDimensions:
    months: tuple[str, ...]
    incident_types: tuple[str, ...]
    areas: tuple[str, ...]  # admin1 keys, UNKNOWN last
    age_groups: tuple[str, ...]
    sexes: tuple[str, ...]
    services: tuple[str, ...]


@dataclass(frozen=True)
class TraffickingDimensions:
    months: tuple[str, ...]
    exploitations: tuple[str, ...]
    statuses: tuple[str, ...]


def gbv_tables(
    incidents: Sequence[dict[str, Any]],
    services: Sequence[dict[str, Any]],
    dims: GbvDimensions,
) -> list[PublishedTable]:
    """`incidents`: type, month, admin1, age_group, sex; `services`: service."""
    month = Dimension("month", dims.months)
    tables: list[CountTable] = [
        count_table(incidents, name="type_month", population="gbv",
                    rows=Dimension("incident_type", dims.incident_types), row_field="type",
                    cols=month, col_field="month"),
        count_table(incidents, name="admin1", population="gbv",
                    rows=Dimension("admin1", dims.areas), row_field="admin1"),
        count_table(incidents, name="age_sex", population="gbv",
                    rows=Dimension("age_group", dims.age_groups), row_field="age_group",
                    cols=Dimension("sex", dims.sexes), col_field="sex"),
        count_table(services, name="services", population="gbv_services",
                    rows=Dimension("service", dims.services), row_field="service"),
    ]  # fmt: skip
    return protect(tables)


def trafficking_tables(
    forms: Sequence[dict[str, Any]], dims: TraffickingDimensions
) -> list[PublishedTable]:
    """`forms`: one per exploitation type of a case: exploitation, month, status."""
    exploitation = Dimension("exploitation", dims.exploitations)
    tables = [
        count_table(forms, name="exploitation_month", population="trafficking",
                    rows=exploitation, row_field="exploitation",
                    cols=Dimension("month", dims.months), col_field="month"),
        count_table(forms, name="exploitation_status", population="trafficking",
                    rows=exploitation, row_field="exploitation",
                    cols=Dimension("status", dims.statuses), col_field="status"),
    ]  # fmt: skip
    return protect(tables)
