"""The last seat goes to one household only, however many desks book it at once.

Three guards: the booking locks the trip row before it counts the free seats
(select_for_update on PostgreSQL; on SQLite every write transaction is IMMEDIATE, so the
database is the lock); the database refuses a second active seat with the same number or
the same person on a trip (conditional unique constraints); and a service that loses that
race answers `seat_taken` rather than failing. The first two are checked on every backend;
the real race, parallel threads with committed transactions, runs on PostgreSQL only.
"""

from __future__ import annotations

import threading
import unittest
from datetime import time, timedelta
from unittest import mock

from django.db import IntegrityError, connection, transaction
from django.test import TransactionTestCase
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from caminantes.accounts.models import Organization
from caminantes.accounts.permissions import Role
from caminantes.assistance.errors import Refused
from caminantes.assistance.transport import services
from caminantes.assistance.transport.models import Booking, Seat
from caminantes.assistance.transport.tests.base import (
    TransportTestCase,
    family,
    town,
    transport_officer,
)
from caminantes.geo.models import Country
from caminantes.registry.models import Household


class LastSeatTests(TransportTestCase):
    def test_it_never_gives_a_seat_number_or_a_person_twice(self) -> None:
        seat = self.book(self.perez)[0]
        other = family(self.iom, self.co, "Ana")
        booking = Booking.objects.create(trip=self.trip, household=other, booked_by=self.tito)
        with self.assertRaises(IntegrityError), transaction.atomic():
            Seat.objects.create(
                booking=booking, trip=self.trip, person=other.members.get(), seat_no=seat.seat_no
            )
        with self.assertRaises(IntegrityError), transaction.atomic():
            Seat.objects.create(booking=seat.booking, trip=self.trip, person=seat.person, seat_no=3)

    def test_it_answers_seat_taken_when_another_desk_took_the_seat_it_chose(self) -> None:
        self.book(self.perez)  # seats 1 and 2
        other = family(self.iom, self.co, "Ana")
        # A desk that chose from a stale read (as it would without the lock): seat 1.
        with (
            mock.patch.object(services, "choose_seats", return_value=[1]),
            self.assertRaises(Refused) as refused,
        ):
            self.book(other)
        self.assertEqual(refused.exception.refusal_code, "seat_taken")
        self.assertEqual(Seat.objects.filter(active=True).count(), 2)

    def test_it_books_exactly_as_many_seats_as_the_trip_has(self) -> None:
        outcomes = []
        for i in range(6):
            try:
                self.book(family(self.iom, self.co, f"Persona{i}"))
                outcomes.append("booked")
            except Refused as exc:
                outcomes.append(exc.refusal_code)
        self.assertEqual(outcomes.count("booked"), 3)
        self.assertEqual(outcomes.count("trip_full"), 3)

    def test_it_locks_the_trip_where_the_backend_can(self) -> None:
        with CaptureQueriesContext(connection) as queries:
            self.book(self.perez)
        sql = " ".join(q["sql"] for q in queries.captured_queries)
        if connection.features.has_select_for_update:
            self.assertIn("FOR UPDATE", sql)
        else:
            self.assertEqual(connection.settings_dict["OPTIONS"]["transaction_mode"], "IMMEDIATE")


@unittest.skipUnless(
    connection.vendor == "postgresql",
    "needs PostgreSQL: SQLite serialises every write transaction, so threads never race; "
    "run with DATABASE_URL=postgres://… to test the row lock",
)
class ParallelBookingTests(TransactionTestCase):
    """Desks in threads, each with its own connection, committing for real. On PostgreSQL
    the flush between tests is a TRUNCATE, which the audit trail's append-only row triggers
    allow; the seeded rows come back with serialized_rollback."""

    serialized_rollback = True

    def test_it_gives_the_last_seat_to_one_household_only(self) -> None:
        co = Country.objects.create(
            iso2="CO",
            iso3="COL",
            name_es="Colombia",
            name_en="Colombia",
            name_pt="Colômbia",
            is_host=True,
            pcode="CO",
        )
        org = Organization.objects.create(name="Org", acronym="ORG", type="national_ngo")
        org.countries.set([co])
        officer = transport_officer("desk", org, co, Role.SHELTER_OFFICER)
        route = services.route_create(
            actor=officer,
            organization=org,
            country=co,
            name="R",
            origin=town(co, "A", "race-a"),
            destination=town(co, "B", "race-b"),
        )
        trip = services.trip_create(
            actor=officer,
            route=route,
            departs_on=timezone.localdate() + timedelta(days=1),
            departs_at=time(6),
            vehicle="Bus",
            seats=1,
        )
        households = [family(org, co, f"Desk{i}") for i in range(6)]
        start = threading.Barrier(len(households))
        outcomes: list[str] = []

        def desk(household: Household) -> None:
            try:
                start.wait()
                services.booking_create(
                    actor=officer,
                    trip=trip,
                    household=household,
                    people=list(household.members.all()),
                )
                outcomes.append("booked")
            except Refused as exc:
                outcomes.append(exc.refusal_code)
            finally:
                connection.close()

        threads = [threading.Thread(target=desk, args=(h,)) for h in households]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        self.assertEqual(sorted(outcomes), ["booked"] + ["trip_full"] * 5)
        self.assertEqual(Seat.objects.filter(trip=trip, active=True).count(), 1)
