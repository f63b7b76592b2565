from __future__ import annotations

import json
import uuid
from typing import Any

from caminantes.accounts.models import User
from caminantes.accounts.services import api_token_create
from caminantes.assistance.models import StockBalance, StockMovement
from caminantes.assistance.tests.base import StockTestCase

BASE = "/api/v1/assistance"


class AssistanceApiTests(StockTestCase):
    def call(self, method: str, path: str, user: User, body: Any = None) -> Any:
        secret = api_token_create(user=user, name="t", scopes=["read", "write"]).secret
        return self.client.generic(
            method, BASE + path, json.dumps(body) if body is not None else "",
            content_type="application/json",
            headers={"Authorization": f"Bearer {secret}", "Accept-Language": "es"},
        )  # fmt: skip

    def test_it_answers_a_resent_write_with_200_and_a_reused_id_with_409(self) -> None:
        path = f"/warehouses/{self.cucuta.uuid}/receipts"
        body = {"request_id": str(uuid.uuid4()), "item": "blanket", "quantity": 7, "lot": "B"}
        first = self.call("POST", path, self.dora, body)
        self.assertEqual(first.status_code, 201, first.content)
        again = self.call("POST", path, self.dora, body)
        self.assertEqual(again.status_code, 200)
        self.assertTrue(again.json()["replayed"])
        self.assertEqual(again.json()["movements"], first.json()["movements"])
        changed = self.call("POST", path, self.dora, {**body, "quantity": 8})
        self.assertEqual(changed.status_code, 409)
        self.assertEqual(changed.json()["code"], "request_id_reused")
        self.assertEqual(StockBalance.objects.get(warehouse=self.cucuta).quantity, 7)

    def test_it_refuses_the_eleventh_kit_with_409_and_a_code(self) -> None:
        self.stock_hygiene_kits(10)
        path = f"/warehouses/{self.cucuta.uuid}/issues"
        kits = {"kit": "hygiene-kit", "count": 10}
        ok = self.call("POST", path, self.dora, {"request_id": str(uuid.uuid4()), **kits})
        self.assertEqual(ok.status_code, 201, ok.content)
        one = {"kit": "hygiene-kit", "count": 1}
        refused = self.call("POST", path, self.dora, {"request_id": str(uuid.uuid4()), **one})
        self.assertEqual(refused.status_code, 409)
        self.assertEqual(refused.json()["code"], "out_of_stock")
        self.assertIn("No hay suficiente", refused.json()["detail"])

    def test_it_answers_a_partner_with_404_as_for_a_missing_warehouse(self) -> None:
        self.receive(self.blanket, 3)
        body = {"request_id": str(uuid.uuid4()), "lines": [{"item": "blanket", "quantity": 1}]}
        for warehouse in (self.cucuta.uuid, uuid.uuid4()):
            path = f"/warehouses/{warehouse}/issues"
            self.assertEqual(self.call("POST", path, self.fede, body).status_code, 404)
            self.assertEqual(self.call("GET", f"/warehouses/{warehouse}", self.fede).status_code,
                             404)  # fmt: skip
        listed = self.call("GET", "/warehouses", self.fede).json()
        self.assertEqual(listed["items"], [])
        self.assertEqual(StockMovement.objects.filter(kind="issue").count(), 0)

    def test_it_sends_receives_and_reconciles_a_transfer(self) -> None:
        self.receive(self.blanket, 10)
        sent = self.call("POST", f"/warehouses/{self.cucuta.uuid}/transfers", self.dora, {
            "request_id": str(uuid.uuid4()), "destination": str(self.bogota.uuid),
            "item": "blanket", "quantity": 4,
        })  # fmt: skip
        self.assertEqual(sent.status_code, 201, sent.content)
        transfer = sent.json()["transfer"]
        got = self.call("POST", f"/transfers/{transfer}/receive", self.dora)
        self.assertEqual(got.status_code, 200, got.content)
        twice = self.call("POST", f"/transfers/{transfer}/receive", self.dora)
        self.assertEqual(twice.json()["code"], "already_received")
        lots = self.call("GET", f"/warehouses/{self.bogota.uuid}", self.dora).json()["lots"]
        self.assertEqual([(x["item"], x["quantity"]) for x in lots], [("blanket", 4)])
        gaps = self.call("GET", f"/warehouses/{self.cucuta.uuid}/reconciliation", self.dora)
        self.assertEqual(gaps.json(), [])
