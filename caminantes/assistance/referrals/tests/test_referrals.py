from __future__ import annotations

from datetime import timedelta

from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone, translation

from caminantes.assistance.errors import Refused
from caminantes.assistance.models import ServiceDelivery
from caminantes.assistance.referrals import selectors, services
from caminantes.assistance.referrals.models import Notice, Referral, Status
from caminantes.assistance.referrals.tests.base import ReferralTestCase
from caminantes.audit.models import AuditEvent
from caminantes.registry.models import TimelineEntry


class SendingTests(ReferralTestCase):
    def test_it_refuses_a_referral_without_consent_with_a_clear_message(self) -> None:
        with translation.override("es"), self.assertRaises(Refused) as caught:
            self.refer(person=self.jorge)
        self.assertEqual(caught.exception.refusal_code, "no_consent")
        self.assertIn("Jorge Pérez", caught.exception.detail)
        self.assertIn("FFS", caught.exception.detail)
        self.assertIn("consentimiento", caught.exception.detail)
        self.assertFalse(Referral.objects.exists())

    def test_it_copies_only_the_fields_the_service_asks_for_encrypted(self) -> None:
        referral = self.refer()
        with translation.override("en"):
            fields = dict(referral.decrypted_fields())
        self.assertEqual(
            list(fields), ["Full name", "Age", "Phone", "Reason for the referral", "Urgency"]
        )
        self.assertEqual(fields["Full name"], "Ana Pérez")
        self.assertEqual(fields["Age"], "34")
        self.assertEqual(fields["Phone"], "+573001112233")
        stored = Referral.objects.filter(pk=referral.pk).values_list("fields_encrypted", flat=True)
        self.assertNotIn("Ana", stored[0])
        self.assertNotIn("3001112233", stored[0])
        self.assertNotIn("Calle Secreta", str(fields))
        self.assertNotIn("P7788990", str(fields))

    def test_it_keeps_the_copy_when_the_record_changes_later(self) -> None:
        referral = self.refer()
        self.ana.given_names = "Anabel"
        self.ana.save()
        with translation.override("en"):
            self.assertEqual(dict(referral.decrypted_fields())["Full name"], "Ana Pérez")

    def test_it_puts_the_referral_on_the_household_timeline_of_the_sender(self) -> None:
        referral = self.refer()
        entry = TimelineEntry.objects.get(ref_uuid=referral.uuid)
        self.assertEqual(entry.organization, self.iom)
        with translation.override("en"):
            self.assertIn("Referred to Apoyo psicosocial FFS (FFS)", entry.text)

    def test_it_sets_the_due_date_by_urgency_and_refuses_one_in_the_past(self) -> None:
        today = timezone.localdate()
        self.assertEqual(self.refer(urgent=True).due_on, today + timedelta(days=2))
        self.assertEqual(self.refer().due_on, today + timedelta(days=10))
        with self.assertRaises(ValidationError) as caught:
            self.refer(due_on=today - timedelta(days=1))
        self.assertIn("due_on", caught.exception.message_dict)

    def test_it_refuses_an_empty_reason_and_a_closed_service(self) -> None:
        with self.assertRaises(ValidationError):
            self.refer(reason="  ")
        services.service_update(actor=self.charlie, service=self.psychosocial,
                                name=self.psychosocial.name, type="psychosocial",
                                accepts_referrals=False)  # fmt: skip
        self.psychosocial.refresh_from_db()
        with self.assertRaises(Refused) as caught:
            self.refer()
        self.assertEqual(caught.exception.refusal_code, "service_closed")

    def test_it_refuses_a_sender_without_the_referral_permission(self) -> None:
        with self.assertRaises(PermissionDenied):
            services.referral_create(actor=self.carla, service=self.psychosocial,
                                     household=self.perez, reason="x")  # fmt: skip

    def test_it_tells_the_receiving_staff_a_referral_arrived(self) -> None:
        referral = self.refer()
        self.assertTrue(Notice.objects.filter(user=self.charlie, referral=referral).exists())

    def test_it_audits_the_writes_and_the_reads_of_the_fields(self) -> None:
        referral = self.refer()
        self.assertTrue(AuditEvent.objects.filter(action="create", object_uuid=referral.uuid,
                                                  actor=self.alice).exists())  # fmt: skip
        selectors.snapshot(user=self.charlie, referral=referral)
        self.assertTrue(AuditEvent.objects.filter(action="read_personal",
                                                  object_uuid=referral.uuid,
                                                  actor=self.charlie).exists())  # fmt: skip


