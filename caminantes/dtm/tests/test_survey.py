from __future__ import annotations

import csv
import io
import uuid
from pathlib import Path
from typing import Any

import openpyxl
from django.core.exceptions import ValidationError
from django.db.models import Count
from django.urls import reverse
from pyxform import xls2xform

from caminantes.audit.models import AuditEvent
from caminantes.dtm.imports import import_commit, import_create
from caminantes.dtm.intake import Conflict, submit_survey
from caminantes.dtm.models import DtmImport, SurveyChoice, SurveyRefusal, SurveySubmission
from caminantes.dtm.tests.base import DtmTestCase


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
    def download(self) -> bytes:
        self.login(self.eve)
        url = reverse("dtm_operation_survey_form", args=[self.operation.uuid])
        response = self.client.get(url)
        self.assertEqual(response.status_code, 200)
        return b"".join(response.streaming_content)  # type: ignore[attr-defined]

    def test_it_makes_an_xlsform_with_the_operations_points_that_pyxform_converts(self) -> None:
        path = Path(self.id().replace(".", "_") + ".xlsx")
        try:
            path.write_bytes(self.download())
            warnings: list[str] = []
            result = xls2xform.convert(path, warnings=warnings)
            points = [r[1] for r in openpyxl.load_workbook(path)["choices"].iter_rows(
                min_row=2, values_only=True) if r[0] == "point"]  # fmt: skip
        finally:
            path.unlink(missing_ok=True)
        self.assertEqual(warnings, [])
        # The operation's one point, not the demo crossings nor another organisation's point.
        self.assertEqual(points, ["simon-bolivar"])
        for text in ("reasons_leaving", "Razones para salir", "Motivos para sair", "wg_walking",
                     "legal_status", "slept_last_night", "group_female_0_5", "transit_country_2",
                     "intention_country", "host = 'any' or host ="):  # fmt: skip
            self.assertIn(text, result.xform)
        self.assertEqual(
            AuditEvent.objects.filter(action="export", object_type="dtm.operation").count(), 1
        )

    def test_it_hides_another_organisations_operation(self) -> None:
        self.login(self.eve)
        other = self.ffs_point.operation
        url = reverse("dtm_operation_survey_form", args=[other.uuid])
        self.assertEqual(self.client.get(url).status_code, 404)

    def test_the_old_link_leads_to_the_operations_form(self) -> None:
        self.login(self.eve)
        response = self.client.get(reverse("dtm_survey_form"))
        self.assertRedirects(
            response, reverse("dtm_operation_survey_form", args=[self.operation.uuid]),
            fetch_redirect_response=False,
        )  # fmt: skip


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
            submit_survey(answers(age="16", consent=""), user=self.eve)
        self.assertIn("age", cm.exception.message_dict)
        self.assertIn("consent", cm.exception.message_dict)

    def test_it_counts_a_refusal_and_keeps_none_of_its_answers(self) -> None:
        result = submit_survey(answers(age="16", consent="no"), user=self.eve)
        self.assertTrue(result.created)
        self.assertEqual(SurveySubmission.objects.count(), 0)
        refusal = SurveyRefusal.objects.get()
        self.assertEqual((refusal.point, str(refusal.asked_on)), (self.point, "2025-03-10"))

    def test_it_refuses_none_with_other_documents(self) -> None:
        with self.assertRaises(ValidationError) as cm:
            submit_survey(answers(documents="none passport"), user=self.eve)
        self.assertIn("documents", cm.exception.message_dict)

    def test_it_ignores_a_resent_survey(self) -> None:
        data = answers()
        submit_survey(data, user=self.eve)
        self.assertFalse(submit_survey(dict(data), user=self.eve).created)
        self.assertEqual(SurveySubmission.objects.count(), 1)

    def test_it_refuses_an_id_received_with_other_answers(self) -> None:
        data = answers()
        submit_survey(data, user=self.eve)
        with self.assertRaisesMessage(Conflict, f"This survey ({data['uuid'][:8]}) was already"):
            submit_survey(answers(uuid=data["uuid"], age="35"), user=self.eve)
        refusal = answers(consent="no")
        first = submit_survey(refusal, user=self.eve)
        again = submit_survey(dict(refusal), user=self.eve)
        self.assertEqual((again.created, again.obj.pk), (False, first.obj.pk))
        with self.assertRaises(Conflict):
            submit_survey(answers(uuid=refusal["uuid"], consent="no", date="2025-03-11"),
                          user=self.eve)  # fmt: skip
        self.assertEqual((SurveySubmission.objects.count(), SurveyRefusal.objects.count()), (1, 1))


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
