from __future__ import annotations

import math
from collections.abc import Iterator
from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import transaction
from pytest_django import DjangoDbBlocker

from caminantes.geo.data.crossings import CROSSINGS
from caminantes.geo.data.geonames_admin1 import GEONAMES_ADMIN1
from caminantes.geo.data.pcodes import ADMIN1_PCODES
from caminantes.geo.models import AdminArea, Country, Place
from caminantes.geo.services import HOST_COUNTRIES, places_load

Counts = dict[str, int]

# Rough boxes (south, north, west, east) around the mainland of each country.
BOXES = {
    "BR": (-33.8, 5.3, -74.0, -34.7),
    "CL": (-56.0, -17.4, -75.8, -66.4),
    "CO": (-4.3, 13.5, -79.1, -66.8),
    "EC": (-5.1, 1.5, -81.1, -75.2),
    "PE": (-18.4, -0.0, -81.4, -68.6),
}

# slug -> (country, counterpart, admin1)
CROSSING_SIDES = {
    "co-simon-bolivar": ("CO", "VE", "CO-NSA"),
    "co-francisco-de-paula-santander": ("CO", "VE", "CO-NSA"),
    "co-paraguachon": ("CO", "VE", "CO-LAG"),
    "co-rumichaca": ("CO", "EC", "CO-NAR"),
    "ec-rumichaca": ("EC", "CO", "EC-C"),
    "pe-cebaf-tumbes": ("PE", "EC", "PE-TUM"),
    "br-pacaraima": ("BR", "VE", "BR-RR"),
    "cl-chacalluta": ("CL", "PE", "CL-AP"),
    "pe-desaguadero": ("PE", "BO", "PE-PUN"),
    "co-necocli": ("CO", "PA", "CO-ANT"),
}

# slug -> (a town GeoNames lists with 15,000+ people, the most km the crossing may be from it)
CROSSING_TOWNS = {
    "co-simon-bolivar": ("Villa del Rosario", 5),
    "co-francisco-de-paula-santander": ("Cúcuta", 8),
    "co-paraguachon": ("Maicao", 15),
    "co-rumichaca": ("Ipiales", 5),
    "ec-rumichaca": ("Tulcán", 8),
    "pe-cebaf-tumbes": ("Huaquillas", 5),
    "br-pacaraima": ("Pacaraima", 8),
    "cl-chacalluta": ("Arica", 25),
}


@pytest.fixture(scope="module")
def first_run(django_db_setup: None, django_db_blocker: DjangoDbBlocker) -> Iterator[Counts]:
    """Load once for the whole module, in a transaction rolled back at its end."""
    with django_db_blocker.unblock(), transaction.atomic():
        counts = places_load()
        yield counts
        transaction.set_rollback(True)


def km_between(a: Place, b: Place) -> float:
    lat1, lon1 = math.radians(a.latitude), math.radians(a.longitude)
    lat2, lon2 = math.radians(b.latitude), math.radians(b.longitude)
    h = (
        math.sin((lat2 - lat1) / 2) ** 2
        + math.cos(lat1) * math.cos(lat2) * math.sin((lon2 - lon1) / 2) ** 2
    )
    return 2 * 6371 * math.asin(math.sqrt(h))


@pytest.mark.django_db
def test_it_loads_venezuela_as_origin_and_its_17_hosts(first_run: Counts) -> None:
    assert first_run["countries_created"] == 18
    assert Country.objects.count() == 18
    assert list(Country.objects.filter(is_origin=True).values_list("iso2", flat=True)) == ["VE"]
    hosts = set(Country.objects.filter(is_host=True).values_list("iso2", flat=True))
    assert hosts == set(HOST_COUNTRIES)
    assert len(hosts) == 17
    assert "VE" not in hosts


@pytest.mark.django_db
def test_it_names_countries_in_spanish_portuguese_and_english(first_run: Counts) -> None:
    venezuela = Country.objects.get(iso2="VE")
    assert (venezuela.iso3, venezuela.pcode, venezuela.name_es) == ("VEN", "VE", "Venezuela")
    peru = Country.objects.get(iso2="PE")
    assert (peru.name_es, peru.name_pt, peru.name_en) == ("Perú", "Peru", "Peru")
    brazil = Country.objects.get(iso2="BR")
    assert (brazil.name_es, brazil.name_pt, brazil.name_en) == ("Brasil", "Brasil", "Brazil")


