"""A distribution world on top of the stock world: a plan of IOM in Colombia drawing hygiene
kits from Cúcuta central, and a few households of IOM to serve (one of FFS too)."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.utils import timezone

from caminantes.assistance import services_distribution as sd
from caminantes.assistance.models import DistributionPlan
from caminantes.assistance.tests.base import StockTestCase
from caminantes.geo.models import Place
from caminantes.registry.models import Household, Person
from caminantes.registry.services.changes import index_person


def make_household(org: Any, country: Any, names: list[str], *, population_type: str = "in_transit",
                   needs: list[str] | None = None) -> Household:  # fmt: skip
    household = Household.objects.create(
        organization=org, country=country, population_type=population_type
    )
    for i, name in enumerate(names):
        given, _, surname = name.partition(" ")
        person = Person.objects.create(
            household=household, given_names=given, first_surname=surname,
            sex="F" if i % 2 == 0 else "M",
            relationship="focal_point" if i == 0 else "child",
            specific_needs=needs or [] if i == 0 else [],
        )  # fmt: skip
        index_person(person)
        if i == 0:
            household.focal_point = person
    household.save()
    return household


def make_site(country: Any, name: str = "Punto Cúcuta") -> Place:
    return Place.objects.create(
        kind=Place.Kind.TOWN, name=name, slug=name.lower().replace(" ", "-").replace("ú", "u"),
        country=country, latitude=7.89, longitude=-72.5,
    )  # fmt: skip


class DistributionTestCase(StockTestCase):
    site: Place
    plan: DistributionPlan
    small: Household
    large: Household
    foreign: Household

    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        cls.site = make_site(cls.co)
        today = timezone.localdate()
        cls.plan = sd.plan_create(
            actor=cls.dora, warehouse=cls.cucuta, site=cls.site, kit=cls.hygiene,
            name="Higiene Cúcuta", starts_on=today - timedelta(days=3),
            ends_on=today + timedelta(days=30), interval_days=30, daily_cap=50,
            bands=[sd.Band(1, 4, 1), sd.Band(5, None, 2)],
            status=DistributionPlan.Status.OPEN,
        )  # fmt: skip
        cls.small = make_household(cls.iom, cls.co, ["Marisol Quintero", "Luis Quintero"])
        cls.large = make_household(cls.iom, cls.co, [f"Ana{i} Betancourt" for i in range(6)])
        cls.foreign = make_household(cls.ffs, cls.co, ["Rosa Foranea"])
