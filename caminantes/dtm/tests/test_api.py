"""The DTM API: points and rounds, tally sheets sent by a partner's system, aggregates."""

from __future__ import annotations

import json
from typing import Any

from caminantes.accounts.models import User
from caminantes.accounts.services import api_token_create
from caminantes.dtm.models import FlowCount
from caminantes.dtm.tests.base import DtmTestCase, sheet

BASE = "/api/v1/dtm"


class DtmApiTest(DtmTestCase):
    def call(self, method: str, path: str, user: User, body: Any = None,
             scopes: tuple[str, ...] = ("read", "write")) -> Any:  # fmt: skip
        secret = api_token_create(user=user, name="t", scopes=list(scopes)).secret
        return self.client.generic(
            method, BASE + path, json.dumps(body) if body is not None else "",
            content_type="application/json",
            headers={"Authorization": f"Bearer {secret}", "Accept-Language": "en"},
        )  # fmt: skip

    def test_an_enumerator_sends_a_sheet_once_whatever_the_retries(self) -> None:
        body = sheet(point="simon-bolivar")
        first = self.call("POST", "/flow-counts", self.eve, body)
        self.assertEqual(first.status_code, 201, first.content)
        again = self.call("POST", "/flow-counts", self.eve, body)
        self.assertEqual((again.status_code, again.json()["created"]), (200, False))
        changed = self.call("POST", "/flow-counts", self.eve, {**body, "groups": 4})
        self.assertEqual(changed.status_code, 409)
        self.assertEqual(FlowCount.objects.count(), 1)
        self.assertEqual(FlowCount.objects.get().source, "api")

    def test_a_wrong_sheet_is_422_by_field_and_a_read_only_token_403(self) -> None:
        wrong = self.call("POST", "/flow-counts", self.eve,
                          sheet(point="simon-bolivar", shift_end="05:00"))  # fmt: skip
        self.assertEqual(wrong.status_code, 422)
        self.assertIn("shift_end", wrong.json()["errors"])
        self.assertEqual(self.call("POST", "/flow-counts", self.eve, [1, 2]).status_code, 422)
        no_id = self.call("POST", "/flow-counts", self.eve, sheet(point="simon-bolivar", uuid=""))
        self.assertIn("uuid", no_id.json()["errors"])
        reader = self.call("POST", "/flow-counts", self.eve, sheet(point="simon-bolivar"),
                           scopes=("read",))  # fmt: skip
        self.assertEqual(reader.status_code, 403)

    def test_another_organisation_cannot_send_to_or_read_our_points(self) -> None:
        other = self.call("POST", "/flow-counts", self.charlie, sheet(point="simon-bolivar"))
        self.assertIn(other.status_code, (403, 422))
        self.assertEqual(FlowCount.objects.count(), 0)
        points = self.call("GET", f"/operations/{self.operation.uuid}/points", self.charlie)
        self.assertEqual(points.status_code, 404)

    def test_points_rounds_sheets_and_aggregates_for_an_analyst(self) -> None:
        for _i in range(2):
            self.call("POST", "/flow-counts", self.eve, sheet(point="simon-bolivar"))
        points = self.call("GET", f"/operations/{self.operation.uuid}/points", self.andres)
        self.assertEqual(points.json()["items"][0]["code"], "simon-bolivar")
        self.assertEqual(points.json()["items"][0]["country_iso3"], "COL")
        rounds = self.call("GET", f"/operations/{self.operation.uuid}/rounds", self.andres)
        self.assertEqual([r["number"] for r in rounds.json()], [1])
        sheets = self.call("GET", f"/flow-counts?operation={self.operation.uuid}", self.andres)
        self.assertEqual(sheets.json()["count"], 2)
        self.assertEqual(sheets.json()["items"][0]["breakdowns"]["nationality"]["VE"], 8)
        query = (f"?operation={self.operation.uuid}&start=2025-01-01&end=2025-12-31"
                 "&period=month&by=period,direction")  # fmt: skip
        rows = self.call("GET", "/aggregates" + query, self.andres).json()
        self.assertEqual(sum(r["individuals"] for r in rows), 20)
        self.assertEqual(rows[0]["period"][:7], sheet()["date"][:7])
        self.assertEqual(self.call("GET", "/aggregates" + query, self.eve).status_code, 403)
        backwards = query.replace("start=2025-01-01&end=2025-12-31",
                                  "start=2025-12-31&end=2025-01-01")  # fmt: skip
        self.assertEqual(self.call("GET", "/aggregates" + backwards, self.andres).status_code, 422)
