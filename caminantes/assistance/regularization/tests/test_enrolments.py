from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError

from caminantes.accounts.policies import forget_grants
from caminantes.assistance.errors import Refused
from caminantes.assistance.models import ServiceDelivery
from caminantes.assistance.regularization import services
from caminantes.assistance.regularization.models import EnrolmentStatus, StepChange
from caminantes.assistance.regularization.tests.base import RegularizationTestCase
from caminantes.registry.inputs import DocumentInput
from caminantes.registry.models import Document, TimelineEntry


class EnrolmentTests(RegularizationTestCase):
    def advance(self, enrolment: Any, **kw: Any) -> Any:
        return services.enrolment_advance(actor=self.alice, enrolment=enrolment, **kw).enrolment

    def test_it_enrols_at_the_first_step_and_tells_the_household_timeline(self) -> None:
        enrolment = self.enrol()
        self.assertEqual(enrolment.step, self.rumv)
        self.assertEqual(enrolment.changes.get().kind, StepChange.Kind.STARTED)
        entry = TimelineEntry.objects.get(household=self.perez, kind="regularization")
        self.assertIn("Permiso por Protección Temporal", entry.text)

    def test_it_refuses_a_person_without_consent_with_a_clear_message(self) -> None:
        with self.assertRaises(Refused) as refused:
            self.enrol(self.jorge)
        self.assertEqual(refused.exception.refusal_code, "consent_required")
        self.assertIn("consent", refused.exception.detail.lower())

    def test_it_refuses_a_second_enrolment_in_the_same_scheme(self) -> None:
        self.enrol()
        with self.assertRaises(Refused) as refused:
            self.enrol()
        self.assertEqual(refused.exception.refusal_code, "already_enrolled")

    def test_it_refuses_a_scheme_of_another_country(self) -> None:
        with self.assertRaises(ValidationError) as refused:
            services.enrolment_start(actor=self.alice, person=self.ana, scheme=self.cpp)
        self.assertIn("scheme", refused.exception.message_dict)

    def test_another_organisation_cannot_enrol_our_people(self) -> None:
        with self.assertRaises(PermissionDenied):
            self.enrol(user=self.charlie)

    def test_it_moves_one_step_at_a_time_and_skips_only_what_may_be_skipped(self) -> None:
        enrolment = self.enrol()
        enrolment = self.advance(enrolment, to_step=self.biometrics)  # over the survey
        self.assertEqual(enrolment.step, self.biometrics)
        self.assertEqual(enrolment.changes.last().kind, StepChange.Kind.SKIPPED)
        services.enrolment_back(
            actor=self.alice,
            enrolment=enrolment,
            to_step=self.rumv,
            reason="El pre-registro fue rechazado",
        )
        self.ppt.steps.filter(pk=self.survey.pk).update(may_skip=False)
        with self.assertRaises(Refused) as refused:
            self.advance(enrolment, to_step=self.biometrics)
        self.assertEqual(refused.exception.refusal_code, "step_not_skippable")
        enrolment.refresh_from_db()
        self.assertEqual(enrolment.step, self.rumv)

    def test_going_back_needs_a_reason_and_an_earlier_step(self) -> None:
        enrolment = self.advance(self.enrol())
        with self.assertRaises(ValidationError) as no_reason:
            services.enrolment_back(
                actor=self.alice, enrolment=enrolment, to_step=self.rumv, reason=" "
            )
        self.assertIn("reason", no_reason.exception.message_dict)
        with self.assertRaises(ValidationError) as forward:
            services.enrolment_back(
                actor=self.alice, enrolment=enrolment, to_step=self.delivery, reason="x"
            )
        self.assertIn("to_step", forward.exception.message_dict)

    def test_a_completed_delivery_step_adds_the_document_to_the_person(self) -> None:
        enrolment = self.to_delivery(self.enrol())
        with self.assertRaises(ValidationError) as no_number:
            self.advance(enrolment)
        self.assertIn("number", no_number.exception.message_dict)
        self.assertFalse(Document.objects.filter(person=self.ana).exists())
        enrolment = self.advance(enrolment, document=DocumentInput(type="", number="PPT 4455667"))
        self.assertEqual(enrolment.status, EnrolmentStatus.DONE)
        document = Document.objects.get(person=self.ana)
        self.assertEqual((document.type, document.number_last4), (Document.Type.PPT, "5667"))
        self.assertEqual(document.issuing_country, self.co)
        served = ServiceDelivery.objects.get(household=self.perez)
        self.assertEqual((served.sector, served.indicator), ("protection", "people_documented"))
        kinds = set(
            TimelineEntry.objects.filter(household=self.perez).values_list("kind", flat=True)
        )
        self.assertLessEqual({"document", "assistance", "regularization"}, kinds)
        self.assertEqual(enrolment.changes.last().document, document)

    def test_a_document_with_impossible_dates_is_refused_and_nothing_is_recorded(self) -> None:
        from datetime import timedelta

        from django.utils import timezone

        enrolment = self.to_delivery(self.enrol())
        today = timezone.localdate()
        with self.assertRaises(ValidationError) as future:
            self.advance(
                enrolment,
                document=DocumentInput(type="", number="123", issued_on=today + timedelta(days=3)),
            )
        self.assertIn("issued_on", future.exception.message_dict)
        with self.assertRaises(ValidationError) as backwards:
            self.advance(
                enrolment,
                document=DocumentInput(
                    type="", number="123", issued_on=today, expires_on=today - timedelta(days=1)
                ),
            )
        self.assertIn("expires_on", backwards.exception.message_dict)
        self.assertFalse(Document.objects.filter(person=self.ana).exists())
        self.assertFalse(ServiceDelivery.objects.exists())

    def test_a_caseworker_without_the_registry_right_cannot_record_the_document(self) -> None:
        from caminantes.accounts.models import Membership

        Membership.objects.create(
            user=self.charlie, organization=self.iom, role="partner_focal_point"
        ).countries.set([self.co])
        forget_grants(self.charlie)
        enrolment = self.to_delivery(self.enrol())
        with self.assertRaises(Refused) as refused:
            services.enrolment_advance(
                actor=self.charlie,
                enrolment=enrolment,
                document=DocumentInput(type="", number="PPT 1"),
            )
        self.assertEqual(refused.exception.refusal_code, "cannot_record_document")
        self.assertFalse(Document.objects.filter(person=self.ana).exists())

    def test_a_closed_enrolment_moves_no_more(self) -> None:
        enrolment = self.enrol()
        services.enrolment_abandon(actor=self.alice, enrolment=enrolment, reason="Se mudó a Perú")
        with self.assertRaises(Refused) as refused:
            self.advance(enrolment)
        self.assertEqual(refused.exception.refusal_code, "enrolment_closed")
        self.enrol()  # and the person may start again

    def test_a_request_id_answers_the_same_once_and_refuses_other_content(self) -> None:
        import uuid

        enrolment = self.enrol()
        key = uuid.uuid4()
        first = services.enrolment_advance(actor=self.alice, enrolment=enrolment, request_id=key)
        again = services.enrolment_advance(actor=self.alice, enrolment=enrolment, request_id=key)
        self.assertTrue(again.replayed)
        self.assertEqual(again.enrolment.step, first.enrolment.step)
        self.assertEqual(again.enrolment.step, self.survey)  # moved once
        with self.assertRaises(Refused) as reused:
            services.enrolment_advance(
                actor=self.alice, enrolment=enrolment, to_step=self.delivery, request_id=key
            )
        self.assertEqual(reused.exception.refusal_code, "request_id_reused")
