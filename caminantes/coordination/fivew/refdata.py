"""Seed the database's reference lists from the engine's shipped R4V data (fivew/data/*.csv):
sectors and subsectors, the indicator list of each RMRP year, population types, CVA
delivery mechanisms and the admin-1 areas of the countries the platform knows (linked to
geo's admin areas by P-code or ISO 3166-2 code where they exist). Idempotent: the IMO then
edits the lists on the reference page; a second load adds what is missing and changes
nothing the IMO edited.
"""

from __future__ import annotations

import csv
from collections.abc import Iterable
from pathlib import Path

from django.db import transaction
from django.utils.text import slugify

from caminantes.coordination.fivew.engine.reference import DELIVERY_MECHANISMS
from caminantes.coordination.fivew.models import Admin1, Indicator, ReferenceItem, Sector
from caminantes.geo.models import AdminArea, Country

DATA = Path(__file__).resolve().parent / "data"
PROTECTION = "Protection"
POPULATION_TYPES = (
    ("in_destination", "Refugees and migrants in destination"),
    ("in_transit", "Refugees and migrants in transit"),
    ("host_community", "Host communities"),
    ("pendular", "Refugees and migrants pendulars"),
    ("returnee", "Colombian returnees"),
)


# Service-delivery indicator codes (assistance.delivery.INDICATORS) counted under an RMRP
# indicator when draft rows are generated from deliveries; the IMO edits them afterwards.
DELIVERY_CODES = {
    "HEA-02": "health_consultations vaccinations mhpss_sessions",
    "FS-01": "hot_meals food_kits food_vouchers",
    "SHE-02": "households_receiving_nfi",
    "SHE-03": "people_in_temporary_accommodation",
    "WSH-01": "hygiene_kits",
    "HT-01": "people_transported",
    "MPC-01": "multipurpose_cash_transfers",
    "PRO-03": "referrals_completed people_documented",
    "INT-02": "seed_capital_grants",
    "INT-04": "job_placements",
}


def _rows(name: str) -> list[dict[str, str]]:
    path = DATA / name
    if not path.exists():
        return []
    with path.open(encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


def load(years: Iterable[int] = (2025, 2026)) -> dict[str, int]:
    counts = {"sectors": 0, "indicators": 0, "items": 0, "admin1": 0}
    with transaction.atomic():
        sectors: dict[tuple[str, str], Sector] = {}
        for r in _rows("sectors.csv"):
            parent = sectors.get((r["sector"], "")) if r["subsector"] else None
            # The canonical R4V name the engine matches on ("GBV", "Protection").
            name = r["subsector"] or r["sector"]
            code = slugify(r["subsector"] or r["sector"])[:60]
            sector, created = Sector.objects.get_or_create(
                code=code,
                defaults={
                    "name": name,
                    "name_es": r.get("name_es", ""),
                    "parent": parent,
                    "protection": r["sector"] == PROTECTION,
                },
            )
            sectors[(r["sector"], r["subsector"])] = sector
            counts["sectors"] += created
        for year in years:
            for r in _rows("indicators.csv"):
                of = sectors.get((r["sector"], r["subsector"])) or sectors.get((r["sector"], ""))
                if of is None:
                    continue
                _ind, created = Indicator.objects.get_or_create(
                    year=year,
                    code=r["code"],
                    defaults={
                        "name": r["indicator"],
                        "sector": of,
                        "type": r["type"],
                        "delivery_codes": DELIVERY_CODES.get(r["code"], ""),
                    },
                )
                counts["indicators"] += created
        items = [(ReferenceItem.Kind.POPULATION, c, n) for c, n in POPULATION_TYPES] + [
            (ReferenceItem.Kind.MECHANISM, code, labels["en"])
            for code, labels in DELIVERY_MECHANISMS.items()
        ]
        for kind, code, name in items:
            _, created = ReferenceItem.objects.get_or_create(
                kind=kind, code=code, defaults={"name": name}
            )
            counts["items"] += created
        countries = {c.iso2: c for c in Country.objects.all()}
        areas = {
            (a.country_id, key): a
            for a in AdminArea.objects.filter(level=1)
            for key in (a.pcode, a.iso_code)
            if key
        }
        for r in _rows("admin1.csv"):
            country = countries.get(r["iso2"])
            if country is None:
                continue
            area = areas.get((country.pk, r["pcode"])) or areas.get((country.pk, r["iso3166_2"]))
            admin1, created = Admin1.objects.get_or_create(
                country=country, name=r["admin1"], defaults={"pcode": r["pcode"], "area": area}
            )
            if not created and admin1.area is None and area is not None:
                admin1.area = area
                admin1.save(update_fields=["area"])
            counts["admin1"] += created
    return counts
