"""Regularization demo: the real schemes of the four host countries, IOM's accompaniment desk
at Migración Colombia's office in Cúcuta with a week of appointment slots, and a dozen adults
of IOM's families in Colombia following the PPT at every step: some just pre-registered, some
with their biometrics appointment booked (tomorrow's reminded), one with the PPT delivered
(the document is in their record). All through the services as the demo's registration
officer (Rosa). Deterministic and idempotent: an existing demo office is left as it is.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import time, timedelta
from typing import Any

from django.db import transaction
from django.utils import timezone

from caminantes.accounts.models import Organization, User
from caminantes.assistance.regularization import services, services_appointments, services_setup
from caminantes.assistance.regularization.models import Enrolment, Office, Scheme, Slot
from caminantes.geo.models import Country, Place
from caminantes.registry import consent
from caminantes.registry.inputs import DocumentInput
from caminantes.registry.models import Person

OFFICER = "registro.co@demo.caminantes.org"
OFFICE = "Migración Colombia · CFSM Cúcuta (acompañamiento)"
ADDRESS = "Av. 1E # 13-76, Cúcuta"
PEOPLE = 12


def _adults(org: Organization, country: Country) -> list[Person]:
    today = timezone.localdate()
    adults = []
    for p in (
        Person.objects.filter(
            household__organization=org,
            household__country=country,
            anonymised_at__isnull=True,
            household__anonymised_at__isnull=True,
        )
        .select_related("household")
        .order_by("pk")[:200]
    ):
        age = p.age_on(today)
        if age is not None and age >= 18 and consent.allowed(p, consent.Purpose.REGISTRATION):
            adults.append(p)
        if len(adults) == PEOPLE:
            break
    return adults


def load(say: Callable[[str], None], **options: Any) -> None:
    made = services_setup.schemes_seed()
    if made:
        say(f"Regularization: {made} country schemes created.")
    org = Organization.objects.filter(acronym="IOM").first()
    co = Country.objects.filter(iso2="CO").first()
    officer = User.objects.filter(email=OFFICER).first()
    ppt = Scheme.objects.filter(country=co, code="ppt").first()
    if org is None or co is None or officer is None or ppt is None:
        return
    if Office.objects.filter(organization=org, country=co, name=OFFICE).exists():
        say("Regularization: the demo office is already there.")
        return
    biometrics, delivery = list(ppt.steps.order_by("position"))[2:4]
    today = timezone.localdate()
    with transaction.atomic():
        office = services_setup.office_create(
            actor=officer,
            organization=org,
            country=co,
            name=OFFICE,
            address=ADDRESS,
            place=Place.objects.filter(country=co, name="Cúcuta").first(),
        )
        for step, start, end in ((biometrics, time(8), time(12)), (delivery, time(14), time(17))):
            services_setup.slots_open(
                actor=officer,
                office=office,
                step=step,
                first_day=today,
                last_day=today + timedelta(days=6),
                start=start,
                end=end,
                every_minutes=30,
            )
        people = _adults(org, co)
        enrolments = [services.enrolment_start(actor=officer, person=p, scheme=ppt) for p in people]

        def advance(e: Enrolment, **kw: Any) -> None:
            services.enrolment_advance(actor=officer, enrolment=e, **kw)

        # 0-3 stay pre-registered; 4-5 do the survey; 6-9 wait for biometrics (booked);
        # 10 waits for the PPT's delivery (booked); 11 has it.
        for e in enrolments[4:6]:
            advance(e)
        for e in enrolments[6:]:
            advance(e, to_step=biometrics)
        for e in enrolments[10:]:
            advance(e)
        free = list(
            Slot.objects.filter(
                office=office, step=biometrics, starts_at__gt=timezone.now()
            ).order_by("starts_at")
        )
        for i, e in enumerate(enrolments[6:10]):
            if len(free) > i * 3:
                services_appointments.appointment_book(actor=officer, enrolment=e, slot=free[i * 3])
        later = Slot.objects.filter(
            office=office, step=delivery, starts_at__gt=timezone.now()
        ).order_by("starts_at")
        if len(enrolments) > 10 and later.exists():
            services_appointments.appointment_book(
                actor=officer,
                enrolment=enrolments[10],
                slot=later[1] if later.count() > 1 else later[0],
            )
        if len(enrolments) > 11:
            e = enrolments[11]
            advance(
                e,
                document=DocumentInput(
                    type="ppt",
                    number=f"PPT{5_100_000 + e.person_id}",
                    issued_on=today - timedelta(days=2),
                    expires_on=today + timedelta(days=3650),
                ),
            )
        reminded = services_appointments.reminders_send()
    say(
        f"Regularization: {len(enrolments)} people following the PPT at {OFFICE}, "
        f"{reminded} reminders for tomorrow; log in as {OFFICER} and open /assistance/"
        "regularization/."
    )
