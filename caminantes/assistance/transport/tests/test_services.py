from __future__ import annotations

import uuid

from django.core.exceptions import PermissionDenied, ValidationError

from caminantes.assistance.errors import Refused
from caminantes.assistance.models import ServiceDelivery
from caminantes.assistance.transport import services
from caminantes.assistance.transport.models import Booking, Seat, TripStatus
from caminantes.assistance.transport.tests.base import TransportTestCase, family
from caminantes.registry import timeline


class BookingTests(TransportTestCase):
    def test_it_gives_each_passenger_the_first_free_seat(self) -> None:
        seats = self.book(self.perez)
        self.assertEqual([s.seat_no for s in seats], [1, 2])

    def test_it_refuses_a_household_without_consent(self) -> None:
        with self.assertRaises(Refused) as refused:
            self.book(self.rojas)
        self.assertEqual(refused.exception.refusal_code, "no_consent")
        self.assertFalse(Seat.objects.exists())

    def test_it_refuses_the_same_household_twice(self) -> None:
        mother, son = self.members(self.perez)
        self.book(self.perez, people=[mother])
        with self.assertRaises(Refused) as refused:
            self.book(self.perez, people=[son])
        self.assertEqual(refused.exception.refusal_code, "already_booked")

    def test_it_refuses_when_the_trip_is_full_and_frees_the_seat_on_cancel(self) -> None:
        self.book(self.perez)
        other = family(self.iom, self.co, "Ana", "Luz")
        with self.assertRaises(Refused) as refused:
            self.book(other)
        self.assertEqual(refused.exception.refusal_code, "trip_full")
        services.booking_cancel(actor=self.tito, booking=Booking.objects.get())
        self.assertEqual([s.seat_no for s in self.book(other)], [1, 2])

    def test_it_refuses_a_seat_already_taken(self) -> None:
        mother, _son = self.members(self.perez)
        self.book(self.perez, people=[mother], seat_numbers=[3])
        other = family(self.iom, self.co, "Ana")
        with self.assertRaises(Refused) as refused:
            self.book(other, seat_numbers=[3])
        self.assertEqual(refused.exception.refusal_code, "seat_taken")
        with self.assertRaises(ValidationError):
            self.book(other, seat_numbers=[4])

    def test_it_refuses_someone_from_another_household(self) -> None:
        other = family(self.iom, self.co, "Ana")
        with self.assertRaises(ValidationError):
            self.book(self.perez, people=self.members(other))

    def test_it_replays_a_resent_request_and_refuses_a_reused_id(self) -> None:
        key = uuid.uuid4()
        first = services.booking_create(
            actor=self.tito,
            trip=self.trip,
            household=self.perez,
            people=self.members(self.perez),
            request_id=key,
        )
        again = services.booking_create(
            actor=self.tito,
            trip=self.trip,
            household=self.perez,
            people=self.members(self.perez),
            request_id=key,
        )
        self.assertTrue(again.replayed)
        self.assertEqual(again.booking, first.booking)
        with self.assertRaises(Refused) as refused:
            services.booking_create(
                actor=self.tito,
                trip=self.trip,
                household=self.perez,
                people=self.members(self.perez)[:1],
                request_id=key,
            )
        self.assertEqual(refused.exception.refusal_code, "request_id_reused")
        self.assertEqual(Seat.objects.count(), 2)

    def test_it_lets_no_one_of_another_organisation_book(self) -> None:
        with self.assertRaises(PermissionDenied):
            services.booking_create(
                actor=self.fede,
                trip=self.trip,
                household=self.perez,
                people=self.members(self.perez),
            )
        with self.assertRaises(PermissionDenied):
            services.booking_create(
                actor=self.alice,
                trip=self.trip,
                household=self.perez,
                people=self.members(self.perez),
            )


