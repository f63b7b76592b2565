"""The persona world plus regularization: the real schemes seeded for Colombia and Peru
(Ecuador and Brazil are not in the persona world), IOM's office in Cúcuta (alice, the
registration officer, follows people there; carla, the country manager, edits the schemes),
FFS's office (charlie, the partner focal point) and the Pérez family of IOM in Colombia:
Ana, who consented to registration and messages, and Jorge, with no consent recorded."""

from __future__ import annotations

from datetime import datetime, time, timedelta
from typing import Any

from django.utils import timezone

from caminantes.assistance.regularization import services, services_setup
from caminantes.assistance.regularization.models import Office, Scheme, Slot, Step
from caminantes.assistance.shelter.tests.base import household
from caminantes.registry.models import Consent, Household, Person
from tests.personas import PersonaTestCase


def consent_to(person: Person, *purposes: str) -> None:
    for purpose in purposes:
        Consent.objects.create(person=person, purpose=purpose)


def at(days: int, hour: int = 9, minute: int = 0) -> datetime:
    """A local moment `days` from today."""
    day = timezone.localdate() + timedelta(days=days)
    return datetime.combine(day, time(hour, minute), tzinfo=timezone.get_current_timezone())


class RegularizationTestCase(PersonaTestCase):
    ppt: Scheme
    cpp: Scheme
    rumv: Step
    survey: Step
    biometrics: Step
    delivery: Step
    office: Office
    ffs_office: Office
    perez: Household
    ana: Person
    jorge: Person

    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        services_setup.schemes_seed()
        cls.ppt = Scheme.objects.get(country=cls.co, code="ppt")
        cls.cpp = Scheme.objects.get(country=cls.pe, code="cpp")
        cls.rumv, cls.survey, cls.biometrics, cls.delivery = list(
            cls.ppt.steps.order_by("position")
        )
        cls.office = services_setup.office_create(
            actor=cls.alice, organization=cls.iom, country=cls.co, name="Cúcuta centro"
        )
        cls.ffs_office = services_setup.office_create(
            actor=cls.charlie, organization=cls.ffs, country=cls.co, name="FFS Cúcuta"
        )
        cls.perez = household(cls.iom, cls.co, [("Ana", "F", 34), ("Jorge", "M", 36)])
        cls.ana, cls.jorge = list(cls.perez.members.order_by("pk"))
        consent_to(cls.ana, Consent.Purpose.REGISTRATION, Consent.Purpose.MESSAGING)

    def slot(
        self,
        step: Step | None = None,
        days: int = 2,
        hour: int = 9,
        capacity: int = 1,
        office: Office | None = None,
    ) -> Slot:
        return Slot.objects.create(
            office=office or self.office,
            step=step or self.biometrics,
            starts_at=at(days, hour),
            capacity=capacity,
        )

    def to_delivery(self, enrolment: Any) -> Any:
        """Move an enrolment at the first step to the PPT's delivery (over the survey)."""
        services.enrolment_advance(actor=self.alice, enrolment=enrolment, to_step=self.biometrics)
        return services.enrolment_advance(actor=self.alice, enrolment=enrolment).enrolment

    def enrol(self, person: Person | None = None, user: Any = None) -> Any:
        return services.enrolment_start(
            actor=user or self.alice, person=person or self.ana, scheme=self.ppt
        )
