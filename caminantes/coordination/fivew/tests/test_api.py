from __future__ import annotations

import json
from typing import Any

from caminantes.accounts.models import User
from caminantes.accounts.services import api_token_create
from caminantes.coordination.fivew.engine import fields as F
from caminantes.coordination.fivew.models import Activity
from caminantes.coordination.fivew.tests.base import FivewTestCase, row

BASE = "/api/v1/coordination/5w"


class FivewApiTests(FivewTestCase):
    def call(self, method: str, path: str, user: User, body: Any = None) -> Any:
        secret = api_token_create(user=user, name="t", scopes=["read", "write"]).secret
        return self.client.generic(
            method,
            BASE + path,
            json.dumps(body, default=str) if body is not None else "",
            content_type="application/json",
            headers={"Authorization": f"Bearer {secret}", "Accept-Language": "es"},
        )

    def test_a_partner_sends_rows_submits_and_the_imo_validates(self) -> None:
        bad = self.call(
            "POST",
            "/rows",
            self.charlie,
            {"rows": [row(), row(**{F.CVA: "Sí", F.ACTIVITY_NAME: "Cash"})]},
        )
        self.assertEqual(bad.status_code, 422)
        self.assertEqual(list(bad.json()["errors"]), ["2"])
        self.assertFalse(Activity.objects.exists())
        ok = self.call(
            "POST",
            "/rows",
            self.charlie,
            {"rows": [row(**{F.RMRP_ACTIVITY: "Yes", F.NEW_BENEFICIARIES: "6"})]},
        )
        self.assertEqual(ok.status_code, 201, ok.content)
        report = ok.json()["reports"][0]
        self.assertEqual((report["month"], report["status"]), ("2026-03", "draft"))
        listed = self.call("GET", "/reports", self.charlie).json()["items"]
        self.assertEqual([r["uuid"] for r in listed], [report["uuid"]])
        self.assertEqual(self.call("GET", "/reports", self.carla).json()["items"], [])
        rows = self.call("GET", f"/reports/{report['uuid']}/rows", self.charlie).json()
        self.assertEqual(rows[0][F.ADMIN1], "Norte de Santander")
        self.assertEqual(
            self.call("GET", f"/reports/{report['uuid']}/rows", self.carla).status_code, 404
        )
        self.assertEqual(
            self.call("POST", f"/reports/{report['uuid']}/validate", self.charlie).status_code, 403
        )
        self.assertEqual(
            self.call("POST", f"/reports/{report['uuid']}/submit", self.charlie).status_code, 200
        )
        self.assertEqual(
            self.call("POST", f"/reports/{report['uuid']}/return", self.ines, {}).status_code, 422
        )
        done = self.call("POST", f"/reports/{report['uuid']}/validate", self.ines)
        self.assertEqual(done.json()["status"], "validated")
        figures = self.call("GET", "/figures?start=2026-01&end=2026-06", self.charlie).json()
        self.assertEqual(figures["totals"]["people_reached"], 6)
        self.assertEqual(figures["max_sector"]["people_reached"], 6)

    def test_wrong_figures_filters_are_422(self) -> None:
        for query in ("start=2026-05&end=2026-01", "end=2099-01", "start=mayo", "country=ZZZ"):
            r = self.call("GET", f"/figures?{query}", self.charlie)
            self.assertEqual(r.status_code, 422, query)
        self.assertEqual(self.call("GET", "/figures", self.alice).status_code, 403)
        r = self.call("POST", "/rows", self.alice, {"rows": [row()]})
        self.assertIn(r.status_code, (403, 422))
        self.assertEqual(self.call("POST", "/rows", self.charlie, {"rows": "x"}).status_code, 422)
