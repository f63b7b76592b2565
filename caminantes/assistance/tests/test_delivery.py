from __future__ import annotations

from datetime import date

from django.core.exceptions import PermissionDenied

from caminantes.assistance import delivery
from caminantes.assistance.delivery import Reached
from caminantes.assistance.models import Modality, ServiceDelivery
from caminantes.assistance.tests.base import StockTestCase
from caminantes.registry import timeline
from caminantes.registry.models import Household, Person


class DeliveryTests(StockTestCase):
    household: Household
    mother: Person

    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        cls.household = Household.objects.create(
            organization=cls.iom, country=cls.co, population_type="in_transit"
        )
        cls.mother = Person.objects.create(
            household=cls.household, relationship="focal_point", given_names="Yolimar",
            first_surname="Pérez", sex="F", birth_date=date(1990, 3, 1),
        )  # fmt: skip

    def test_it_records_who_was_served_and_shows_it_on_the_household_timeline(self) -> None:
        served = delivery.record(
            actor=self.dora, organization=self.iom, country=self.co, sector="nfi",
            indicator="hygiene_kits", quantity=1, modality=Modality.IN_KIND,
            people=[Reached(person=self.mother),
                    Reached(sex="M", age=4, population_type="in_transit")],
        )  # fmt: skip
        rows = sorted((p.sex, p.age, p.population_type) for p in served.people.all())
        self.assertEqual(rows[0][0], "F")
        self.assertEqual(rows[1], ("M", 4, "in_transit"))
        self.assertEqual(served.household, self.household)
        self.assertEqual(delivery.people_reached(ServiceDelivery.objects.all()), 2)
        entries = timeline.for_household(self.carla, self.household)
        self.assertTrue(any("hygiene_kits" in e.text for e in entries))

    def test_it_counts_people_without_a_record(self) -> None:
        delivery.record(
            actor=self.dora, organization=self.iom, country=self.co, sector="wash",
            indicator="jerrycans", quantity=3, modality=Modality.IN_KIND,
            people=[Reached(sex="F", age=30, population_type="pendular")] * 3,
        )  # fmt: skip
        self.assertEqual(delivery.people_reached(ServiceDelivery.objects.all()), 3)

    def test_it_refuses_a_delivery_for_another_organisation(self) -> None:
        with self.assertRaises(PermissionDenied):
            delivery.record(
                actor=self.fede, organization=self.iom, country=self.co, sector="nfi",
                indicator="hygiene_kits", quantity=1, modality=Modality.IN_KIND,
                people=[Reached(sex="F", age=30, population_type="pendular")],
            )  # fmt: skip
        self.assertFalse(ServiceDelivery.objects.exists())
