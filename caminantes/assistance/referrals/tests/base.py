"""The persona world plus a directory and a family to refer.

alice (IOM registrar, Colombia) refers; charlie (FFS partner focal point, Colombia) keeps
FFS's services and receives. FFS offers psychosocial support in Colombia (its referral form
asks for name, age and phone) and a GBV response (the restricted path). The Pérez family is
IOM's, in Colombia: Ana (who consented to share with FFS), Jorge (who did not) and a girl;
the household has a phone, Ana a passport, and an address FFS's form does not ask for."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from django.utils import timezone

from caminantes.assistance.referrals import services
from caminantes.assistance.referrals.models import Service
from caminantes.lib import crypto
from caminantes.registry.models import Consent, Document, Household, Person, Phone
from tests.personas import PersonaTestCase


def born(years: int) -> date:
    return timezone.localdate() - timedelta(days=365 * years + 40)


class ReferralTestCase(PersonaTestCase):
    psychosocial: Service
    gbv: Service
    iom_health: Service
    perez: Household
    ana: Person
    jorge: Person

    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        cls.psychosocial = services.service_create(
            actor=cls.charlie, organization=cls.ffs, country=cls.co, type="psychosocial",
            name="Apoyo psicosocial FFS", address="Cúcuta", hours="8-17",
            referral_fields=["name", "age", "phone"], capacity=50,
        )  # fmt: skip
        cls.gbv = services.service_create(
            actor=cls.charlie, organization=cls.ffs, country=cls.co, type="gbv",
            name="Respuesta VBG FFS", referral_fields=["name", "phone"],
        )  # fmt: skip
        cls.iom_health = services.service_create(
            actor=cls.alice, organization=cls.iom, country=cls.co, type="health",
            name="Puesto de salud OIM", referral_fields=["name", "birth_date"],
        )  # fmt: skip
        cls.perez = Household.objects.create(
            organization=cls.iom, country=cls.co, population_type="in_transit",
            address="Calle Secreta 123",
        )  # fmt: skip
        cls.ana = Person.objects.create(
            household=cls.perez, relationship="focal_point", given_names="Ana",
            first_surname="Pérez", sex="F", birth_date=born(34), search_name="ana perez",
        )  # fmt: skip
        cls.jorge = Person.objects.create(
            household=cls.perez, relationship="spouse", given_names="Jorge",
            first_surname="Pérez", sex="M", birth_date=born(36), search_name="jorge perez",
        )  # fmt: skip
        Person.objects.create(household=cls.perez, relationship="child", given_names="Lucía",
                              first_surname="Pérez", sex="F", birth_date=born(5))  # fmt: skip
        cls.perez.focal_point = cls.ana
        cls.perez.save()
        Phone.objects.create(household=cls.perez, number_encrypted=crypto.encrypt("+573001112233"),
                             number_last4="2233")  # fmt: skip
        Document.objects.create(person=cls.ana, type="passport",
                                number_encrypted=crypto.encrypt("P7788990"),
                                number_last4="8990")  # fmt: skip
        for org in (cls.ffs, cls.iom):
            Consent.objects.create(person=cls.ana, purpose="sharing", recipient=org,
                                   recorded_by=cls.alice)  # fmt: skip

    def refer(self, service: Service | None = None, person: Person | None = None,
              **kw: Any) -> Any:  # fmt: skip
        kw.setdefault("reason", "Ansiedad desde la llegada")
        return services.referral_create(
            actor=self.alice, service=service or self.psychosocial, household=self.perez,
            person=person or self.ana, **kw,
        ).referral  # fmt: skip
