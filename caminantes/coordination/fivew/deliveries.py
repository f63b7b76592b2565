"""5W rows drafted from the organisation's service deliveries (assistance.delivery), and
the distinct registered people served that spreadsheets can never know.

A draft row per admin-1 x indicator of the month: the deliveries' indicator codes map to an
RMRP indicator through the indicator's `delivery_codes` (kept by the IMO), the place's
admin-1 area to an R4V admin-1 (`Admin1.area`). Total monthly beneficiaries = the distinct
people reached in the cell this month (registered people once each, plus everyone counted
without a record); new beneficiaries = those of them not reached in the same cell before
this month (someone counted without a record cannot be recognised: counted as new). The
breakdowns split the new beneficiaries by population type and by sex and age on the day
(unknown sex counts as "other", unknown age as an adult: the partner reviews the draft).
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date, datetime, time
from decimal import Decimal
from typing import Any

from django.db.models import QuerySet
from django.utils import timezone

from caminantes.assistance.models import ServiceDelivery, ServiceDeliveryPerson
from caminantes.coordination.fivew.models import Admin1, Indicator, IndicatorType, Report

POPULATION = {
    "in_destination": "pop_in_destination",
    "in_transit": "pop_in_transit",
    "host_community": "pop_host_community",
    "pendular": "pop_pendular",
    "returnee": "pop_colombian_returnees",
}
NO_INDICATOR = "no_indicator"
NO_AREA = "no_area"


def month_bounds(month: date) -> tuple[datetime, datetime]:
    nxt = date(month.year + (month.month == 12), month.month % 12 + 1, 1)
    tz = timezone.get_current_timezone()
    return (datetime.combine(month, time.min, tz), datetime.combine(nxt, time.min, tz))


def age_sex(sex: str, age: int | None) -> str:
    child = age is not None and age < 18
    who = {"F": "women", "M": "men"}.get(sex, "other")
    return f"{who}_{'under18' if child else 'over18'}"


def _admin1_of(
    area_id: int | None, parent_id: int | None, level: int | None, by_area: dict[int, Admin1]
) -> Admin1 | None:
    if area_id is None:
        return None
    if level == 1 or parent_id is None:
        return by_area.get(area_id)
    return by_area.get(parent_id)


def aggregate(report: Report) -> tuple[list[dict[str, Any]], dict[str, int]]:
    """The draft rows (model field values) and, per reason, the deliveries left out."""
    start, end = month_bounds(report.month)
    indicators: dict[str, Indicator] = {}
    for ind in Indicator.objects.filter(year=report.month.year, is_active=True).select_related(
        "sector"
    ):
        for code in ind.delivery_codes.split():
            indicators.setdefault(code, ind)
    by_area: dict[int, Admin1] = {
        a.area_id: a
        for a in Admin1.objects.filter(country=report.country_id, area__isnull=False)
        if a.area_id is not None
    }
    base = ServiceDelivery.objects.filter(
        organization=report.organization_id, country=report.country_id
    )
    month_deliveries = base.filter(delivered_at__gte=start, delivered_at__lt=end)
    unmapped: dict[str, int] = defaultdict(int)
    cells: dict[tuple[int, int], dict[str, Any]] = {}
    seen: dict[tuple[int, int], set[int]] = defaultdict(set)
    fields = (
        "delivery_id",
        "delivery__indicator",
        "delivery__place__admin_area_id",
        "delivery__place__admin_area__parent_id",
        "delivery__place__admin_area__level",
        "person_id",
        "sex",
        "age",
        "population_type",
    )
    per_delivery: dict[int, tuple[int, int] | None] = {}
    rows = ServiceDeliveryPerson.objects.filter(delivery__in=month_deliveries).values_list(*fields)
    people: list[tuple[tuple[int, int], int | None, str, int | None, str]] = []
    for d_id, code, area, parent, level, person, sex, age, pop in rows.order_by(
        "delivery__delivered_at", "pk"
    ):
        found = indicators.get(code)
        admin1 = _admin1_of(area, parent, level, by_area)
        if found is None or admin1 is None:
            if d_id not in per_delivery:
                unmapped[NO_INDICATOR if found is None else NO_AREA] += 1
                per_delivery[d_id] = None
            continue
        key = (admin1.pk, found.pk)
        per_delivery[d_id] = key
        if key not in cells:
            cells[key] = {"admin1": admin1, "indicator": found, "sector": found.sector}
        people.append((key, person, sex, age, pop))
    # Registered people reached in the same cell before this month.
    before: set[tuple[tuple[int, int], int]] = set()
    earlier = ServiceDeliveryPerson.objects.filter(
        delivery__in=base.filter(delivered_at__lt=start),
        person_id__in={p for _k, p, *_r in people if p is not None},
    ).values_list(
        "delivery__indicator",
        "delivery__place__admin_area_id",
        "delivery__place__admin_area__parent_id",
        "delivery__place__admin_area__level",
        "person_id",
    )
    for code, area, parent, level, person in earlier:
        earlier_ind = indicators.get(code)
        admin1 = _admin1_of(area, parent, level, by_area)
        if earlier_ind is not None and admin1 is not None:
            before.add(((admin1.pk, earlier_ind.pk), person))
    totals: dict[tuple[int, int], dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for key, person, sex, age, pop in people:
        t = totals[key]
        if person is not None:
            if person in seen[key]:
                continue
            seen[key].add(person)
        t["monthly"] += 1
        if person is not None and (key, person) in before:
            continue
        t["new"] += 1
        t[POPULATION.get(pop, "pop_in_destination")] += 1
        t[age_sex(sex, age)] += 1
    # Quantities and USD values per cell, from the deliveries themselves.
    quantity: dict[tuple[int, int], int] = defaultdict(int)
    usd: dict[tuple[int, int], Decimal] = defaultdict(Decimal)
    mechanism: dict[tuple[int, int], str] = {}
    for d_id, q, value, currency, mech in month_deliveries.values_list(
        "pk", "quantity", "value", "currency", "mechanism"
    ):
        cell_key = per_delivery.get(d_id)
        if cell_key is None:
            continue
        key = cell_key
        quantity[key] += q
        if mech:
            mechanism.setdefault(key, mech)
            if currency == "USD" and value is not None:
                usd[key] += value
    out = []
    for key, cell in cells.items():
        t = totals[key]
        ind = cell["indicator"]
        direct = ind.type == IndicatorType.DIRECT
        row = {
            **cell,
            "activity_name": ind.name[:300],
            "activity_description": "",
            "rmrp_activity": True,
            "cva": key in mechanism,
            "value_usd": usd[key] if key in mechanism and usd[key] else None,
            "delivery_mechanism": mechanism.get(key, ""),
            "quantity_output": quantity[key],
            "monthly_beneficiaries": t["monthly"],
            "new_beneficiaries": t["new"] if direct or ind.type == IndicatorType.CAPACITY else None,
        }
        for name in (
            *POPULATION.values(),
            "women_under18",
            "men_under18",
            "other_under18",
            "women_over18",
            "men_over18",
            "other_over18",
        ):
            row[name] = t[name]
        out.append(row)
    out.sort(key=lambda r: (r["admin1"].name, r["indicator"].name))
    return out, dict(unmapped)


def registered_people(deliveries: QuerySet[ServiceDelivery]) -> int:
    """Distinct registered people these deliveries reached (a person once, whatever the
    number of deliveries, sectors and organisations)."""
    return (
        ServiceDeliveryPerson.objects.filter(delivery__in=deliveries, person__isnull=False)
        .values("person_id")
        .distinct()
        .count()
    )
