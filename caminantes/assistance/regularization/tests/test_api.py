from __future__ import annotations

import json
import uuid
from typing import Any

from caminantes.accounts.models import User
from caminantes.accounts.services import api_token_create
from caminantes.assistance.regularization.models import Appointment, Enrolment, Slot
from caminantes.assistance.regularization.tests.base import RegularizationTestCase, consent_to
from caminantes.audit.models import AuditEvent
from caminantes.registry.models import Consent, Document

BASE = "/api/v1/assistance/regularization"


class RegularizationApiTests(RegularizationTestCase):
    def call(self, method: str, path: str, user: User, body: Any = None) -> Any:
        secret = api_token_create(user=user, name="t", scopes=["read", "write"]).secret
        return self.client.generic(
            method,
            BASE + path,
            json.dumps(body) if body is not None else "",
            content_type="application/json",
            headers={"Authorization": f"Bearer {secret}", "Accept-Language": "es"},
        )

    def booking(self, enrolment: Enrolment, slot: Slot, key: uuid.UUID | None = None) -> Any:
        body = {"request_id": str(key or uuid.uuid4()), "slot": str(slot.uuid)}
        return self.call("POST", f"/enrolments/{enrolment.uuid}/appointments", self.alice, body)

    def test_it_lists_the_schemes_and_the_free_slots(self) -> None:
        schemes = self.call("GET", "/schemes", self.alice).json()
        ppt = next(s for s in schemes if s["code"] == "ppt")
        self.assertEqual([s["position"] for s in ppt["steps"]], [1, 2, 3, 4])
        self.assertEqual(ppt["steps"][-1]["document_type"], "ppt")
        free, full = self.slot(hour=9), self.slot(hour=10)
        Slot.objects.filter(pk=full.pk).update(booked=1)
        self.slot(office=self.ffs_office)  # another organisation's office
        listed = self.call("GET", f"/slots?step={self.biometrics.uuid}", self.alice).json()
        self.assertEqual([s["uuid"] for s in listed["items"]], [str(free.uuid)])
        self.assertEqual(self.call("GET", "/slots", self.charlie).json()["count"], 1)

    def test_it_books_once_per_request_id_and_refuses_other_content(self) -> None:
        enrolment, slot, key = self.enrol(), self.slot(capacity=2), uuid.uuid4()
        first = self.booking(enrolment, slot, key)
        self.assertEqual(first.status_code, 201, first.content)
        again = self.booking(enrolment, slot, key)
        self.assertEqual(again.status_code, 200)
        self.assertTrue(again.json()["replayed"])
        self.assertEqual(again.json()["appointment"]["uuid"], first.json()["appointment"]["uuid"])
        other = self.booking(enrolment, self.slot(days=5), key)
        self.assertEqual((other.status_code, other.json()["code"]), (409, "request_id_reused"))
        self.assertEqual(Appointment.objects.count(), 1)

    def test_a_full_slot_is_409_with_its_code(self) -> None:
        slot = self.slot(capacity=1)
        consent_to(self.jorge, Consent.Purpose.REGISTRATION)
        self.assertEqual(self.booking(self.enrol(), slot).status_code, 201)
        full = self.booking(self.enrol(self.jorge), slot)
        self.assertEqual((full.status_code, full.json()["code"]), (409, "slot_full"))
        self.assertIn("lleno", full.json()["detail"])  # in the caller's language
        twice = self.booking(self.ppt.enrolments.get(person=self.ana), self.slot(days=4))
        self.assertEqual((twice.status_code, twice.json()["code"]), (409, "already_booked"))

    def test_it_cancels_and_the_place_is_free_again(self) -> None:
        slot = self.slot()
        booked = self.booking(self.enrol(), slot).json()["appointment"]
        path = f"/appointments/{booked['uuid']}/cancel"
        body = {"request_id": str(uuid.uuid4()), "reason": "Viaja"}
        done = self.call("POST", path, self.alice, body)
        self.assertEqual(
            (done.status_code, done.json()["appointment"]["status"]), (200, "cancelled")
        )
        self.assertTrue(self.call("POST", path, self.alice, body).json()["replayed"])
        slot.refresh_from_db()
        self.assertEqual(slot.booked, 0)

    def test_it_advances_and_records_the_document_at_the_delivery_step(self) -> None:
        enrolment = self.enrol()
        path = f"/enrolments/{enrolment.uuid}/advance"
        skip = {"request_id": str(uuid.uuid4()), "to_step": str(self.biometrics.uuid)}
        moved = self.call("POST", path, self.alice, skip)
        self.assertEqual(moved.json()["enrolment"]["step"]["position"], 3, moved.content)
        self.call("POST", path, self.alice, {"request_id": str(uuid.uuid4())})
        missing = self.call("POST", path, self.alice, {"request_id": str(uuid.uuid4())})
        self.assertEqual(missing.status_code, 422)
        self.assertIn("number", missing.json()["errors"])
        body = {"request_id": str(uuid.uuid4()), "document": {"number": "PPT 99887766"}}
        done = self.call("POST", path, self.alice, body)
        self.assertEqual(done.json()["enrolment"]["status"], "done", done.content)
        self.assertEqual(Document.objects.get(person=self.ana).type, "ppt")

    def test_reading_an_enrolment_is_audited_and_another_organisation_gets_404(self) -> None:
        enrolment = self.enrol()
        self.assertEqual(
            self.call("GET", f"/enrolments/{enrolment.uuid}", self.alice).status_code, 200
        )
        self.assertTrue(
            AuditEvent.objects.filter(action="read_personal", object_uuid=enrolment.uuid).exists()
        )
        for path in (f"/enrolments/{enrolment.uuid}",):
            self.assertEqual(self.call("GET", path, self.charlie).status_code, 404)
        stolen = self.call(
            "POST",
            f"/enrolments/{enrolment.uuid}/appointments",
            self.charlie,
            {"request_id": str(uuid.uuid4()), "slot": str(self.slot().uuid)},
        )
        self.assertEqual(stolen.status_code, 404)
        foreign_slot = self.booking(enrolment, self.slot(office=self.ffs_office))
        self.assertEqual(foreign_slot.status_code, 422)
        self.assertIn("slot", foreign_slot.json()["errors"])

    def test_it_counts_the_waiting(self) -> None:
        self.enrol()
        rows = self.call("GET", "/waiting", self.alice).json()
        first = next(r for r in rows if r["step"] == str(self.rumv.uuid))
        self.assertEqual(first["waiting"], 1)
        self.assertEqual(
            sum(r["waiting"] for r in self.call("GET", "/waiting", self.charlie).json()), 0
        )

    def test_a_far_day_lists_no_slot_rather_than_failing(self) -> None:
        self.slot()
        answer = self.call("GET", "/slots?day=9999-12-31", self.alice)
        self.assertEqual((answer.status_code, answer.json()["count"]), (200, 0))
