from __future__ import annotations

from datetime import timedelta

from django.urls import reverse
from django.utils import timezone

from caminantes.assistance.transport.models import Booking, Route, Seat, Trip
from caminantes.assistance.transport.tests.base import TransportTestCase


class PageTests(TransportTestCase):
    def setUp(self) -> None:
        self.login(self.tito)

    def test_it_lists_trips_and_creates_one(self) -> None:
        page = self.client.get(reverse("transport_trips"))
        self.assertContains(page, "Cúcuta - Bogotá")
        day = (timezone.localdate() + timedelta(days=3)).isoformat()
        answer = self.client.post(
            reverse("transport_trips"),
            {
                "route": self.route.pk,
                "departs_on": day,
                "departs_at": "07:00",
                "vehicle": "Bus 2",
                "seats": "40",
                "escort": "",
            },
        )
        trip = Trip.objects.get(vehicle="Bus 2")
        self.assertRedirects(answer, reverse("transport_trip", args=[trip.uuid]))

    def test_it_shows_errors_for_a_trip_form_filled_badly(self) -> None:
        past = (timezone.localdate() - timedelta(days=1)).isoformat()
        for data in (
            {},
            {
                "route": self.route.pk,
                "departs_on": past,
                "departs_at": "07:00",
                "vehicle": "Bus",
                "seats": "40",
            },
            {
                "route": self.route.pk,
                "departs_on": "2026-02-31",
                "departs_at": "25:00",
                "vehicle": "Bus",
                "seats": "0",
            },
            {
                "route": "999999",
                "departs_on": "9999-12-31",
                "departs_at": "07:00",
                "vehicle": "x" * 5000,
                "seats": "10**9",
            },
        ):
            answer = self.client.post(reverse("transport_trips"), data)
            self.assertEqual(answer.status_code, 200, data)
        self.assertEqual(Trip.objects.count(), 1)

    def test_it_creates_a_route_from_place_names_and_refuses_unknown_places(self) -> None:
        url = reverse("transport_routes")
        base = {
            "name": "Norte",
            "country": self.co.pk,
            "origin": "cúcuta",
            "destination": "Bogotá",
            "stops": "Bucaramanga",
        }
        self.assertEqual(self.client.post(url, {**base, "stops": "Atlantis"}).status_code, 200)
        self.assertEqual(self.client.post(url, {}).status_code, 200)
        self.assertEqual(self.client.post(url, {**base, "destination": "Cúcuta"}).status_code, 200)
        self.assertRedirects(self.client.post(url, base), url)
        route = Route.objects.get(name="Norte")
        self.assertEqual([s.place for s in route.stops.all()], [self.bucaramanga])

    def test_it_finds_a_household_books_it_and_shows_the_manifest(self) -> None:
        url = reverse("transport_book", args=[self.trip.uuid])
        self.assertContains(self.client.get(url, {"q": "Yolimar"}), self.perez.code)
        form = self.client.get(url, {"household": str(self.perez.uuid)})
        request_id = form.context["form"]["request_id"].value()
        people = [str(p.uuid) for p in self.members(self.perez)]
        data = {"household": self.perez.uuid, "request_id": request_id, "people": people}
        answer = self.client.post(url, data)
        self.assertRedirects(answer, reverse("transport_trip", args=[self.trip.uuid]))
        self.client.post(url, data)  # a double tap books once
        self.assertEqual(Seat.objects.count(), 2)
        page = self.client.get(reverse("transport_trip", args=[self.trip.uuid]))
        self.assertContains(page, "Yolimar")
        self.assertContains(page, "transport/print.css")

    def test_it_says_why_a_household_without_consent_cannot_travel(self) -> None:
        url = reverse("transport_book", args=[self.trip.uuid])
        people = [str(p.uuid) for p in self.members(self.rojas)]
        answer = self.client.post(
            url,
            {
                "household": self.rojas.uuid,
                "people": people,
                "request_id": "5b0ad9f4-93a4-4bd8-9c1e-2a1f6d2a9a11",
            },
        )
        self.assertEqual(answer.status_code, 200)
        self.assertFalse(Booking.objects.exists())
        self.assertEqual(self.client.post(url, {"household": self.rojas.uuid}).status_code, 200)
        self.assertEqual(self.client.post(url, {"household": "nonsense"}).status_code, 404)

    def test_it_checks_documents_and_boards_with_small_forms(self) -> None:
        seat = self.book(self.perez)[0]
        board = reverse("transport_seat_board", args=[seat.uuid])
        self.client.post(board, {"boarded": "1"})
        seat.refresh_from_db()
        self.assertEqual(seat.boarding, "pending")  # documents not checked yet
        self.client.post(reverse("transport_seat_documents", args=[seat.uuid]), {"checked": "1"})
        self.client.post(board, {"boarded": "1"})
        seat.refresh_from_db()
        self.assertEqual(seat.boarding, "boarded")
        status = reverse("transport_trip_status", args=[self.trip.uuid])
        self.client.post(status, {"status": "nonsense"})
        self.client.post(status, {"status": "departed"})
        self.client.post(reverse("transport_seat_arrive", args=[seat.uuid]))
        seat.refresh_from_db()
        self.assertIsNotNone(seat.arrived_at)

    def test_it_cancels_a_booking(self) -> None:
        seat = self.book(self.perez)[0]
        self.client.post(reverse("transport_booking_cancel", args=[seat.booking.uuid]))
        self.assertFalse(Seat.objects.filter(active=True).exists())

    def test_it_hides_the_pages_from_staff_without_the_permission_or_of_another_org(
        self,
    ) -> None:
        self.login(self.alice)
        self.assertEqual(self.client.get(reverse("transport_trips")).status_code, 403)
        self.login(self.fede)
        url = reverse("transport_trip", args=[self.trip.uuid])
        self.assertEqual(self.client.get(url).status_code, 404)
