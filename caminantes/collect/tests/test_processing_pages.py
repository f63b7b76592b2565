"""What a reviewer and a registrar see: the review queue in Spanish, scoped to the form's
organisation; extra answers on the household page (audited, not to another organisation);
a distribution receipt through the desk's door."""

from __future__ import annotations

from typing import Any

from caminantes.assistance.models import Handover
from caminantes.assistance.tests.base_distribution import DistributionTestCase
from caminantes.audit.models import AuditEvent
from caminantes.collect.models import FormKind, Submission, SubmissionStatus
from caminantes.collect.processing import process_submission
from caminantes.collect.tests.processing_world import household_body, make_form, submit
from caminantes.registry import imports
from caminantes.registry.models import Household, ImportBatch
from tests.personas import PersonaTestCase


class ReviewAndHouseholdPageTest(PersonaTestCase):
    form: Any
    good: Any
    bad: Any

    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        cls.form = make_form(cls.iom, FormKind.HOUSEHOLD_REGISTRATION, country=cls.co)
        body = household_body()
        body["hogar"]["ingreso_mensual"] = "350000"
        cls.good = submit(cls.form, body)
        process_submission(cls.good.pk)
        cls.bad = submit(cls.form, household_body(population_type="marciano"))
        process_submission(cls.bad.pk)

    def test_the_queue_lists_the_reason_and_reprocess_is_a_button(self) -> None:
        client = self.login(self.carla)
        page = client.get("/collect/review/", HTTP_ACCEPT_LANGUAGE="es")
        self.assertEqual(page.status_code, 200)
        self.assertContains(page, "Form household_registration")
        self.bad.refresh_from_db()
        self.assertEqual(self.bad.status, SubmissionStatus.REVIEW)
        detail = client.get(f"/collect/review/{self.bad.uuid}/")
        self.assertContains(detail, self.bad.review_reason[:40])
        self.assertTrue(
            AuditEvent.objects.filter(action="read_personal", object_uuid=self.bad.uuid).exists()
        )
        again = client.post(f"/collect/review/{self.bad.uuid}/reprocess/", follow=True)
        self.assertEqual(again.status_code, 200)
        bulk = client.post(f"/collect/review/form/{self.form.uuid}/reprocess/", follow=True)
        self.assertEqual(bulk.status_code, 200)
        self.assertEqual(ImportBatch.objects.filter(status="validated").count(), 1)

    def test_another_organisation_sees_nothing(self) -> None:
        client = self.login(self.charlie)
        self.assertEqual(client.get("/collect/review/").status_code, 403)
        manager = self.login(self.carla)
        self.assertEqual(manager.get("/collect/review/?form=not-a-uuid").status_code, 404)

    def test_extra_answers_are_on_the_household_page_for_the_forms_organisation(self) -> None:
        self.good.refresh_from_db()
        batch = ImportBatch.objects.get(uuid=str(self.good.record_uuid))
        imports.batch_approve(user=self.carla, batch=batch)
        imports.batch_merge(batch, user=self.carla)
        household = Household.objects.get()
        self.good.refresh_from_db()
        self.assertEqual(self.good.record_uuid, household.uuid)
        page = self.login(self.alice).get(f"/registry/households/{household.uuid}/")
        self.assertContains(page, "Respuestas adicionales")
        self.assertContains(page, "350000")
        self.assertTrue(
            AuditEvent.objects.filter(
                action="read_personal", object_uuid=self.good.uuid, actor=self.alice
            ).exists()
        )
        # Another organisation that somehow sees the household still sees no answers.
        from caminantes.collect.panels import household_panels

        class Request:
            user = self.charlie

        self.assertEqual(household_panels(Request(), household), [])


class ReceiptTest(DistributionTestCase):
    def setUp(self) -> None:
        self.stock_hygiene_kits(10)

    def receipt(self, **answers: Any) -> Submission:
        form = make_form(self.iom, FormKind.DISTRIBUTION_RECEIPT, country=self.co,
                         created_by=self.dora, form_id="recibo")  # fmt: skip
        body = {"plan": str(self.plan.uuid), "household": f"caminantes:household:{self.small.uuid}",
                "collector": "member", "member": "", **answers}  # fmt: skip
        sub = submit(form, body)
        process_submission(sub.pk)
        sub.refresh_from_db()
        return sub

    def test_a_receipt_is_one_handover_however_often_it_is_processed(self) -> None:
        sub = self.receipt()
        self.assertEqual(sub.status, SubmissionStatus.PROCESSED, sub.review_reason)
        handover = Handover.objects.get()
        self.assertEqual((sub.record_type, sub.record_uuid), ("assistance.handover", handover.uuid))
        self.assertEqual(handover.collected_by, self.small.focal_point)
        process_submission(sub.pk)
        self.assertEqual(Handover.objects.count(), 1)

    def test_a_proxy_without_consent_and_a_foreign_household_go_to_review(self) -> None:
        sub = self.receipt(collector="proxy", proxy_name="Vecina", proxy_consent="no")
        self.assertEqual(sub.status, SubmissionStatus.REVIEW)
        self.assertIn("consent", sub.review_reason)
        Submission.objects.all().delete()
        from caminantes.collect.models import Form

        Form.objects.all().delete()
        sub = self.receipt(household=str(self.foreign.uuid))
        self.assertEqual(sub.status, SubmissionStatus.REVIEW)
        self.assertFalse(Handover.objects.exists())
