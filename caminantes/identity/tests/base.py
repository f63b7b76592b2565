"""Identity personas on top of the registry's: planted duplicates and relatives to trace.

IOM (alice registers, carla manages Colombia) and FFS (ramona registers) both work in
Colombia. María José was registered twice by IOM; her brother Luis lives with her; FFS
holds Yusmary, who consented to family tracing.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from django.core.cache import cache

from caminantes.accounts.models import Membership, User
from caminantes.registry import services
from caminantes.registry.inputs import ConsentInput, DocumentInput, HouseholdInput, PersonInput
from caminantes.registry.models import Household, Person
from caminantes.registry.services import documents
from caminantes.registry.tests.base import child, focal
from tests.personas import PersonaTestCase

__all__ = ["IdentityTestCase", "child", "focal"]


class IdentityTestCase(PersonaTestCase):
    ramona: User
    first: Household
    second: Household
    ffs_family: Household

    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        cls.ramona = User.objects.create_user("ramona@example.org", "x" * 12, full_name="Ramona")
        m = Membership.objects.create(user=cls.ramona, organization=cls.ffs,
                                      role="registration_officer")  # fmt: skip
        m.countries.set([cls.co])
        cls.first = cls.register(
            cls.alice,
            [focal(documents=[DocumentInput(type="cedula", number="V-12.345.678")],
                   phone="300 123 4567"),
             child(given_names="Luis Ángel", relationship="sibling", birth_date=date(1995, 7, 2))],
        )  # fmt: skip
        # The same woman registered twice: her cédula again only with a country manager's
        # word (registry.services.documents), as a real second registration would need.
        documents.shared_document_confirm(
            user=cls.carla, organization=cls.iom, country=cls.co,
            document=DocumentInput(type="cedula", number="12345678"), reason="Registro doble",
        )  # fmt: skip
        cls.second = cls.register(
            cls.alice,
            [focal(given_names="Maria Jose", first_surname="Perez", second_surname="Gonzales",
                   documents=[DocumentInput(type="cedula", number="12345678")])],
        )  # fmt: skip
        cls.ffs_family = cls.register(
            cls.ramona,
            [focal(given_names="Yusmary", first_surname="Rodríguez", second_surname="Pérez",
                   birth_date=date(1985, 1, 20))],
            org=cls.ffs,
        )  # fmt: skip

    def setUp(self) -> None:
        super().setUp()
        cache.clear()  # tracing searches are counted there, per user, across tests

    @classmethod
    def register(cls, user: Any, members: list[PersonInput], org: Any = None) -> Household:
        result = services.household_register(
            user=user,
            organization=org or cls.iom,
            country=cls.co,
            household=HouseholdInput(population_type="in_destination", admin_area="CO-NSA"),
            members=members,
            confirmed_new=True,
        )
        assert result.household is not None
        return result.household

    def maria(self, household: Household) -> Person:
        return Person.objects.get(household=household, relationship="focal_point")

    @staticmethod
    def no_tracing_consent() -> ConsentInput:
        return ConsentInput(purposes=["registration"])
