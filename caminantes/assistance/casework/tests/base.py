"""The persona world plus casework: alice (registration officer, IOM, Colombia) is the
caseworker; dora, a distribution officer of IOM in Colombia, records food and cash; charlie
(FFS) is another organisation's caseworker. The Rojas family (IOM, Colombia): Marta, a
mother with a passport, and Sofía, her daughter of 6 with a birth certificate; Marta's
consent to relocation is recorded, her daughter's (by Marta, as guardian) is not. Bogotá
and Medellín are places in Colombia; Lima is in Peru."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from django.utils import timezone

from caminantes.accounts.models import Membership, User
from caminantes.accounts.permissions import Role
from caminantes.assistance.casework import services
from caminantes.assistance.casework.models import Modality, RelocationCase
from caminantes.geo.models import Place
from caminantes.lib import crypto, names
from caminantes.registry import duplicates
from caminantes.registry.models import Consent, Document, Household, Person
from tests.personas import PASSWORD, PersonaTestCase


def member(user_name: str, org: Any, country: Any, role: Role) -> User:
    user = User.objects.create_user(f"{user_name}@example.org", PASSWORD,
                                     full_name=user_name.title())  # fmt: skip
    Membership.objects.create(user=user, organization=org, role=role).countries.set([country])
    return user


def born(years: int) -> date:
    return timezone.localdate() - timedelta(days=365 * years + 40)


def person(household: Household, given: str, relationship: str, sex: str, age: int) -> Person:
    full = names.full_name(given, "Rojas")
    return Person.objects.create(
        household=household, relationship=relationship, given_names=given,
        first_surname="Rojas", sex=sex, birth_date=born(age), search_name=names.fold(full),
    )  # fmt: skip


def document(p: Person, kind: str, number: str, **extra: Any) -> Document:
    return Document.objects.create(
        person=p, type=kind, number_encrypted=crypto.encrypt(number),
        number_hash=duplicates.document_hash(number),
        number_last4=duplicates.normalise_document(number)[-4:], **extra,
    )  # fmt: skip


def consent_to_relocation(p: Person, by: User, **extra: Any) -> Consent:
    return Consent.objects.create(person=p, purpose=Consent.Purpose.RELOCATION, recorded_by=by,
                                  **extra)  # fmt: skip


def place(name: str, country: Any) -> Place:
    return Place.objects.create(kind="town", name=name, slug=names.fold(name).replace(" ", "-"),
                                country=country, latitude=4, longitude=-74)  # fmt: skip


class CaseworkTestCase(PersonaTestCase):
    dora: User
    rojas: Household
    marta: Person
    sofia: Person
    bogota: Place
    medellin: Place
    lima: Place

    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        cls.dora = member("dora", cls.iom, cls.co, Role.DISTRIBUTION_OFFICER)
        cls.rojas = Household.objects.create(organization=cls.iom, country=cls.co,
                                             population_type="in_destination")  # fmt: skip
        cls.marta = person(cls.rojas, "Marta", "focal_point", "F", 31)
        cls.sofia = person(cls.rojas, "Sofía", "child", "F", 6)
        cls.rojas.focal_point = cls.marta
        cls.rojas.save()
        document(cls.marta, Document.Type.PASSPORT, "V12345678")
        document(cls.sofia, Document.Type.BIRTH_CERTIFICATE, "AC998877")
        consent_to_relocation(cls.marta, cls.alice)
        cls.bogota = place("Bogotá", cls.co)
        cls.medellin = place("Medellín", cls.co)
        cls.lima = place("Lima", cls.pe)

    def open_case(self, **extra: Any) -> RelocationCase:
        return services.relocation_open(
            actor=self.alice, household=self.rojas, modality=Modality.JOB_OFFER,
            destination=self.medellin, host_name="Confecciones Andinas",
            host_contact="+57 604 555 0101", **extra,
        ).case  # fmt: skip

    def make_eligible(self, case: RelocationCase) -> None:
        consent_to_relocation(self.sofia, self.alice, given_by=Consent.GivenBy.GUARDIAN,
                              guardian_name="Marta Rojas")  # fmt: skip
        services.relocation_health_check(actor=self.alice, case=case,
                                         on=timezone.localdate())  # fmt: skip
