from __future__ import annotations

import uuid
from datetime import timedelta
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import call_command
from django.db import IntegrityError, transaction
from django.utils import timezone

from caminantes.assistance.errors import Refused
from caminantes.assistance.regularization import services, services_appointments
from caminantes.assistance.regularization.models import (
    Appointment,
    AppointmentStatus,
    Reminder,
    Slot,
)
from caminantes.assistance.regularization.tests.base import RegularizationTestCase, consent_to
from caminantes.registry.models import Consent


class BookingTests(RegularizationTestCase):
    def book(self, enrolment: Any, slot: Any, **kw: Any) -> Any:
        return services_appointments.appointment_book(
            actor=self.alice, enrolment=enrolment, slot=slot, **kw
        )

    def test_it_books_a_place_and_counts_it(self) -> None:
        slot = self.slot(capacity=2)
        appointment = self.book(self.enrol(), slot).appointment
        self.assertEqual(appointment.status, AppointmentStatus.BOOKED)
        slot.refresh_from_db()
        self.assertEqual((slot.booked, slot.free), (1, 1))

    def test_it_refuses_a_full_slot(self) -> None:
        slot = self.slot(capacity=1)
        consent_to(self.jorge, Consent.Purpose.REGISTRATION)
        self.book(self.enrol(), slot)
        with self.assertRaises(Refused) as refused:
            self.book(self.enrol(self.jorge), slot)
        self.assertEqual(refused.exception.refusal_code, "slot_full")
        slot.refresh_from_db()
        self.assertEqual(slot.booked, 1)
        self.assertEqual(Appointment.objects.count(), 1)

    def test_a_person_cannot_hold_two_appointments_for_one_step(self) -> None:
        enrolment = self.enrol()
        self.book(enrolment, self.slot(days=2))
        with self.assertRaises(Refused) as refused:
            self.book(enrolment, self.slot(days=3))
        self.assertEqual(refused.exception.refusal_code, "already_booked")
        self.book(enrolment, self.slot(step=self.delivery, days=9))  # another step: fine

    def test_the_database_refuses_a_second_booked_appointment_for_a_step(self) -> None:
        enrolment = self.enrol()
        first = self.book(enrolment, self.slot(days=2)).appointment
        with self.assertRaises(IntegrityError), transaction.atomic():
            Appointment.objects.create(
                slot=self.slot(days=3),
                enrolment=enrolment,
                person=self.ana,
                step=self.biometrics,
                booked_at=timezone.now(),
            )
        self.assertEqual(first.status, "booked")

    def test_the_database_refuses_more_bookings_than_places(self) -> None:
        slot = self.slot(capacity=1)
        with self.assertRaises(IntegrityError), transaction.atomic():
            Slot.objects.filter(pk=slot.pk).update(booked=2)

    def test_it_refuses_a_past_slot_and_a_passed_step(self) -> None:
        enrolment = self.enrol()
        past = Slot.objects.create(
            office=self.office, step=self.biometrics, starts_at=timezone.now() - timedelta(hours=1)
        )
        with self.assertRaises(Refused) as refused:
            self.book(enrolment, past)
        self.assertEqual(refused.exception.refusal_code, "slot_past")
        self.to_delivery(enrolment)
        with self.assertRaises(Refused) as passed:
            self.book(enrolment, self.slot())
        self.assertEqual(passed.exception.refusal_code, "step_passed")

    def test_it_refuses_a_slot_of_another_organisation(self) -> None:
        with self.assertRaises(ValidationError):
            self.book(self.enrol(), self.slot(office=self.ffs_office))

    def test_another_organisation_cannot_book_for_our_people(self) -> None:
        with self.assertRaises(PermissionDenied):
            services_appointments.appointment_book(
                actor=self.charlie, enrolment=self.enrol(), slot=self.slot()
            )

    def test_cancelling_frees_the_place_for_someone_else(self) -> None:
        slot = self.slot(capacity=1)
        consent_to(self.jorge, Consent.Purpose.REGISTRATION)
        appointment = self.book(self.enrol(), slot).appointment
        services_appointments.appointment_cancel(
            actor=self.alice, appointment=appointment, reason="Enfermo"
        )
        self.book(self.enrol(self.jorge), slot)
        slot.refresh_from_db()
        self.assertEqual(slot.booked, 1)
        with self.assertRaises(Refused) as again:
            services_appointments.appointment_cancel(actor=self.alice, appointment=appointment)
        self.assertEqual(again.exception.refusal_code, "not_booked")

    def test_the_same_request_id_books_once(self) -> None:
        enrolment, slot, key = self.enrol(), self.slot(capacity=3), uuid.uuid4()
        first = self.book(enrolment, slot, request_id=key)
        again = self.book(enrolment, slot, request_id=key)
        self.assertTrue(again.replayed)
        self.assertEqual(again.appointment, first.appointment)
        slot.refresh_from_db()
        self.assertEqual(slot.booked, 1)
        with self.assertRaises(Refused) as reused:
            self.book(enrolment, self.slot(days=4), request_id=key)
        self.assertEqual(reused.exception.refusal_code, "request_id_reused")

    def test_completing_a_step_closes_its_appointments(self) -> None:
        enrolment = self.enrol()
        slot = self.slot(days=2)
        appointment = self.book(enrolment, slot).appointment
        services.enrolment_advance(actor=self.alice, enrolment=enrolment, to_step=self.biometrics)
        services.enrolment_advance(actor=self.alice, enrolment=enrolment)
        appointment.refresh_from_db()
        slot.refresh_from_db()
        self.assertEqual((appointment.status, slot.booked), (AppointmentStatus.CANCELLED, 0))

    def test_attendance_is_recorded_on_the_day_not_before(self) -> None:
        appointment = self.book(self.enrol(), self.slot(days=1)).appointment
        with self.assertRaises(Refused) as early:
            services_appointments.appointment_attendance(
                actor=self.alice, appointment=appointment, attended=True
            )
        self.assertEqual(early.exception.refusal_code, "not_yet")
        Slot.objects.filter(pk=appointment.slot_id).update(starts_at=timezone.now())
        done = services_appointments.appointment_attendance(
            actor=self.alice, appointment=appointment, attended=False
        )
        self.assertEqual(done.status, AppointmentStatus.NO_SHOW)


