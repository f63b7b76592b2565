from __future__ import annotations

import json
import uuid
from typing import Any

from caminantes.accounts.models import User
from caminantes.accounts.services import api_token_create
from caminantes.assistance.referrals.models import Referral
from caminantes.assistance.referrals.tests.base import ReferralTestCase

BASE = "/api/v1/assistance/referrals"


class ReferralApiTests(ReferralTestCase):
    def call(self, method: str, path: str, user: User, body: Any = None) -> Any:
        secret = api_token_create(user=user, name="t", scopes=["read", "write"]).secret
        return self.client.generic(
            method, BASE + path, json.dumps(body) if body is not None else "",
            content_type="application/json",
            headers={"Authorization": f"Bearer {secret}", "Accept-Language": "es"},
        )  # fmt: skip

    def body(self, **kw: Any) -> dict[str, Any]:
        return {"request_id": str(uuid.uuid4()), "service": str(self.psychosocial.uuid),
                "household": str(self.perez.uuid), "person": str(self.ana.uuid),
                "reason": "Ansiedad", **kw}  # fmt: skip

    def test_it_searches_the_directory(self) -> None:
        found = self.call("GET", "/services?country=CO&type=psychosocial", self.eve).json()
        self.assertEqual([s["name"] for s in found["items"]], ["Apoyo psicosocial FFS"])
        self.assertEqual(found["items"][0]["referral_fields"], ["name", "age", "phone"])
        text = self.call("GET", "/services?q=salud", self.charlie).json()
        self.assertEqual([s["name"] for s in text["items"]], ["Puesto de salud OIM"])
        none = self.call("GET", "/services?country=PE", self.charlie).json()
        self.assertEqual(none["items"], [])

    def test_it_creates_a_referral_once_per_request_id(self) -> None:
        body = self.body()
        first = self.call("POST", "/referrals", self.alice, body)
        self.assertEqual(first.status_code, 201, first.content)
        again = self.call("POST", "/referrals", self.alice, body)
        self.assertEqual(again.status_code, 200)
        self.assertTrue(again.json()["replayed"])
        self.assertEqual(again.json()["referral"]["uuid"], first.json()["referral"]["uuid"])
        changed = self.call("POST", "/referrals", self.alice, {**body, "urgent": True})
        self.assertEqual((changed.status_code, changed.json()["code"]), (409, "request_id_reused"))
        self.assertEqual(Referral.objects.count(), 1)

    def test_it_refuses_without_consent_with_409_and_a_message(self) -> None:
        answer = self.call("POST", "/referrals", self.alice, self.body(person=str(self.jorge.uuid)))
        self.assertEqual((answer.status_code, answer.json()["code"]), (409, "no_consent"))
        self.assertIn("Jorge Pérez", answer.json()["detail"])

    def test_it_answers_a_hidden_household_as_missing(self) -> None:
        answer = self.call("POST", "/referrals", self.charlie, self.body())
        self.assertEqual(answer.status_code, 404)

    def test_the_receiver_lists_its_inbox_and_moves_the_referral_on(self) -> None:
        made = self.call("POST", "/referrals", self.alice, self.body()).json()["referral"]
        inbox = self.call("GET", "/inbox", self.charlie).json()
        self.assertEqual([r["uuid"] for r in inbox["items"]], [made["uuid"]])
        self.assertEqual(self.call("GET", "/inbox", self.alice).json()["items"], [])
        sent = self.call("GET", "/sent", self.alice).json()
        self.assertEqual([r["uuid"] for r in sent["items"]], [made["uuid"]])
        detail = self.call("GET", f"/referrals/{made['uuid']}", self.charlie).json()
        self.assertIn({"label": "Nombre completo", "value": "Ana Pérez"}, detail["fields"])
        path = f"/referrals/{made['uuid']}/status"
        moved = self.call("POST", path, self.charlie, {"status": "accepted", "note": "Jueves"})
        self.assertEqual(moved.status_code, 200, moved.content)
        self.assertFalse(moved.json()["replayed"])
        again = self.call("POST", path, self.charlie, {"status": "accepted"})
        self.assertEqual((again.status_code, again.json()["replayed"]), (200, True))
        illegal = self.call("POST", path, self.charlie, {"status": "received"})
        self.assertEqual((illegal.status_code, illegal.json()["code"]), (409, "referral_status"))
        # The sender may close it, not act for the service.
        started = self.call("POST", path, self.alice, {"status": "in_progress"})
        self.assertEqual(started.status_code, 403)

    def test_a_stranger_gets_404_for_a_referral(self) -> None:
        made = self.call("POST", "/referrals", self.alice, self.body()).json()["referral"]
        for user in (self.pablo, self.eve):
            with self.subTest(user=user.email):
                self.assertEqual(
                    self.call("GET", f"/referrals/{made['uuid']}", user).status_code, 404
                )
