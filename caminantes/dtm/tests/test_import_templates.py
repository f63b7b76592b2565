"""Import templates: every kind, in three languages, that the import itself reads back."""

from __future__ import annotations

import io

from django.urls import reverse
from openpyxl import load_workbook

from caminantes.dtm.imports import import_create
from caminantes.dtm.models import DtmImport
from caminantes.dtm.tests.base import DtmTestCase


class ImportTemplateTest(DtmTestCase):
    def fetch(self, kind: str, file_format: str, query: str = "") -> bytes:
        self.login(self.eve)
        url = reverse("dtm_import_template", args=[kind, file_format]) + query
        response = self.client.get(url)
        self.assertEqual(response.status_code, 200, url)
        return response.content

    def test_every_kind_has_an_xlsx_with_columns_codes_and_points_in_three_languages(self) -> None:
        for kind in DtmImport.Kind.values:
            for lang, data, codes in (("es", "datos", "códigos"), ("pt", "dados", "códigos"),
                                      ("en", "data", "codes")):  # fmt: skip
                book = load_workbook(io.BytesIO(self.fetch(kind, "xlsx", f"?lang={lang}")))
                self.assertEqual(book.sheetnames[:2], [data, codes], (kind, lang))
                explained = list(book[codes].iter_rows(values_only=True))
                self.assertGreater(len(explained), 3)
        book = load_workbook(io.BytesIO(self.fetch("flow_counts", "xlsx", "?lang=es")))
        header = next(book["datos"].iter_rows(values_only=True))
        self.assertIn("Punto de monitoreo", header)
        meaning = {row[1]: row[4] for row in book["códigos"].iter_rows(values_only=True)}
        self.assertIn("incoming = Entrada", str(meaning["direction"]))
        self.assertIn("ISO 3166-1", str(meaning["nationality_…"]))
        points = list(book["puntos"].iter_rows(values_only=True))
        self.assertIn("simon-bolivar", [p[0] for p in points])
        self.assertNotIn("ffs-point", [p[0] for p in points])  # another organisation's

    def test_the_flow_count_templates_import_as_they_are(self) -> None:
        for lang in ("es", "pt", "en"):
            for file_format in ("csv", "xlsx"):
                content = self.fetch("flow_counts", file_format, f"?lang={lang}")
                DtmImport.objects.all().delete()
                batch = import_create(user=self.eve, operation=self.operation, country=self.co,
                                      kind="flow_counts", file_name=f"t.{file_format}",
                                      chunks=[content])  # fmt: skip
                self.assertEqual(batch.status, "validated", (lang, file_format, batch.file_errors,
                                 list(batch.rows.values_list("errors", flat=True))))  # fmt: skip

    def test_the_codes_come_as_a_csv_too(self) -> None:
        text = self.fetch("survey", "csv", "?part=codes&lang=en").decode("utf-8-sig")
        self.assertIn("sexual_violence = Sexual violence", text)

    def test_an_unknown_kind_is_not_found_and_others_are_refused(self) -> None:
        self.login(self.eve)
        self.assertEqual(self.client.get(
            reverse("dtm_import_template", args=["nope", "xlsx"])).status_code, 404)  # fmt: skip
        self.login(self.alice)
        self.assertEqual(self.client.get(
            reverse("dtm_import_template", args=["survey", "xlsx"])).status_code, 403)  # fmt: skip