class ReminderTests(RegularizationTestCase):
    def test_it_reminds_the_caseworker_of_tomorrows_appointments_once(self) -> None:
        consent_to(self.jorge, Consent.Purpose.REGISTRATION)
        book = services_appointments.appointment_book
        book(actor=self.alice, enrolment=self.enrol(), slot=self.slot(days=1, hour=8))
        book(actor=self.alice, enrolment=self.enrol(self.jorge), slot=self.slot(days=1, hour=10))
        later = self.slot(days=2, step=self.delivery)
        book(actor=self.alice, enrolment=self.ppt.enrolments.get(person=self.ana), slot=later)
        self.assertEqual(services_appointments.reminders_send(), 2)
        self.assertEqual(services_appointments.reminders_send(), 0)
        by_person = {r.appointment.person: r for r in Reminder.objects.all()}
        self.assertEqual(set(by_person), {self.ana, self.jorge})
        self.assertTrue(by_person[self.ana].may_message)  # she agreed to messages
        self.assertFalse(by_person[self.jorge].may_message)
        self.assertEqual({r.user for r in by_person.values()}, {self.alice})

    def test_the_command_sends_them_for_a_chosen_day(self) -> None:
        from io import StringIO

        services_appointments.appointment_book(
            actor=self.alice, enrolment=self.enrol(), slot=self.slot(days=3)
        )
        out = StringIO()
        day = (timezone.localdate() + timedelta(days=3)).isoformat()
        call_command("regularization_reminders", "--day", day, stdout=out)
        self.assertIn("1", out.getvalue())
        self.assertEqual(Reminder.objects.count(), 1)

    def test_the_periodic_task_runs_without_huey(self) -> None:
        from caminantes.assistance.regularization import tasks

        services_appointments.appointment_book(
            actor=self.alice, enrolment=self.enrol(), slot=self.slot(days=1)
        )
        tasks.regularization_reminders_task.call_local()
        self.assertEqual(Reminder.objects.count(), 1)
