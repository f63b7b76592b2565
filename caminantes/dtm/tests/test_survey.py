from __future__ import annotations

import csv
import io
import uuid
from pathlib import Path
from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import Count
from pyxform import xls2xform

from caminantes.dtm.imports import import_commit, import_create
from caminantes.dtm.intake import submit_survey
from caminantes.dtm.models import DtmImport, SurveyChoice, SurveySubmission
from caminantes.dtm.tests.base import DtmTestCase
from caminantes.dtm.xlsforms import build_xlsform


def answers(**overrides: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "uuid": str(uuid.uuid4()), "point": "simon-bolivar", "date": "2025-03-10",
        "consent": "yes", "nationality": "VEN", "sex": "female", "age": "34",
        "marital_status": "single", "origin_country": "VE", "group_size": "3",
        "children_in_group": "1", "reasons_leaving": "economic food", "needs": "food health",
        "documents": "national_id", "incidents": "theft extortion",
        "transit_countries": "CO EC", "destination_country": "PE", "main_transport": "bus",
        "comments": "Tenía prisa",
    }  # fmt: skip
    data.update(overrides)
    return data


class XlsFormTest(DtmTestCase):
    def test_it_ships_an_xlsform_that_pyxform_converts(self) -> None:
        warnings: list[str] = []
        result = xls2xform.convert(build_xlsform.OUT, warnings=warnings)
        self.assertIn("reasons_leaving", result.xform)
        self.assertIn("Razones para salir", result.xform)
        self.assertIn("Motivos para sair", result.xform)
        self.assertIn("Reasons for leaving", result.xform)
        self.assertEqual(warnings, [])

    def test_it_regenerates_the_same_questions(self) -> None:
        import openpyxl

        path = Path(self.id().replace(".", "_") + ".xlsx")
        try:
            build_xlsform.build(path)
            names = [r[1] for r in openpyxl.load_workbook(path)["survey"].iter_rows(
                min_row=2, values_only=True)]  # fmt: skip
        finally:
            path.unlink(missing_ok=True)
        shipped = [r[1] for r in openpyxl.load_workbook(build_xlsform.OUT)["survey"].iter_rows(
            min_row=2, values_only=True)]  # fmt: skip
        self.assertEqual(names, shipped)

    def test_it_offers_the_form_for_download(self) -> None:
        self.login(self.eve)
        from django.urls import reverse

        response = self.client.get(reverse("dtm_survey_form"))
        self.assertEqual(response.status_code, 200)
        self.assertEqual(b"".join(response.streaming_content)[:2], b"PK")  # type: ignore[attr-defined]


class SurveyIntakeTest(DtmTestCase):
    def test_it_stores_multi_select_answers_as_rows(self) -> None:
        sub = submit_survey(answers(), user=self.eve).obj
        self.assertEqual(sub.nationality, "VE")
        needs = set(sub.choices.filter(question="needs").values_list("option", flat=True))
        self.assertEqual(needs, {"food", "health"})
        transit = list(sub.choices.filter(question="transit_countries")
                       .order_by("position").values_list("option", flat=True))  # fmt: skip
        self.assertEqual(transit, ["CO", "EC"])
        submit_survey(answers(needs="food"), user=self.eve)
        counts = dict(SurveyChoice.objects.filter(question="needs").values("option")
                      .annotate(n=Count("id")).values_list("option", "n"))  # fmt: skip
        self.assertEqual(counts, {"food": 2, "health": 1})

    def test_it_refuses_children_and_interviews_without_consent(self) -> None:
        with self.assertRaises(ValidationError) as cm:
            submit_survey(answers(age="16", consent="no"), user=self.eve)
        self.assertIn("age", cm.exception.message_dict)
        self.assertIn("consent", cm.exception.message_dict)

    def test_it_refuses_none_with_other_documents(self) -> None:
        with self.assertRaises(ValidationError) as cm:
            submit_survey(answers(documents="none passport"), user=self.eve)
        self.assertIn("documents", cm.exception.message_dict)

    def test_it_ignores_a_resent_survey(self) -> None:
        data = answers()
        submit_survey(data, user=self.eve)
        self.assertFalse(submit_survey(dict(data), user=self.eve).created)
        self.assertEqual(SurveySubmission.objects.count(), 1)


def kobo_csv(rows: list[dict[str, Any]]) -> bytes:
    """A KoboToolbox flat export: group/field headers, option columns, Kobo's own columns."""
    header = ["start", "end", "point", "date", "consent", "profile/nationality", "profile/sex",
              "profile/age", "travel_group/group_size", "travel_group/children_in_group",
              "needs_protection/needs", "needs_protection/needs/food",
              "needs_protection/needs/health", "route/transit_countries",
              "needs_protection/comments", "meta/instanceID", "_id", "_uuid",
              "_submission_time", "_index"]  # fmt: skip
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";")
    writer.writerow(header)
    for i, r in enumerate(rows, start=1):
        needs = r.get("needs", "food")
        writer.writerow([
            "2025-03-10T08:00:00.000-05:00", "2025-03-10T08:20:00.000-05:00", "simon-bolivar",
            r.get("date", "2025-03-10"), "yes", r.get("nationality", "VE"), "male",
            r.get("age", 40), 2, 0, needs, int("food" in needs), int("health" in needs),
            "CO", "", f"uuid:{r['uuid']}", i, r["uuid"], "2025-03-10T14:00:00", i,
        ])  # fmt: skip
    return out.getvalue().encode()


class SurveyImportTest(DtmTestCase):
    def upload(self, content: bytes, name: str = "kobo.csv") -> DtmImport:
        return import_create(user=self.eve, operation=self.operation, country=self.co,
                             kind="survey", file_name=name, chunks=[content])  # fmt: skip

    def test_it_imports_a_kobo_export(self) -> None:
        rows = [{"uuid": str(uuid.uuid4())}, {"uuid": str(uuid.uuid4()), "needs": "food health"}]
        batch = self.upload(kobo_csv(rows))
        self.assertEqual(batch.status, "validated", batch.file_errors)
        self.assertIn("_id", batch.columns_ignored)
        import_commit(user=self.eve, batch=batch)
        self.assertEqual(SurveySubmission.objects.count(), 2)
        self.assertEqual(SurveyChoice.objects.filter(question="needs", option="food").count(), 2)

    def test_it_lists_row_errors_and_imports_nothing(self) -> None:
        rows: list[dict[str, Any]] = [{"uuid": str(uuid.uuid4())},
                                      {"uuid": str(uuid.uuid4()), "age": 15}]  # fmt: skip
        batch = self.upload(kobo_csv(rows))
        self.assertEqual(batch.status, "rejected")
        self.assertEqual(batch.error_rows, 1)
        error = batch.rows.get(row_number=3).errors[0]
        self.assertEqual(error["column"], "age")
        with self.assertRaises(ValidationError):
            import_commit(user=self.eve, batch=batch)
        self.assertEqual(SurveySubmission.objects.count(), 0)
