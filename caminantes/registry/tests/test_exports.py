from __future__ import annotations

import csv
import io
from typing import Any

from django.core.exceptions import PermissionDenied
from django.urls import reverse
from openpyxl import load_workbook

from caminantes.audit.models import AuditEvent
from caminantes.registry import exports, rights
from caminantes.registry.inputs import DocumentInput
from caminantes.registry.models import Household
from caminantes.registry.tests.base import RegistryTestCase, focal


class ExportTest(RegistryTestCase):
    formulas: Household

    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        cls.formulas = cls.register(
            cls.alice,
            [
                focal(
                    given_names='=HYPERLINK("http://evil.example","x")',
                    first_surname="+Rojas",
                    second_surname="@SUM(A1)",
                    birth_date=None,
                    documents=[DocumentInput(type="passport", number="-AB123")],
                )
            ],
        )
        Household.objects.filter(pk=cls.formulas.pk).update(
            address="\tcmd", population_type="in_transit"
        )

    def _csv(self, **params: Any) -> list[list[str]]:
        query = {"kind": "people", "file_format": "csv"} | params
        response = self.client.get(reverse("registry_export_download"), query)
        self.assertEqual(response.status_code, 200)
        text = b"".join(response.streaming_content).decode("utf-8-sig")  # type: ignore[attr-defined]
        return list(csv.reader(io.StringIO(text)))

    def test_it_exports_people_the_user_may_export_with_their_numbers(self) -> None:
        self.login(self.carla)
        rows = self._csv()
        self.assertEqual(len(rows), 1 + 3)  # header, María José, Luis, the formula family
        by_name = {r[4]: r for r in rows[1:]}
        maria = by_name["María José"]
        self.assertIn("V-12.345.678", " ".join(maria))
        self.assertIn("'+573001234567", maria)  # E.164 starts with +: neutralised too
        self.assertNotIn("Yusmary", {r[4] for r in rows})  # another organisation's family

    def test_it_neutralises_formula_cells_in_csv(self) -> None:
        self.login(self.carla)
        rows = self._csv(population_type="in_transit")
        self.assertEqual(len(rows), 2)
        row = rows[1]
        self.assertEqual(row[4], '\'=HYPERLINK("http://evil.example","x")')
        self.assertEqual(row[5], "'+Rojas")
        self.assertEqual(row[6], "'@SUM(A1)")
        households = self._csv(kind="households", population_type="in_transit")
        self.assertEqual(households[1][12], "'\tcmd")

    def test_it_neutralises_formula_cells_in_xlsx(self) -> None:
        self.login(self.carla)
        response = self.client.get(
            reverse("registry_export_download"), {"kind": "people", "file_format": "xlsx"}
        )
        self.assertEqual(response.status_code, 200)
        content = b"".join(response.streaming_content)  # type: ignore[attr-defined]
        sheet = load_workbook(io.BytesIO(content)).active
        assert sheet is not None
        cells = [c for row in sheet.iter_rows() for c in row]
        self.assertFalse([c.coordinate for c in cells if c.data_type == "f"])
        formula = next(c for c in cells if c.value == '=HYPERLINK("http://evil.example","x")')
        self.assertEqual(formula.data_type, "s")  # text, shown as typed, no apostrophe
        self.assertTrue(formula.quotePrefix)  # and text again if someone edits it
        values = {c.value for c in cells}
        self.assertIn("María José", values)
        self.assertEqual(sheet.max_row, 4)

    def test_it_audits_each_export_with_its_row_count_and_filters(self) -> None:
        self.login(self.carla)
        self._csv(kind="households", country="CO", population_type="in_destination")
        event = AuditEvent.objects.filter(action="export").latest("id")
        self.assertEqual(event.object_type, "registry.household")
        self.assertEqual(event.context["rows"], 1)
        self.assertEqual(event.context["country"], "CO")
        self.assertEqual(event.context["population_type"], "in_destination")

    def test_it_filters_by_area_and_dates(self) -> None:
        self.login(self.carla)
        self.assertEqual(len(self._csv(area="CO-NSA")), 4)
        self.assertEqual(len(self._csv(registered_from="2999-01-01")), 1)

    def test_it_leaves_erased_people_out(self) -> None:
        rights.person_erase(user=self.carla, person=self.focal_person())
        self.login(self.carla)
        names = [r[4] for r in self._csv()[1:]]
        self.assertNotIn("María José", names)
        self.assertNotIn("", names)

    def test_it_refuses_those_without_the_export_permission(self) -> None:
        for user in (self.alice, self.charlie, self.admin):
            self.login(user)
            with self.subTest(user=user.email):
                response = self.client.get(
                    reverse("registry_export_download"), {"kind": "people", "file_format": "csv"}
                )
                self.assertEqual(response.status_code, 403)
                self.assertEqual(self.client.get(reverse("registry_exports")).status_code, 403)
        with self.assertRaises(PermissionDenied):
            exports.registry_export(
                user=self.alice, kind="people", file_format="csv", filters=exports.ExportFilters()
            )
        self.assertFalse(AuditEvent.objects.filter(action="export").exists())

    def test_it_shows_the_filter_page_with_the_users_countries(self) -> None:
        self.login(self.carla)
        response = self.client.get(reverse("registry_exports"))
        self.assertContains(response, 'value="CO"')
        self.assertNotContains(response, 'value="PE"')
        bad = self.client.get(
            reverse("registry_export_download"), {"kind": "people", "file_format": "pdf"}
        )
        self.assertEqual(bad.status_code, 400)