class BoardingTests(TransportTestCase):
    def test_it_refuses_boarding_without_documents_checked(self) -> None:
        seat = self.book(self.perez)[0]
        with self.assertRaises(Refused) as refused:
            services.seat_board(actor=self.tito, seat=seat)
        self.assertEqual(refused.exception.refusal_code, "documents_not_checked")

    def test_it_records_a_delivery_on_the_household_timeline_when_a_passenger_boards(
        self,
    ) -> None:
        seat = self.book(self.perez)[0]
        checked = services.seat_check_documents(actor=self.tito, seat=seat)
        self.assertEqual(checked.documents_checked_by, self.tito)
        boarded = services.seat_board(actor=self.tito, seat=seat)
        self.assertEqual(boarded.boarding, Seat.Boarding.BOARDED)
        served = ServiceDelivery.objects.get()
        self.assertEqual((served.sector, served.indicator), (services.SECTOR, services.INDICATOR))
        self.assertEqual(served.household, self.perez)
        self.assertEqual(served.people.get().person, seat.person)
        self.trip.refresh_from_db()
        self.assertEqual(self.trip.status, TripStatus.BOARDING)
        self.assertTrue(
            any(e.kind == "assistance" for e in timeline.for_household(self.carla, self.perez))
        )
        services.seat_board(actor=self.tito, seat=seat)  # again: nothing more
        self.assertEqual(ServiceDelivery.objects.count(), 1)

    def test_it_marks_a_no_show_who_may_still_board_before_departure(self) -> None:
        seat = self.book(self.perez)[1]
        services.seat_board(actor=self.tito, seat=seat, boarded=False)
        self.assertFalse(ServiceDelivery.objects.exists())
        services.seat_check_documents(actor=self.tito, seat=seat)
        self.assertEqual(services.seat_board(actor=self.tito, seat=seat).boarding, "boarded")

    def test_it_confirms_arrival_of_the_whole_trip_for_those_who_boarded(self) -> None:
        mother, son = self.book(self.perez)
        services.seat_check_documents(actor=self.tito, seat=mother)
        services.seat_board(actor=self.tito, seat=mother)
        services.seat_board(actor=self.tito, seat=son, boarded=False)
        with self.assertRaises(Refused) as refused:
            services.seat_arrive(actor=self.tito, seat=mother)
        self.assertEqual(refused.exception.refusal_code, "trip_not_departed")
        services.trip_set_status(actor=self.tito, trip=self.trip, status=TripStatus.DEPARTED)
        with self.assertRaises(Refused):
            services.seat_board(actor=self.tito, seat=son)
        with self.assertRaises(Refused):
            services.booking_cancel(actor=self.tito, booking=mother.booking)
        services.trip_set_status(actor=self.tito, trip=self.trip, status=TripStatus.ARRIVED)
        mother.refresh_from_db()
        son.refresh_from_db()
        self.assertIsNotNone(mother.arrived_at)
        self.assertIsNone(son.arrived_at)

    def test_it_marks_those_not_boarded_at_departure_as_no_shows(self) -> None:
        mother, son = self.book(self.perez)
        services.seat_check_documents(actor=self.tito, seat=mother)
        services.seat_board(actor=self.tito, seat=mother)
        services.trip_set_status(actor=self.tito, trip=self.trip, status=TripStatus.DEPARTED)
        son.refresh_from_db()
        self.assertEqual(son.boarding, Seat.Boarding.NO_SHOW)
        with self.assertRaises(Refused) as refused:
            services.seat_arrive(actor=self.tito, seat=son)
        self.assertEqual(refused.exception.refusal_code, "not_boarded")

    def test_it_cancels_a_trip_before_anyone_boards_and_frees_every_seat(self) -> None:
        self.book(self.perez)
        services.trip_set_status(actor=self.tito, trip=self.trip, status=TripStatus.CANCELLED)
        self.assertFalse(Seat.objects.filter(active=True).exists())
        with self.assertRaises(Refused) as refused:
            self.book(family(self.iom, self.co, "Ana"))
        self.assertEqual(refused.exception.refusal_code, "trip_closed")
        with self.assertRaises(Refused):
            services.trip_set_status(actor=self.tito, trip=self.trip, status=TripStatus.DEPARTED)


class RouteAndTripTests(TransportTestCase):
    def test_it_refuses_a_route_that_ends_where_it_starts_and_a_trip_in_the_past(self) -> None:
        import datetime as dt

        with self.assertRaises(ValidationError):
            services.route_create(
                actor=self.tito,
                organization=self.iom,
                country=self.co,
                name="Loop",
                origin=self.cucuta,
                destination=self.cucuta,
            )
        with self.assertRaises(ValidationError):
            services.trip_create(
                actor=self.tito,
                route=self.route,
                departs_on=dt.date(2020, 1, 1),
                departs_at=dt.time(6),
                vehicle="bus",
                seats=10,
            )
        with self.assertRaises(ValidationError):
            services.trip_create(
                actor=self.tito,
                route=self.route,
                departs_on=self.trip.departs_on,
                departs_at=dt.time(6),
                vehicle="bus",
                seats=0,
            )