class StatusTests(ReferralTestCase):
    def step(self, referral: Referral, status: str, **kw: str) -> Referral:
        return services.referral_set_status(actor=self.charlie, referral=referral,
                                            status=status, **kw).referral  # fmt: skip

    def test_it_refuses_illegal_transitions_with_a_code(self) -> None:
        referral = self.refer()
        for illegal in (Status.COMPLETED, Status.IN_PROGRESS):
            with self.subTest(illegal), self.assertRaises(Refused) as caught:
                self.step(referral, illegal)
            self.assertEqual(caught.exception.refusal_code, "referral_status")
        self.step(referral, Status.DECLINED, reason="Sin cupo este mes")
        with self.assertRaises(Refused):
            self.step(referral, Status.ACCEPTED)
        referral.refresh_from_db()
        self.assertEqual(referral.status, Status.DECLINED)

    def test_it_wants_a_reason_to_decline(self) -> None:
        referral = self.refer()
        with self.assertRaises(ValidationError) as caught:
            self.step(referral, Status.DECLINED)
        self.assertIn("reason", caught.exception.message_dict)

    def test_it_lets_only_the_receiving_side_answer_and_either_side_close(self) -> None:
        referral = self.refer()
        with self.assertRaises(PermissionDenied):
            services.referral_set_status(actor=self.alice, referral=referral,
                                         status=Status.ACCEPTED)  # fmt: skip
        with self.assertRaises(PermissionDenied):
            services.referral_set_status(actor=self.pablo, referral=referral,
                                         status=Status.CLOSED)  # fmt: skip
        closed = services.referral_set_status(actor=self.alice, referral=referral,
                                              status=Status.CLOSED).referral  # fmt: skip
        self.assertEqual(closed.status, Status.CLOSED)

    def test_it_answers_the_same_status_again_without_a_change(self) -> None:
        referral = self.refer()
        self.step(referral, Status.RECEIVED)
        again = services.referral_set_status(actor=self.charlie, referral=referral,
                                             status=Status.RECEIVED)  # fmt: skip
        self.assertTrue(again.replayed)
        self.assertEqual(referral.events.filter(status=Status.RECEIVED).count(), 1)

    def test_it_tells_the_sender_each_step_with_the_feedback(self) -> None:
        referral = self.refer()
        self.step(referral, Status.RECEIVED)
        self.step(referral, Status.ACCEPTED, note="Cita el jueves 9:00")
        self.step(referral, Status.IN_PROGRESS)
        self.step(referral, Status.COMPLETED)
        with translation.override("en"):
            texts = [n.text for n in Notice.objects.filter(user=self.alice).order_by("pk")]
        self.assertEqual(len(texts), 4)
        self.assertIn("accepted your referral", texts[1])
        self.assertIn("completed", texts[3])
        notes = [e.note for e in selectors.events(referral)]
        self.assertIn("Cita el jueves 9:00", notes)

    def test_a_completed_referral_is_a_delivery_of_the_receiver_without_the_household(
        self,
    ) -> None:
        referral = self.refer()
        for status in (Status.ACCEPTED, Status.COMPLETED):
            referral = self.step(referral, status)
        served = ServiceDelivery.objects.get(pk=referral.delivery_id)
        self.assertEqual((served.organization, served.indicator, served.sector),
                         (self.ffs, "referrals_completed", "protection"))  # fmt: skip
        self.assertIsNone(served.household)
        row = served.people.get()
        self.assertEqual((row.person_id, row.sex, row.age), (None, "F", 34))
        done = TimelineEntry.objects.filter(household=self.perez, ref_uuid=referral.uuid)
        self.assertEqual(done.count(), 2)  # sent, completed
        self.assertTrue(all(e.organization == self.iom for e in done))
