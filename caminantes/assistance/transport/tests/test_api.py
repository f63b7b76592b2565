from __future__ import annotations

import json
import uuid
from typing import Any

from caminantes.accounts.models import User
from caminantes.accounts.services import api_token_create
from caminantes.assistance.transport.models import Seat
from caminantes.assistance.transport.tests.base import TransportTestCase, family

BASE = "/api/v1/assistance/transport"


class TransportApiTests(TransportTestCase):
    def call(self, method: str, path: str, user: User, body: Any = None) -> Any:
        secret = api_token_create(user=user, name="t", scopes=["read", "write"]).secret
        return self.client.generic(
            method,
            BASE + path,
            json.dumps(body) if body is not None else "",
            content_type="application/json",
            headers={"Authorization": f"Bearer {secret}", "Accept-Language": "es"},
        )

    def booking(self, household: Any, **extra: Any) -> dict[str, Any]:
        return {
            "request_id": str(uuid.uuid4()),
            "household": str(household.uuid),
            "people": [str(p.uuid) for p in self.members(household)],
            **extra,
        }

    def test_it_books_replays_and_refuses_a_reused_request_id(self) -> None:
        path = f"/trips/{self.trip.uuid}/bookings"
        body = self.booking(self.perez)
        first = self.call("POST", path, self.tito, body)
        self.assertEqual(first.status_code, 201, first.content)
        self.assertEqual([s["seat_no"] for s in first.json()["seats"]], [1, 2])
        again = self.call("POST", path, self.tito, body)
        self.assertEqual(again.status_code, 200)
        self.assertTrue(again.json()["replayed"])
        changed = self.call("POST", path, self.tito, {**body, "seats": [2, 3]})
        self.assertEqual((changed.status_code, changed.json()["code"]), (409, "request_id_reused"))
        self.assertEqual(Seat.objects.count(), 2)

    def test_it_answers_each_refusal_with_its_code(self) -> None:
        path = f"/trips/{self.trip.uuid}/bookings"
        self.assertEqual(
            self.call("POST", path, self.tito, self.booking(self.rojas)).json()["code"],
            "no_consent",
        )
        mother, son = self.members(self.perez)
        body = {**self.booking(self.perez), "people": [str(mother.uuid)], "seats": [3]}
        self.assertEqual(self.call("POST", path, self.tito, body).status_code, 201)
        again = {**body, "request_id": str(uuid.uuid4()), "people": [str(son.uuid)], "seats": [1]}
        self.assertEqual(self.call("POST", path, self.tito, again).json()["code"], "already_booked")
        other = family(self.iom, self.co, "Ana", "Luz")
        taken = self.call("POST", path, self.tito, self.booking(other, seats=[3, 1]))
        self.assertEqual((taken.status_code, taken.json()["code"]), (409, "seat_taken"))
        full = family(self.iom, self.co, "Eva", "Lia", "Mar")
        answer = self.call("POST", path, self.tito, self.booking(full))
        self.assertEqual((answer.status_code, answer.json()["code"]), (409, "trip_full"))
        self.assertIn("asientos", answer.json()["detail"])
        seat = Seat.objects.get(person=mother)
        board = self.call("POST", f"/seats/{seat.uuid}/boarding", self.tito, {"boarded": True})
        self.assertEqual(board.json()["code"], "documents_not_checked")

    def test_it_answers_422_for_a_bad_body_and_404_for_a_foreign_trip(self) -> None:
        path = f"/trips/{self.trip.uuid}/bookings"
        self.assertEqual(self.call("POST", path, self.tito, {"people": []}).status_code, 422)
        missing = {**self.booking(self.perez), "household": str(uuid.uuid4())}
        self.assertEqual(self.call("POST", path, self.tito, missing).status_code, 422)
        self.assertEqual(
            self.call("POST", path, self.fede, self.booking(self.perez)).status_code, 404
        )
        self.assertEqual(self.call("GET", "/trips", self.fede).json()["count"], 0)

    def test_it_runs_a_trip_from_manifest_to_arrival(self) -> None:
        self.call("POST", f"/trips/{self.trip.uuid}/bookings", self.tito, self.booking(self.perez))
        seats = self.call("GET", f"/trips/{self.trip.uuid}/manifest", self.tito).json()
        self.assertEqual([s["name"] for s in seats], ["Yolimar Pérez", "Kevin Pérez"])
        first = seats[0]["uuid"]
        self.call("POST", f"/seats/{first}/documents", self.tito, {"checked": True})
        boarded = self.call("POST", f"/seats/{first}/boarding", self.tito, {"boarded": True})
        self.assertEqual(boarded.json()["boarding"], "boarded")
        self.call("POST", f"/seats/{seats[1]['uuid']}/boarding", self.tito, {"boarded": False})
        left = self.call(
            "POST", f"/trips/{self.trip.uuid}/status", self.tito, {"status": "departed"}
        )
        self.assertEqual(left.json()["status"], "departed")
        arrived = self.call("POST", f"/trips/{self.trip.uuid}/arrival", self.tito)
        self.assertEqual(arrived.json()["status"], "arrived")
        again = self.call("GET", f"/trips/{self.trip.uuid}/manifest", self.tito).json()
        self.assertIsNotNone(again[0]["arrived_at"])
        self.assertIsNone(again[1]["arrived_at"])
        routes = self.call("GET", "/routes", self.tito).json()["items"]
        self.assertEqual(routes[0]["stops"], ["Bucaramanga"])
