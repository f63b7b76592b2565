from __future__ import annotations

import json
import uuid
from datetime import timedelta
from typing import Any

from django.utils import timezone

from caminantes.accounts.models import User
from caminantes.accounts.services import api_token_create
from caminantes.assistance.casework.models import RelocationCase, ServiceRecord, Stage
from caminantes.assistance.casework.tests.base import CaseworkTestCase
from caminantes.assistance.models import ServiceDelivery

BASE = "/api/v1/assistance/casework"


class CaseworkApiTests(CaseworkTestCase):
    def call(self, method: str, path: str, user: User, body: Any = None) -> Any:
        secret = api_token_create(user=user, name="t", scopes=["read", "write"]).secret
        return self.client.generic(
            method,
            BASE + path,
            json.dumps(body) if body is not None else "",
            content_type="application/json",
            headers={"Authorization": f"Bearer {secret}", "Accept-Language": "es"},
        )

    def case_body(self, **extra: Any) -> dict[str, Any]:
        body = {
            "request_id": str(uuid.uuid4()),
            "household": str(self.rojas.uuid),
            "modality": "family_reunification",
            "destination": str(self.bogota.uuid),
            "host_name": "Luis Rojas",
            "host_contact": "+57 310 555 0199",
        }
        body.update(extra)
        return body

    def test_it_opens_a_case_once_per_request_id(self) -> None:
        body = self.case_body()
        first = self.call("POST", "/relocations", self.alice, body)
        self.assertEqual(first.status_code, 201, first.content)
        self.assertEqual(first.json()["case"]["stage"], "eligibility")
        again = self.call("POST", "/relocations", self.alice, body)
        self.assertEqual(again.status_code, 200)
        self.assertTrue(again.json()["replayed"])
        self.assertEqual(again.json()["case"]["uuid"], first.json()["case"]["uuid"])
        changed = self.call("POST", "/relocations", self.alice, {**body, "host_name": "Otro"})
        self.assertEqual((changed.status_code, changed.json()["code"]), (409, "request_id_reused"))
        self.assertEqual(RelocationCase.objects.count(), 1)
        second = self.call("POST", "/relocations", self.alice, self.case_body())
        self.assertEqual((second.status_code, second.json()["code"]), (409, "case_open"))

    def test_it_refuses_travel_without_consent_with_409_and_its_code(self) -> None:
        case_id = self.call("POST", "/relocations", self.alice, self.case_body()).json()["case"]
        path = f"/relocations/{case_id['uuid']}/stage"
        health = self.call(
            "POST",
            f"/relocations/{case_id['uuid']}/health-check",
            self.alice,
            {"on": timezone.localdate().isoformat()},
        )
        self.assertEqual(health.status_code, 200, health.content)
        step = {"request_id": str(uuid.uuid4()), "stage": "pre_departure"}
        refused = self.call("POST", path, self.alice, step)
        self.assertEqual((refused.status_code, refused.json()["code"]), (409, "consent_missing"))
        self.assertIn("Sofía Rojas", refused.json()["detail"])
        self.assertIn("No hay consentimiento válido", refused.json()["detail"])
        case = RelocationCase.objects.get()
        self.make_eligible(case)
        moved = self.call("POST", path, self.alice, step)  # the refused id was not kept
        self.assertEqual(moved.status_code, 200, moved.content)
        self.assertEqual(moved.json()["case"]["stage"], "pre_departure")
        replay = self.call("POST", path, self.alice, step)
        self.assertEqual((replay.status_code, replay.json()["replayed"]), (200, True))
        reused = self.call(
            "POST", path, self.alice, {**step, "stage": "cancelled", "reason": "other"}
        )
        self.assertEqual(reused.status_code, 409)
        self.assertEqual(reused.json()["code"], "request_id_reused")
        self.marta.documents.update(status="expired")
        travel = self.call(
            "POST", path, self.alice, {"request_id": str(uuid.uuid4()), "stage": "travel"}
        )
        self.assertEqual((travel.status_code, travel.json()["code"]), (409, "documents_missing"))
        future = self.call(
            "POST",
            path,
            self.alice,
            {
                "request_id": str(uuid.uuid4()),
                "stage": "cancelled",
                "reason": "withdrew",
                "on": (timezone.localdate() + timedelta(days=1)).isoformat(),
            },
        )
        self.assertEqual(future.status_code, 422)
        self.assertIn("on", future.json()["errors"])

    def test_it_records_a_cash_transfer_once_per_request_id(self) -> None:
        body = {
            "request_id": str(uuid.uuid4()),
            "household": str(self.rojas.uuid),
            "person": str(self.marta.uuid),
            "kind": "multipurpose_cash",
            "served_on": timezone.localdate().isoformat(),
            "value": "75.50",
            "currency": "USD",
            "mechanism": "prepaid_card",
        }
        first = self.call("POST", "/records", self.dora, body)
        self.assertEqual(first.status_code, 201, first.content)
        record = first.json()["record"]
        self.assertEqual(
            (record["currency"], record["mechanism"], record["value"]),
            ("USD", "prepaid_card", "75.50"),
        )
        served = ServiceDelivery.objects.get(uuid=record["delivery"])
        self.assertEqual(
            (served.currency, served.mechanism, str(served.value)), ("USD", "prepaid_card", "75.50")
        )
        again = self.call("POST", "/records", self.dora, body)
        self.assertEqual((again.status_code, again.json()["record"]["uuid"]), (200, record["uuid"]))
        changed = self.call("POST", "/records", self.dora, {**body, "value": "80"})
        self.assertEqual(changed.status_code, 409)
        self.assertEqual(ServiceRecord.objects.count(), 1)

    def test_it_answers_wrong_records_with_422(self) -> None:
        base = {
            "household": str(self.rojas.uuid),
            "kind": "food_voucher",
            "served_on": timezone.localdate().isoformat(),
            "value": "10",
            "currency": "COP",
            "mechanism": "voucher",
        }
        for extra, field in [
            ({"currency": "ABC"}, "currency"),
            ({"value": "-1"}, "value"),
            ({"served_on": "2999-01-01"}, "served_on"),
            ({"person": str(uuid.uuid4())}, "person"),
            ({"household": str(uuid.uuid4())}, "household"),
        ]:
            with self.subTest(extra=extra):
                response = self.call(
                    "POST",
                    "/records",
                    self.alice,
                    {**base, **extra, "request_id": str(uuid.uuid4())},
                )
                self.assertEqual(response.status_code, 422, response.content)
                self.assertIn(field, response.json()["errors"])
        health = self.call(
            "POST",
            "/records",
            self.dora,
            {
                **base,
                "kind": "consultation",
                "value": None,
                "currency": "",
                "mechanism": "",
                "request_id": str(uuid.uuid4()),
            },
        )
        self.assertEqual(health.status_code, 403)

    def test_it_enrols_and_lists_the_follow_ups_due(self) -> None:
        started = timezone.localdate() - timedelta(days=88)
        enrolled = self.call(
            "POST",
            "/livelihoods",
            self.alice,
            {
                "request_id": str(uuid.uuid4()),
                "person": str(self.marta.uuid),
                "kind": "seed_capital",
                "title": "Arepas Marta",
                "started_on": started.isoformat(),
                "value": "1500000",
                "currency": "COP",
                "mechanism": "cash_in_hand",
            },
        )
        self.assertEqual(enrolled.status_code, 201, enrolled.content)
        activity = enrolled.json()["activity"]
        self.assertEqual(activity["follow_up_on"], (started + timedelta(days=90)).isoformat())
        due = self.call("GET", "/follow-ups", self.alice).json()
        self.assertEqual(
            [(d["kind"], d["activity"], d["overdue"]) for d in due],
            [("livelihood", activity["uuid"], False)],
        )
        self.assertEqual(self.call("GET", "/follow-ups", self.charlie).json(), [])
        outcome = self.call(
            "POST",
            f"/livelihoods/{activity['uuid']}/outcome",
            self.alice,
            {"outcome": "business_active"},
        )
        self.assertEqual((outcome.status_code, outcome.json()["outcome"]), (200, "business_active"))
        again = self.call(
            "POST",
            f"/livelihoods/{activity['uuid']}/outcome",
            self.alice,
            {"outcome": "business_closed"},
        )
        self.assertEqual((again.status_code, again.json()["code"]), (409, "outcome_recorded"))

    def test_it_hides_cases_from_another_organisation(self) -> None:
        case = self.call("POST", "/relocations", self.alice, self.case_body()).json()["case"]
        self.assertEqual(
            self.call("GET", f"/relocations/{case['uuid']}", self.charlie).status_code, 404
        )
        step = self.call(
            "POST",
            f"/relocations/{case['uuid']}/stage",
            self.charlie,
            {"request_id": str(uuid.uuid4()), "stage": "cancelled", "reason": "other"},
        )
        self.assertEqual(step.status_code, 404)
        foreign = self.call("POST", "/relocations", self.charlie, self.case_body())
        self.assertEqual(foreign.status_code, 422)
        self.assertEqual(RelocationCase.objects.get().stage, Stage.ELIGIBILITY)
