from __future__ import annotations

import json
import uuid
from typing import Any

from caminantes.accounts.models import User
from caminantes.accounts.services import api_token_create
from caminantes.assistance.models import Handover
from caminantes.assistance.tests.base_distribution import DistributionTestCase

BASE = "/api/v1/assistance/distribution"


class DistributionApiTests(DistributionTestCase):
    def call(self, method: str, path: str, user: User, body: Any = None) -> Any:
        secret = api_token_create(user=user, name="t", scopes=["read", "write"]).secret
        return self.client.generic(
            method, BASE + path, json.dumps(body) if body is not None else "",
            content_type="application/json",
            headers={"Authorization": f"Bearer {secret}", "Accept-Language": "es"},
        )  # fmt: skip

    def body(self, **kwargs: Any) -> dict[str, Any]:
        assert self.small.focal_point is not None
        return {"request_id": str(uuid.uuid4()), "household": str(self.small.uuid),
                "collected_by": str(self.small.focal_point.uuid), **kwargs}  # fmt: skip

    def test_plans_and_the_distribution_list(self) -> None:
        listed = self.call("GET", "/plans", self.dora).json()
        self.assertEqual([p["name"] for p in listed["items"]], ["Higiene Cúcuta"])
        detail = self.call("GET", f"/plans/{self.plan.uuid}", self.dora).json()
        self.assertEqual(detail["bands"][1], {"min_size": 5, "max_size": None, "quantity": 2})
        page = self.call("GET", f"/plans/{self.plan.uuid}/list", self.dora).json()
        self.assertEqual(page["count"], 2)
        by = {row["household"]: row for row in page["items"]}
        self.assertEqual(by[str(self.large.uuid)]["quantity"], 2)
        self.assertEqual(by[str(self.small.uuid)]["standing"], "entitled")
        self.assertEqual(len(by[str(self.small.uuid)]["members"]), 2)

    def test_a_handover_resent_is_200_and_a_reused_id_409(self) -> None:
        self.stock_hygiene_kits(3)
        path = f"/plans/{self.plan.uuid}/handovers"
        body = self.body()
        first = self.call("POST", path, self.dora, body)
        self.assertEqual(first.status_code, 201, first.content)
        again = self.call("POST", path, self.dora, body)
        self.assertEqual(again.status_code, 200)
        self.assertTrue(again.json()["replayed"])
        other = self.call("POST", path, self.dora, {**body, "household": str(self.large.uuid),
                                                    "collected_by": None, "proxy_name": "X",
                                                    "proxy_consent": True})  # fmt: skip
        self.assertEqual(other.json()["code"], "request_id_reused")
        inside = self.call("POST", path, self.dora, self.body())
        self.assertEqual(inside.status_code, 409)
        self.assertEqual(inside.json()["code"], "inside_interval")
        self.assertIn("ya recibió", inside.json()["detail"])
        self.assertEqual(Handover.objects.count(), 1)
        looked = self.call("GET", f"/plans/{self.plan.uuid}/households/{self.small.uuid}",
                           self.dora).json()  # fmt: skip
        self.assertEqual(looked["standing"], "served_today")

    def test_refusals_and_wrong_input(self) -> None:
        path = f"/plans/{self.plan.uuid}/handovers"
        no_stock = self.call("POST", path, self.dora, self.body())
        self.assertEqual(no_stock.json()["code"], "out_of_stock")
        proxy = self.call("POST", path, self.dora,
                          self.body(collected_by=None, proxy_name="Vecina"))  # fmt: skip
        self.assertEqual(proxy.json()["code"], "proxy_without_consent")
        nobody = self.call("POST", path, self.dora, self.body(collected_by=None))
        self.assertEqual(nobody.status_code, 422)
        garbage = self.call("POST", path, self.dora, {"request_id": "nope"})
        self.assertEqual(garbage.status_code, 422)

    def test_another_organisation_sees_nothing_and_a_registrar_may_not_hand_out(self) -> None:
        for plan in (self.plan.uuid, uuid.uuid4()):
            self.assertEqual(self.call("GET", f"/plans/{plan}", self.fede).status_code, 404)
            posted = self.call("POST", f"/plans/{plan}/handovers", self.fede, self.body())
            self.assertEqual(posted.status_code, 404)
        self.assertEqual(self.call("GET", "/plans", self.fede).json()["items"], [])
        foreign = self.call("GET", f"/plans/{self.plan.uuid}/households/{self.foreign.uuid}",
                            self.dora)  # fmt: skip
        self.assertEqual(foreign.status_code, 404)
        self.assertEqual(self.call("GET", f"/plans/{self.plan.uuid}", self.alice).status_code,
                         404)  # fmt: skip
