"""Registry personas on top of the foundation's: a few families to find."""

from __future__ import annotations

from datetime import date
from typing import Any

from caminantes.registry import services
from caminantes.registry.inputs import ConsentInput, DocumentInput, HouseholdInput, PersonInput
from caminantes.registry.models import Household, Person
from tests.personas import PersonaTestCase


def focal(**kw: Any) -> PersonInput:
    defaults: dict[str, Any] = {
        "given_names": "María José",
        "first_surname": "Pérez",
        "second_surname": "González",
        "sex": "F",
        "birth_date": date(1990, 3, 14),
        "nationalities": ["VE"],
        "consent": ConsentInput(purposes=["registration", "family_tracing"]),
    }
    defaults.update(kw)
    return PersonInput(**defaults)


def child(**kw: Any) -> PersonInput:
    defaults: dict[str, Any] = {
        "given_names": "Luis Ángel",
        "first_surname": "Pérez",
        "second_surname": "González",
        "sex": "M",
        "relationship": "child",
        "birth_date": date(2015, 7, 2),
        "consent": ConsentInput(given_by="guardian", guardian_name="María José Pérez"),
    }
    defaults.update(kw)
    return PersonInput(**defaults)


class RegistryTestCase(PersonaTestCase):
    family: Household
    ffs_family: Household
    ramona: Any

    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        cls.family = cls.register(
            cls.alice,
            [
                focal(
                    documents=[DocumentInput(type="cedula", number="V-12.345.678")],
                    phone="300 123 4567",
                ),
                child(),
            ],
        )
        cls.ffs_family = cls.register(
            cls.ffs_registrar(),
            [
                focal(
                    given_names="Yusmary",
                    first_surname="Rodríguez",
                    second_surname="",
                    birth_date=date(1985, 1, 20),
                )
            ],
            org=cls.ffs,
        )

    def focal_person(self) -> Person:
        return Person.objects.get(household=self.family, relationship="focal_point")

    @classmethod
    def ffs_registrar(cls) -> Any:
        from caminantes.accounts.models import Membership, User

        user = User.objects.create_user("ramona@example.org", "x" * 12, full_name="Ramona")
        m = Membership.objects.create(user=user, organization=cls.ffs, role="registration_officer")
        m.countries.set([cls.co])
        cls.ramona = user
        return user

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