@pytest.mark.django_db
def test_it_loads_the_33_colombian_departments_with_pcodes(first_run: Counts) -> None:
    colombia = AdminArea.objects.filter(country__iso2="CO")
    assert colombia.count() == 33
    assert not colombia.filter(pcode="").exists()
    nsa = colombia.get(iso_code="CO-NSA")
    assert (nsa.name_es, nsa.pcode, nsa.level, nsa.area_type) == (
        "Norte de Santander", "CO54", 1, "Department",
    )  # fmt: skip
    assert colombia.get(pcode="CO11").iso_code == "CO-DC"
    assert colombia.get(iso_code="CO-LAG").name_es == "La Guajira"


@pytest.mark.django_db
def test_it_gives_brazilian_states_their_ibge_pcodes_and_portuguese_names(
    first_run: Counts,
) -> None:
    roraima = AdminArea.objects.get(iso_code="BR-RR")
    assert (roraima.pcode, roraima.name_pt, roraima.country.iso2) == ("BR14", "Roraima", "BR")
    maranhao = AdminArea.objects.get(iso_code="BR-MA")
    assert (maranhao.name_pt, maranhao.name_es) == ("Maranhão", "Marañón")
    assert AdminArea.objects.get(iso_code="BR-SP").pcode == "BR35"


@pytest.mark.django_db
def test_it_uses_the_admin1_level_humanitarian_reports_use(first_run: Counts) -> None:
    # Dominican Republic: provinces, not ISO's development regions.
    dominican = AdminArea.objects.filter(country__iso2="DO")
    assert dominican.count() == 32
    assert dominican.filter(iso_code="DO-01").exists()
    assert not dominican.filter(iso_code="DO-40").exists()
    # Peru: the 25 departments, Lima whole.
    peru = AdminArea.objects.filter(country__iso2="PE")
    assert peru.count() == 25
    assert peru.get(pcode="PE15").iso_code == "PE-LIM"
    assert not peru.filter(iso_code="PE-LMA").exists()
    assert peru.get(iso_code="PE-TUM").pcode == "PE24"
    assert AdminArea.objects.get(iso_code="VE-A").pcode == "VE01"
    assert AdminArea.objects.get(iso_code="EC-P").pcode == "EC17"
    # No admin1 areas for the two islands; no P-code where we are not sure of it.
    assert not AdminArea.objects.filter(country__iso2__in=["AW", "CW"]).exists()
    assert AdminArea.objects.get(iso_code="VE-W").pcode == ""
    assert AdminArea.objects.get(iso_code="MX-CHP").pcode == ""


@pytest.mark.django_db
@pytest.mark.parametrize("slug", sorted(CROSSING_SIDES))
def test_it_seeds_each_crossing_point_on_its_side_of_the_border(
    first_run: Counts, slug: str
) -> None:
    iso2, counterpart, admin1 = CROSSING_SIDES[slug]
    point = Place.objects.get(slug=slug)
    assert point.kind == Place.Kind.CROSSING
    assert point.country.iso2 == iso2
    assert point.counterpart_country is not None
    assert point.counterpart_country.iso2 == counterpart
    assert point.admin_area is not None
    assert point.admin_area.iso_code == admin1
    assert point.crossing_type == ("maritime" if slug == "co-necocli" else "land")
    assert point.description
    south, north, west, east = BOXES[iso2]
    assert south <= point.latitude <= north
    assert west <= point.longitude <= east


@pytest.mark.django_db
@pytest.mark.parametrize("slug", sorted(CROSSING_TOWNS))
def test_it_puts_each_crossing_point_next_to_its_border_town(first_run: Counts, slug: str) -> None:
    name, max_km = CROSSING_TOWNS[slug]
    town = Place.objects.filter(kind=Place.Kind.TOWN, name=name).order_by("-population").first()
    assert town is not None
    assert km_between(Place.objects.get(slug=slug), town) <= max_km


