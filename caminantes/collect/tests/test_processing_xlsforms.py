"""The XLSForms shipped for field collection convert with pyxform, and their field names
are what the mappings read; the flow monitoring survey end to end."""

from __future__ import annotations

from django.test import SimpleTestCase
from pyxform.xls2xform import convert

from caminantes.collect import xlsforms
from caminantes.collect.models import FormKind, SubmissionStatus
from caminantes.collect.processing import mappings, process_submission
from caminantes.collect.tests.processing_world import make_form, questions_of, submit
from caminantes.dtm.models import SurveySubmission
from caminantes.dtm.tests.base import DtmTestCase
from caminantes.dtm.tests.test_survey import answers


class XlsFormsTest(SimpleTestCase):
    def test_every_kind_has_an_xlsform_pyxform_converts_without_warnings(self) -> None:
        for kind in xlsforms.KINDS:
            with self.subTest(kind=kind):
                warnings: list[str] = []
                result = convert(xlsform=xlsforms.xlsform(kind), warnings=warnings)
                self.assertIn("<h:html", result.xform)
                self.assertEqual(warnings, [])

    def test_the_registration_form_asks_what_the_registry_import_reads(self) -> None:
        names = {
            q["name"] for q in questions_of(FormKind.HOUSEHOLD_REGISTRATION)
            if q["type"] not in ("start", "end", "deviceid", "begin group", "begin repeat",
                                 "group", "repeat")
        }  # fmt: skip
        unread = {n for n in names if not mappings.consumed(FormKind.HOUSEHOLD_REGISTRATION, n)}
        self.assertEqual(unread, set())
        receipt = {q["name"] for q in questions_of(FormKind.DISTRIBUTION_RECEIPT)}
        self.assertLessEqual(set(mappings.RECEIPT_FIELDS), receipt)

    def test_the_committed_files_are_what_the_script_writes(self) -> None:
        import tempfile
        from pathlib import Path

        from caminantes.collect.xlsforms import build_xlsforms

        with tempfile.TemporaryDirectory() as folder:
            for path in build_xlsforms.build(Path(folder)):
                fresh = convert(xlsform=path.read_bytes()).xform
                shipped = convert(xlsform=(xlsforms.HERE / path.name).read_bytes()).xform
                self.assertEqual(fresh, shipped, f"run build_xlsforms: {path.name} is stale")


class FlowSurveyTest(DtmTestCase):
    def test_a_survey_instance_becomes_a_survey_once(self) -> None:
        form = make_form(self.iom, FormKind.FLOW_SURVEY, country=self.co)
        data = answers()
        data.pop("uuid")
        body = {"inicio": {k: v for k, v in data.items()}, "pregunta_propia": "sí"}
        sub = submit(form, body)
        process_submission(sub.pk)
        sub.refresh_from_db()
        self.assertEqual(sub.status, SubmissionStatus.PROCESSED, sub.review_reason)
        survey = SurveySubmission.objects.get()
        self.assertEqual(sub.record_uuid, survey.uuid)
        self.assertEqual(sub.extra_answers, {"pregunta_propia": "sí"})
        process_submission(sub.pk)
        self.assertEqual(SurveySubmission.objects.count(), 1)
