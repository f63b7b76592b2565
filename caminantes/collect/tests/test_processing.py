"""Processing: each mapping end to end from an XML instance as ODK Collect sends it."""

from __future__ import annotations

from typing import Any

from caminantes.collect.models import FormKind, Submission, SubmissionStatus
from caminantes.collect.processing import process_submission, reprocess, reprocess_form
from caminantes.collect.tests.processing_world import household_body, make_form, submit
from caminantes.dtm.models import FlowCount, FlowMonitoringPoint
from caminantes.dtm.tests.base import DAY, DtmTestCase
from caminantes.lib import crypto
from caminantes.registry import imports
from caminantes.registry.models import Household, ImportBatch


def tally_body(point: str, **overrides: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "point": point, "date": DAY.isoformat(), "shift_start": "08:00:00.000-05:00",
        "shift_end": "12:00:00.000-05:00", "direction": "incoming", "flow_type": "stay",
        "totales": {"individuals": "4", "groups": "2", "unaccompanied_children": "0"},
        "sexo_edad": {"female_18_59": "2", "male_18_59": "2"},
    }  # fmt: skip
    body.update(overrides)
    return body


class HouseholdRegistrationTest(DtmTestCase):
    form: Any

    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        cls.form = make_form(
            cls.iom, FormKind.HOUSEHOLD_REGISTRATION, country=cls.co, created_by=cls.carla
        )

    def run_it(self, sub: Submission) -> Submission:
        process_submission(sub.pk)
        sub.refresh_from_db()
        return sub

    def test_a_registration_goes_through_the_staged_import_and_its_approval(self) -> None:
        body = household_body()
        body["hogar"]["talla_calzado"] = "38"  # the organisation's own question
        sub = self.run_it(submit(self.form, body))
        self.assertEqual(sub.status, SubmissionStatus.PROCESSED, sub.review_reason)
        self.assertEqual(sub.record_type, "registry.importbatch")
        batch = ImportBatch.objects.get(uuid=str(sub.record_uuid))
        self.assertEqual(batch.status, ImportBatch.Status.VALIDATED)
        self.assertEqual(batch.total_rows, 2)
        self.assertEqual(sub.extra_answers, {"hogar/talla_calzado": "38"})
        self.assertFalse(Household.objects.exists())  # not before an officer approves
        # Processed again (the server retries, a reviewer clicks): still one batch.
        self.run_it(sub)
        self.assertEqual(ImportBatch.objects.count(), 1)
        imports.batch_approve(user=self.carla, batch=batch)
        imports.batch_merge(batch, user=self.carla)
        sub.refresh_from_db()
        household = Household.objects.get()
        self.assertEqual((sub.record_type, sub.record_uuid), ("registry.household", household.uuid))
        self.assertEqual(household.members.count(), 2)
        self.run_it(sub)  # and again after the merge: the same household
        self.assertEqual(Household.objects.count(), 1)
        self.assertEqual(ImportBatch.objects.count(), 1)

    def test_a_household_the_registry_refuses_waits_in_the_queue_with_the_reason(self) -> None:
        body = household_body(consent_registration="no")
        sub = self.run_it(submit(self.form, body))
        self.assertEqual(sub.status, SubmissionStatus.REVIEW)
        self.assertIn("consent", sub.review_reason.lower())
        self.assertTrue(any(f["question"] == "hogar/consent_registration" for f in sub.flags))

    def test_a_form_without_a_country_is_fixed_then_reprocessed(self) -> None:
        form = make_form(self.iom, FormKind.HOUSEHOLD_REGISTRATION, form_id="sin_pais")
        sub = self.run_it(submit(form, household_body()))
        self.assertEqual(sub.status, SubmissionStatus.REVIEW)
        self.assertIn("país", sub.review_reason)  # in the platform language
        form.country = self.co
        form.save()
        counts = reprocess_form(user=self.carla, form=form)
        self.assertEqual(counts, {"processed": 1, "review": 0})
        sub.refresh_from_db()
        self.assertEqual(sub.status, SubmissionStatus.PROCESSED)

    def test_broken_xml_is_kept_in_the_queue(self) -> None:
        sub = submit(self.form, {})
        Submission.objects.filter(pk=sub.pk).update(
            xml_encrypted=crypto.encrypt("<data><oops></data>")
        )
        sub = self.run_it(sub)
        self.assertEqual(sub.status, SubmissionStatus.REVIEW)
        self.assertIn("XML", sub.review_reason)


class FlowCountTest(DtmTestCase):
    form: Any

    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        cls.form = make_form(cls.iom, FormKind.FLOW_COUNT, country=cls.co)

    def test_a_tally_becomes_a_flow_count_once(self) -> None:
        sub = submit(self.form, tally_body(self.point.code, observaciones="lluvia"))
        process_submission(sub.pk)
        sub.refresh_from_db()
        self.assertEqual(sub.status, SubmissionStatus.PROCESSED, sub.review_reason)
        count = FlowCount.objects.get()
        self.assertEqual((sub.record_type, sub.record_uuid), ("dtm.flowcount", count.uuid))
        self.assertEqual(count.individuals, 4)
        self.assertEqual(sub.extra_answers, {"observaciones": "lluvia"})
        reprocess(user=self.carla, submission=sub)
        self.assertEqual(FlowCount.objects.count(), 1)

    def test_an_unknown_point_waits_for_the_fix_then_is_reprocessed(self) -> None:
        sub = submit(self.form, tally_body("nuevo-punto"))
        process_submission(sub.pk)
        sub.refresh_from_db()
        self.assertEqual(sub.status, SubmissionStatus.REVIEW)
        self.assertIn("point", sub.review_reason)
        FlowMonitoringPoint.objects.filter(pk=self.point.pk).update(code="nuevo-punto")
        sub = reprocess(user=self.carla, submission=sub)
        self.assertEqual(sub.status, SubmissionStatus.PROCESSED, sub.review_reason)
        self.assertEqual(FlowCount.objects.count(), 1)

    def test_another_organisations_point_is_refused(self) -> None:
        sub = submit(self.form, tally_body(self.ffs_point.code))
        process_submission(sub.pk)
        sub.refresh_from_db()
        self.assertEqual(sub.status, SubmissionStatus.REVIEW)
        self.assertFalse(FlowCount.objects.exists())

    def test_reprocess_needs_the_permission_in_the_forms_organisation(self) -> None:
        from django.core.exceptions import PermissionDenied

        sub = submit(self.form, tally_body(self.point.code))
        with self.assertRaises(PermissionDenied):
            reprocess(user=self.charlie, submission=sub)
