"""The DTM API client against recorded responses (tests/fixtures): no internet needed."""

from __future__ import annotations

import json
from io import StringIO
from pathlib import Path

import httpx
from django.core.management import CommandError, call_command
from django.test import override_settings

from caminantes.dtm import iom_dtm_client
from caminantes.dtm.models import DtmApiFigure
from caminantes.dtm.tests.base import DtmTestCase

FIXTURES = Path(__file__).parent / "fixtures"


def recorded(seen: list[httpx.Request], fail: str | None = None) -> httpx.MockTransport:
    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        if fail == "key":
            return httpx.Response(401, json=json.loads((FIXTURES / "dtm_api_unauthorized.json")
                                                       .read_text()))  # fmt: skip
        if fail == "error":
            return httpx.Response(
                200, json=json.loads((FIXTURES / "dtm_api_error.json").read_text())
            )
        level = request.url.path.rsplit("admin", 1)[1]
        country = request.url.params["Admin0Pcode"]
        body = (FIXTURES / f"dtm_api_admin{level}_{country}.json").read_text(encoding="utf-8")
        return httpx.Response(
            200, content=body.encode(), headers={"content-type": "application/json"}
        )

    return httpx.MockTransport(handler)


@override_settings(DTM_API_KEY="test-key", DTM_API_URL="https://dtm-apim.iom.int/v3")
class DtmApiTest(DtmTestCase):
    def test_it_imports_the_three_admin_levels(self) -> None:
        seen: list[httpx.Request] = []
        stored = iom_dtm_client.import_figures(country="CO", transport=recorded(seen))
        self.assertEqual(stored, {0: 2, 1: 6, 2: 10})
        self.assertEqual(seen[0].headers["Ocp-Apim-Subscription-Key"], "test-key")
        self.assertEqual(str(seen[1].url.path), "/v3/displacement/admin1")
        row = DtmApiFigure.objects.get(admin_level=2, admin2_pcode="CO54001", round_number=12)
        self.assertEqual((row.admin1_name, row.country), ("Norte de Santander", self.co))
        self.assertEqual(str(row.reporting_date), "2024-12-31")

    def test_it_updates_rather_than_duplicates_on_a_second_import(self) -> None:
        iom_dtm_client.import_figures(country="COL", transport=recorded([]))
        iom_dtm_client.import_figures(country="COL", transport=recorded([]))
        self.assertEqual(DtmApiFigure.objects.count(), 18)

    def test_it_says_when_the_key_is_refused(self) -> None:
        with self.assertRaisesMessage(iom_dtm_client.DtmApiError, "subscription key"):
            iom_dtm_client.import_figures(country="CO", transport=recorded([], fail="key"))

    def test_it_reports_the_apis_own_error(self) -> None:
        with self.assertRaisesMessage(iom_dtm_client.DtmApiError, "not valid"):
            iom_dtm_client.import_figures(country="XX", transport=recorded([], fail="error"))

    @override_settings(DTM_API_KEY="")
    def test_it_needs_a_key_from_the_environment(self) -> None:
        with self.assertRaisesMessage(CommandError, "DTM_API_KEY"):
            call_command("dtm-api-import", "--country", "CO", stdout=StringIO())

    def test_the_command_imports_one_level(self) -> None:
        original = iom_dtm_client._client

        def client(transport: httpx.BaseTransport | None = None) -> httpx.Client:
            return original(recorded([]))

        iom_dtm_client._client = client
        try:
            out = StringIO()
            call_command("dtm-api-import", "--country", "CO", "--level", "1", stdout=out)
        finally:
            iom_dtm_client._client = original
        self.assertIn("Stored 6 rows", out.getvalue())