@pytest.mark.django_db
def test_it_loads_towns_with_coordinates_and_their_department(first_run: Counts) -> None:
    cucuta = Place.objects.get(kind=Place.Kind.TOWN, name="Cúcuta")
    assert cucuta.slug == "town-3685533"
    assert cucuta.geonameid == 3685533
    assert cucuta.country.iso2 == "CO"
    assert cucuta.admin_area is not None
    assert cucuta.admin_area.iso_code == "CO-NSA"
    assert abs(cucuta.latitude - Decimal("7.9075")) < Decimal("0.01")
    assert abs(cucuta.longitude - Decimal("-72.5049")) < Decimal("0.01")
    assert cucuta.population is not None
    assert cucuta.population > 500_000
    boa_vista = Place.objects.get(kind=Place.Kind.TOWN, name="Boa Vista", country__iso2="BR")
    assert boa_vista.admin_area is not None
    assert boa_vista.admin_area.pcode == "BR14"
    lima = Place.objects.get(kind=Place.Kind.TOWN, name="Lima", country__iso2="PE")
    assert lima.admin_area is not None
    assert lima.admin_area.iso_code == "PE-LIM"
    oranjestad = Place.objects.get(kind=Place.Kind.TOWN, name="Oranjestad")
    assert oranjestad.admin_area is None


@pytest.mark.django_db
def test_it_loads_only_towns_in_the_18_countries_above_the_threshold(first_run: Counts) -> None:
    towns = Place.objects.filter(kind=Place.Kind.TOWN)
    assert towns.count() == first_run["towns_created"] > 4000
    assert not towns.filter(population__lt=15000).exists()
    assert set(towns.values_list("country__iso2", flat=True).distinct()) == {"VE", *HOST_COUNTRIES}


@pytest.mark.django_db
def test_it_changes_nothing_when_run_again(first_run: Counts) -> None:
    before = (Country.objects.count(), AdminArea.objects.count(), Place.objects.count())
    again = places_load()
    assert set(again) == set(first_run)
    assert set(again.values()) == {0}
    assert (Country.objects.count(), AdminArea.objects.count(), Place.objects.count()) == before
    assert before[2] == first_run["towns_created"] + first_run["crossings_created"]
    assert before[1] == first_run["areas_created"]


@pytest.mark.django_db
def test_it_puts_back_what_was_changed_by_hand(first_run: Counts) -> None:
    Place.objects.filter(slug="co-simon-bolivar").update(latitude=Decimal("0"))
    Place.objects.filter(slug="town-3685533").update(name="Cucuta")
    AdminArea.objects.filter(iso_code="CO-NSA").update(pcode="")
    counts = places_load()
    assert (counts["crossings_updated"], counts["towns_updated"], counts["areas_updated"]) == (
        1, 1, 1,
    )  # fmt: skip
    assert counts["crossings_created"] == counts["towns_created"] == 0
    assert Place.objects.get(slug="co-simon-bolivar").latitude == Decimal("7.8203")
    assert Place.objects.get(slug="town-3685533").name == "Cúcuta"
    assert AdminArea.objects.get(iso_code="CO-NSA").pcode == "CO54"


@pytest.mark.django_db
def test_it_prints_the_counts_from_the_command(first_run: Counts) -> None:
    out = StringIO()
    call_command("load_places", stdout=out)
    assert out.getvalue().splitlines() == [
        "countries: 0 created, 0 updated",
        "areas: 0 created, 0 updated",
        "towns: 0 created, 0 updated",
        "crossings: 0 created, 0 updated",
    ]


def test_it_keeps_the_reference_tables_consistent() -> None:
    crossing_slugs = [c.slug for c in CROSSINGS]
    assert sorted(crossing_slugs) == sorted(CROSSING_SIDES)
    assert len(set(ADMIN1_PCODES.values())) == len(ADMIN1_PCODES)
    for iso_code, pcode in ADMIN1_PCODES.items():
        assert pcode.startswith(iso_code[:2]), iso_code
        assert len(pcode) == 4, iso_code
    for iso2, codes in GEONAMES_ADMIN1.items():
        targets = list(codes.values())
        assert all(t.startswith(f"{iso2}-") for t in targets), iso2
        # One GeoNames code per area, except where two GeoNames codes share one (Lima).
        assert len(set(targets)) >= len(targets) - (1 if iso2 == "PE" else 0), iso2


@pytest.mark.django_db
def test_it_maps_every_geonames_and_pcode_entry_to_a_loaded_area(first_run: Counts) -> None:
    loaded = set(AdminArea.objects.values_list("iso_code", flat=True))
    assert set(ADMIN1_PCODES) <= loaded
    assert {t for codes in GEONAMES_ADMIN1.values() for t in codes.values()} <= loaded
    assert {c.admin_area for c in CROSSINGS} <= loaded


def test_it_refuses_a_negative_threshold() -> None:
    with pytest.raises(ValueError, match="negative"):
        places_load(towns_min_population=-1)
