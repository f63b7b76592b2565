from __future__ import annotations

import csv
import io
import random
from collections import Counter
from datetime import date, timedelta
from typing import Any

import hxl
from django.urls import reverse
from openpyxl import load_workbook

from caminantes.audit.models import AuditEvent
from caminantes.dtm.exports.microdata import QUASI
from caminantes.dtm.hxl import FLOW_AGGREGATES_SCHEMA
from caminantes.dtm.intake import submit_survey
from caminantes.dtm.models import SurveySubmission
from caminantes.dtm.tests.outputs_world import OutputsTestCase, survey

QUERY = "?start=2025-03-01&end=2025-03-31"
FREE_TEXT_MARKERS = ("free text that must never leave", "Texto libre", "HYPERLINK")


def csv_of(response: Any) -> list[list[str]]:
    body = b"".join(response.streaming_content).decode("utf-8-sig")
    return list(csv.reader(io.StringIO(body)))


def hxl_errors(rows: list[list[str]]) -> list[str]:
    errors: list[str] = []
    schema = hxl.schema(
        hxl.data(str(FLOW_AGGREGATES_SCHEMA), hxl.InputOptions(allow_local=True)),
        callback=lambda e: errors.append(f"{e.message} {e.value}"),
    )
    valid = schema.validate(hxl.data(rows))
    return errors if not valid else []


class AggregateExportTest(OutputsTestCase):
    def test_it_exports_hxl_that_validates_against_the_shipped_schema(self) -> None:
        self.login(self.andres)
        url = reverse("dtm_export_flows", args=[self.operation.uuid])
        rows = csv_of(self.client.get(url + QUERY + "&file_format=hxl"))
        self.assertEqual(rows[1][0], "#country+code")
        self.assertEqual(hxl_errors(rows), [])
        self.assertEqual(rows[1][8], "#x_flow_type")
        data = {(r[3], r[7], r[8]): r for r in rows[2:]}
        # Simón Bolívar, March: 10 staying (incoming); in transit 4 out + 8 + 10 in = 22.
        # Paraguachón: 6 in transit. Peru is not his.
        self.assertEqual(
            set(data),
            {("simon-bolivar", "2025-03", "stay"), ("simon-bolivar", "2025-03", "transit"),
             ("paraguachon", "2025-03", "transit")},
        )  # fmt: skip
        self.assertEqual(data[("simon-bolivar", "2025-03", "stay")][9:12], ["10", "10", "0"])
        self.assertEqual(data[("simon-bolivar", "2025-03", "transit")][9:12], ["22", "18", "4"])
        self.assertEqual(data[("paraguachon", "2025-03", "transit")][14], "2")  # children
        event = AuditEvent.objects.filter(action="export", object_type="dtm.flowdaily").get()
        self.assertEqual(event.context["rows"], 3)

    def test_the_schema_refuses_a_flow_type_it_does_not_know(self) -> None:
        self.login(self.andres)
        url = reverse("dtm_export_flows", args=[self.operation.uuid])
        rows = csv_of(self.client.get(url + QUERY + "&file_format=hxl"))
        rows[2][8] = "commuter"
        self.assertTrue(hxl_errors(rows))

    def test_it_exports_one_flow_type_when_filtered(self) -> None:
        self.login(self.andres)
        url = reverse("dtm_export_flows", args=[self.operation.uuid])
        rows = csv_of(self.client.get(url + QUERY + "&file_format=csv&flow_type=stay"))
        self.assertEqual([(r[3], r[8], r[9]) for r in rows[1:]], [("simon-bolivar", "stay", "10")])

    def test_the_schema_catches_a_broken_file(self) -> None:
        rows = [
            ["Country", "Point code", "Month", "Individuals"],
            ["#country+code", "#loc+code", "#date+month", "#affected+total"],
            ["Colombia", "simon-bolivar", "March", "-3"],
        ]
        self.assertTrue(hxl_errors(rows))

    def test_it_exports_csv_and_xlsx(self) -> None:
        self.login(self.andres)
        url = reverse("dtm_export_flows", args=[self.operation.uuid])
        rows = csv_of(self.client.get(url + QUERY + "&file_format=csv"))
        self.assertEqual(len(rows), 4)
        response: Any = self.client.get(url + QUERY + "&file_format=xlsx")
        book = load_workbook(io.BytesIO(b"".join(response.streaming_content)))
        self.assertEqual(book["flows"].max_row, 5)  # header, hashtags, three rows
        self.assertIn("notes", book.sheetnames)

    def test_it_refuses_an_enumerator(self) -> None:
        self.login(self.eve)
        url = reverse("dtm_export_flows", args=[self.operation.uuid])
        self.assertEqual(self.client.get(url + QUERY).status_code, 403)


class MicrodataExportTest(OutputsTestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        rng = random.Random(5)
        for _i in range(60):
            day = date(2025, 3, 1) + timedelta(days=rng.randint(0, 27))
            data = survey(
                rng.choice([cls.point.code, cls.point_b.code]), day.isoformat(),
                rng.choice(["female", "male"]), age=rng.randint(18, 70),
                nationality=rng.choice(["VE"] * 8 + ["CO", "EC"]),
                reasons_leaving=["economic"], needs=[rng.choice(["food", "health"])],
            )  # fmt: skip
            submit_survey(data, user=cls.eve, operation=cls.operation)

    def _download(self, file_format: str) -> Any:
        self.login(self.andres, sudo=True)
        url = reverse("dtm_export_microdata", args=[self.operation.uuid])
        return self.client.get(url + QUERY + f"&file_format={file_format}")

    def test_it_reaches_k_5_and_drops_free_text(self) -> None:
        response = self._download("csv")
        self.assertEqual(response.status_code, 200)
        k = int(response["X-Caminantes-K-Anonymity"])
        self.assertGreaterEqual(k, 5)
        rows = csv_of(response)
        header, data = rows[0], rows[1:]
        self.assertTrue(data)
        for column in SurveySubmission.FREE_TEXT:
            self.assertNotIn(column, header)
        body = "\n".join(",".join(r) for r in rows)
        for marker in FREE_TEXT_MARKERS:
            self.assertNotIn(marker, body)
        positions = [header.index(c) for c in QUASI]
        combos = Counter(tuple(r[i] for i in positions) for r in data)
        self.assertGreaterEqual(min(combos.values()), 5)
        self.assertEqual(min(combos.values()), k)
        self.assertNotIn("30", {r[header.index("age")] for r in data})  # ages are bands

    def test_the_xlsx_states_the_k_it_reached(self) -> None:
        response = self._download("xlsx")
        book = load_workbook(io.BytesIO(b"".join(response.streaming_content)))
        notes = {row[0]: row[1] for row in book["notes"].iter_rows(values_only=True)}
        k = int(response["X-Caminantes-K-Anonymity"])
        self.assertIn(f"k = {k}", next(v for v in notes.values() if "k =" in str(v)))
        event = AuditEvent.objects.filter(action="export", object_type="dtm.surveysubmission")
        self.assertEqual(event.get().context["k"], k)

    def test_it_is_only_for_microdata_analysts(self) -> None:
        self.login(self.carla, sudo=True)  # country manager: analyses, no microdata
        url = reverse("dtm_export_microdata", args=[self.operation.uuid])
        self.assertEqual(self.client.get(url + QUERY).status_code, 403)
