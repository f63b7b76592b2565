"""Two desks booking at the same moment: the last place goes to one of them, and one person
gets one appointment per step. Against PostgreSQL, with threads each on its own connection,
the transactions really overlap: the second booking waits on the slot's row lock
(select_for_update), then finds the place taken; two bookings of the same person for one
step in two different slots lock different rows, and the partial unique constraint on the
booked appointments refuses the one that commits second.

Committed rows, so a TransactionTestCase (see shelter's test_concurrency). SQLite lets one
writer at a time (BEGIN IMMEDIATE), so the race cannot happen there: skipped.
"""

from __future__ import annotations

import unittest
import uuid
from collections.abc import Callable
from typing import Any

from django.db import connection
from django.test import TransactionTestCase

from caminantes.accounts.models import Organization, User
from caminantes.assistance.regularization import services, services_appointments, services_setup
from caminantes.assistance.regularization.models import Appointment, Scheme, Slot
from caminantes.assistance.regularization.tests.base import at, consent_to
from caminantes.assistance.shelter.tests.base import household
from caminantes.assistance.shelter.tests.test_concurrency import race
from caminantes.geo.models import Country
from caminantes.registry.models import Consent
from tests.personas import make_world


@unittest.skipUnless(
    connection.vendor == "postgresql",
    "needs PostgreSQL: SQLite takes one writer at a time, so two bookings cannot overlap",
)
class DoubleBookingTests(TransactionTestCase):
    serialized_rollback = True
    co: Country
    iom: Organization
    alice: User

    def setUp(self) -> None:
        make_world(self)
        services_setup.schemes_seed()
        self.ppt = Scheme.objects.get(country=self.co, code="ppt")
        self.biometrics = self.ppt.steps.get(position=3)
        self.office = services_setup.office_create(
            actor=self.alice, organization=self.iom, country=self.co, name="Carrera"
        )
        self.enrolments = []
        for name in ("Ana", "Bea"):
            person = household(self.iom, self.co, [(name, "F", 30)]).members.get()
            consent_to(person, Consent.Purpose.REGISTRATION)
            enrolment = services.enrolment_start(actor=self.alice, person=person, scheme=self.ppt)
            services.enrolment_advance(
                actor=self.alice, enrolment=enrolment, to_step=self.biometrics
            )
            self.enrolments.append(enrolment)

    def slot(self, hour: int) -> Slot:
        return Slot.objects.create(
            office=self.office, step=self.biometrics, starts_at=at(2, hour), capacity=1
        )

    def book(self, enrolment: Any, slot: Slot) -> Callable[[], Any]:
        return lambda: services_appointments.appointment_book(
            actor=self.alice, enrolment=enrolment, slot=slot
        )

    def test_it_gives_the_last_place_to_one_of_two_desks(self) -> None:
        slot = self.slot(9)
        outcomes = race(self.book(self.enrolments[0], slot), self.book(self.enrolments[1], slot))
        self.assertEqual(outcomes, ["ok", "slot_full"])
        slot.refresh_from_db()
        self.assertEqual(slot.booked, 1)
        self.assertEqual(Appointment.objects.filter(slot=slot).count(), 1)

    def test_it_gives_one_person_one_appointment_when_two_desks_book_her(self) -> None:
        nine, ten = self.slot(9), self.slot(10)
        ana = self.enrolments[0]
        outcomes = race(self.book(ana, nine), self.book(ana, ten))
        self.assertEqual(outcomes, ["already_booked", "ok"])
        self.assertEqual(Appointment.objects.filter(status="booked").count(), 1)
        nine.refresh_from_db()
        ten.refresh_from_db()
        self.assertEqual(nine.booked + ten.booked, 1)  # the loser's place was given back

    def test_many_desks_fill_a_slot_exactly_to_its_capacity(self) -> None:
        slot = Slot.objects.create(
            office=self.office, step=self.biometrics, starts_at=at(3, 9), capacity=3
        )
        people = []
        for i in range(5):
            person = household(self.iom, self.co, [(f"P{i}", "M", 30 + i)]).members.get()
            consent_to(person, Consent.Purpose.REGISTRATION)
            enrolment = services.enrolment_start(actor=self.alice, person=person, scheme=self.ppt)
            people.append(enrolment)
        outcomes = race(*(self.book(e, slot) for e in people))
        self.assertEqual(outcomes.count("ok"), 3, outcomes)
        self.assertEqual(outcomes.count("slot_full"), 2, outcomes)
        slot.refresh_from_db()
        self.assertEqual(slot.booked, 3)

    def test_the_same_request_sent_twice_at_once_books_once(self) -> None:
        """The request row is claimed with INSERT … ON CONFLICT DO NOTHING: the second send
        waits for the first one's row, then answers with what it made."""
        slot = Slot.objects.create(
            office=self.office, step=self.biometrics, starts_at=at(4, 9), capacity=2
        )
        request_id = uuid.uuid4()
        made: list[Any] = []

        def send() -> None:
            made.append(services_appointments.appointment_book(
                actor=self.alice, enrolment=self.enrolments[0], slot=slot, request_id=request_id
            ))  # fmt: skip

        self.assertEqual(race(send, send), ["ok", "ok"])
        self.assertEqual(sorted(w.replayed for w in made), [False, True])
        self.assertEqual(made[0].appointment.pk, made[1].appointment.pk)
        slot.refresh_from_db()
        self.assertEqual(slot.booked, 1)
