from __future__ import annotations

import json
import uuid
from typing import Any

from django.utils import timezone

from caminantes.accounts.models import User
from caminantes.accounts.services import api_token_create
from caminantes.assistance.shelter.models import BedAssignment, Stay
from caminantes.assistance.shelter.tests.base import ShelterTestCase

BASE = "/api/v1/assistance/shelter"


class ShelterApiTests(ShelterTestCase):
    def call(self, method: str, path: str, user: User, body: Any = None) -> Any:
        secret = api_token_create(user=user, name="t", scopes=["read", "write"]).secret
        return self.client.generic(
            method,
            BASE + path,
            json.dumps(body) if body is not None else "",
            content_type="application/json",
            headers={"Authorization": f"Bearer {secret}", "Accept-Language": "es"},
        )

    def check_in_body(self, person: Any, bed: Any, nights: int = 2) -> dict[str, Any]:
        return {
            "request_id": str(uuid.uuid4()),
            "household": str(person.household.uuid),
            "placements": [{"person": str(person.uuid), "bed": str(bed.uuid)}],
            "nights": nights,
        }

    def test_it_lists_the_beds_with_their_status(self) -> None:
        self.check_in([(self.luis, self.bed(self.general, "G1"))])
        detail = self.call("GET", f"/sites/{self.site.uuid}", self.sara).json()
        self.assertEqual((detail["beds"], detail["free"]), (8, 7))
        general = next(r for r in detail["rooms"] if r["name"] == "General")
        self.assertEqual([b["status"] for b in general["beds"]], ["occupied", "free"])
        listed = self.call("GET", "/sites", self.sara).json()
        self.assertEqual([s["name"] for s in listed["items"]], ["Albergue Cúcuta"])

    def test_it_checks_in_once_per_request_id(self) -> None:
        path = f"/sites/{self.site.uuid}/check-ins"
        body = self.check_in_body(self.luis, self.bed(self.general, "G1"))
        first = self.call("POST", path, self.sara, body)
        self.assertEqual(first.status_code, 201, first.content)
        again = self.call("POST", path, self.sara, body)
        self.assertEqual(again.status_code, 200)
        self.assertTrue(again.json()["replayed"])
        self.assertEqual(again.json()["stay"]["uuid"], first.json()["stay"]["uuid"])
        changed = self.call("POST", path, self.sara, {**body, "nights": 3})
        self.assertEqual((changed.status_code, changed.json()["code"]), (409, "request_id_reused"))
        self.assertEqual(Stay.objects.count(), 1)

    def test_it_answers_each_refusal_with_409_and_its_code(self) -> None:
        path = f"/sites/{self.site.uuid}/check-ins"
        self.check_in([(self.luis, self.bed(self.general, "G1"))])
        cases = [
            (self.check_in_body(self.father, self.bed(self.general, "G1")), "bed_taken"),
            (self.check_in_body(self.luis, self.bed(self.general, "G2")), "person_already_in_bed"),
            (self.check_in_body(self.father, self.bed(self.women, "M1")), "room_women_only"),
            (self.check_in_body(self.father, self.bed(self.general, "G2"), 9), "stay_too_long"),
        ]
        for body, code in cases:
            with self.subTest(code=code):
                answer = self.call("POST", path, self.sara, body)
                self.assertEqual(answer.status_code, 409, answer.content)
                self.assertEqual(answer.json()["code"], code)
                self.assertTrue(answer.json()["detail"])

    def test_it_answers_a_wrong_body_with_422(self) -> None:
        path = f"/sites/{self.site.uuid}/check-ins"
        body = self.check_in_body(self.luis, self.bed(self.general, "G1"))
        for wrong in (
            {**body, "household": str(uuid.uuid4())},
            {
                **body,
                "placements": [
                    {"person": str(self.mother.uuid), "bed": str(self.bed(self.general, "G1").uuid)}
                ],
            },
            {**body, "nights": 0},
            {"request_id": "x"},
        ):
            with self.subTest(wrong=wrong):
                self.assertEqual(self.call("POST", path, self.sara, wrong).status_code, 422)

    def test_it_extends_counts_heads_and_checks_out(self) -> None:
        stay = self.check_in([(self.luis, self.bed(self.general, "G1"))]).stay
        ext = self.call(
            "POST",
            f"/stays/{stay.uuid}/extensions",
            self.sara,
            {"request_id": str(uuid.uuid4()), "nights": 2, "reason": "Médico"},
        )
        self.assertEqual(ext.status_code, 200, ext.content)
        night = timezone.localdate().isoformat()
        count = self.call(
            "POST",
            f"/sites/{self.site.uuid}/headcounts",
            self.sara,
            {"request_id": str(uuid.uuid4()), "night": night, "present": []},
        )
        self.assertEqual(count.json()["absent"], [str(self.luis.uuid)])
        out_id = str(uuid.uuid4())
        out = self.call("POST", f"/stays/{stay.uuid}/check-out", self.sara, {"request_id": out_id})
        self.assertEqual(out.json()["stay"]["status"], "checked_out")
        again = self.call(
            "POST", f"/stays/{stay.uuid}/check-out", self.sara, {"request_id": out_id}
        )
        self.assertEqual(again.status_code, 200)
        closed = self.call(
            "POST", f"/stays/{stay.uuid}/check-out", self.sara, {"request_id": str(uuid.uuid4())}
        )
        self.assertEqual(closed.json()["code"], "stay_closed")
        self.assertFalse(BedAssignment.objects.filter(released_at__isnull=True).exists())

    def test_it_keeps_the_waiting_list(self) -> None:
        path = f"/sites/{self.site.uuid}/waiting-list"
        body = {"request_id": str(uuid.uuid4()), "household": str(self.perez.uuid), "priority": 1}
        self.assertEqual(self.call("POST", path, self.sara, body).status_code, 201)
        twice = self.call("POST", path, self.sara, {**body, "request_id": str(uuid.uuid4())})
        self.assertEqual(twice.json()["code"], "already_waiting")
        listed = self.call("GET", path, self.sara).json()
        self.assertEqual([(e["size"], e["priority"]) for e in listed], [(4, 1)])

    def test_it_reports_occupancy_by_night(self) -> None:
        self.check_in([(self.luis, self.bed(self.general, "G1"))])
        nights = self.call("GET", f"/sites/{self.site.uuid}/occupancy", self.sara).json()
        self.assertEqual(len(nights), 30)
        self.assertEqual((nights[-1]["beds"], nights[-1]["occupied"]), (8, 1))
        bad = self.call(
            "GET", f"/sites/{self.site.uuid}/occupancy?start=2026-01-02&end=2026-01-01", self.sara
        )
        self.assertEqual(bad.status_code, 422)

    def test_it_answers_another_organisation_with_404(self) -> None:
        body = self.check_in_body(self.luis, self.bed(self.general, "G1"))
        for site in (self.site.uuid, uuid.uuid4()):
            self.assertEqual(self.call("GET", f"/sites/{site}", self.fabi).status_code, 404)
            answer = self.call("POST", f"/sites/{site}/check-ins", self.fabi, body)
            self.assertEqual(answer.status_code, 404)
        self.assertEqual(self.call("GET", "/sites", self.fabi).json()["items"], [])
