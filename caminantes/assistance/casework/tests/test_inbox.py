"""The caseworker's inbox: referrals both ways, today's appointments, follow-ups, on one page."""

from __future__ import annotations

from datetime import datetime, time, timedelta
from unittest import mock

from django.urls import reverse
from django.utils import timezone

from caminantes.assistance.referrals import services
from caminantes.assistance.referrals.models import Referral, Service
from caminantes.assistance.referrals.tests.base import ReferralTestCase
from caminantes.assistance.regularization import services as regularization
from caminantes.assistance.regularization import services_setup
from caminantes.assistance.regularization.models import Appointment, Scheme, Slot
from caminantes.audit.models import AuditEvent
from caminantes.registry.models import Consent


def today_at(hour: int, days: int = 0) -> datetime:
    day = timezone.localdate() + timedelta(days=days)
    return timezone.make_aware(datetime.combine(day, time(hour, 0)))


class InboxTest(ReferralTestCase):
    to_ffs: Referral
    to_iom: Referral

    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        cls.to_ffs = services_refer(cls, cls.psychosocial, "Ansiedad")
        cls.to_iom = services_refer(cls, cls.iom_health, "Control prenatal")
        Referral.objects.filter(pk=cls.to_iom.pk).update(
            due_on=timezone.localdate() - timedelta(days=3)
        )
        services_setup.schemes_seed()
        ppt = Scheme.objects.get(country=cls.co, code="ppt")
        steps = list(ppt.steps.order_by("position"))
        office = services_setup.office_create(actor=cls.alice, organization=cls.iom,
                                              country=cls.co, name="Cúcuta centro")  # fmt: skip
        Consent.objects.create(person=cls.ana, purpose="registration", recorded_by=cls.alice)
        enrolment = regularization.enrolment_start(actor=cls.alice, person=cls.ana, scheme=ppt)
        for days, hour, step in ((0, 15, steps[2]), (-1, 9, steps[1])):
            slot = Slot.objects.create(office=office, step=step, starts_at=today_at(hour, days),
                                       capacity=1, booked=1)  # fmt: skip
            Appointment.objects.create(slot=slot, enrolment=enrolment, person=cls.ana, step=step,
                                       status="booked", booked_by=cls.alice,
                                       booked_at=today_at(8, -5))  # fmt: skip

    def test_a_caseworker_sees_what_waits_for_her_today(self) -> None:
        self.login(self.alice)
        response = self.client.get(reverse("casework_inbox"))
        self.assertEqual(response.status_code, 200)
        blocks = response.context["blocks"]
        self.assertEqual([r.pk for r in blocks["received"].items], [self.to_iom.pk])
        self.assertEqual(blocks["received"].overdue, 1)
        self.assertEqual({r.pk for r in blocks["sent"].items}, {self.to_ffs.pk, self.to_iom.pk})
        self.assertEqual(blocks["appointments"].total, 1)
        self.assertEqual(blocks["unmarked"].total, 1)
        self.assertContains(response, "Mi bandeja")
        self.assertContains(response, "Ana")
        read = AuditEvent.objects.filter(actor=self.alice, action="read_personal",
                                         object_type="registry.person")  # fmt: skip
        self.assertTrue(read.exists())

    def test_a_badge_counts_up_to_its_cap_then_says_so(self) -> None:
        self.login(self.alice)
        with mock.patch("caminantes.assistance.casework.inbox.COUNTED", 1):
            response = self.client.get(reverse("casework_inbox"))
            sent = response.context["blocks"]["sent"]
            self.assertEqual(sent.total, 2)  # counted one past the cap, no further
            self.assertEqual(sent.total_label, "1+")
            self.assertEqual(response.context["blocks"]["received"].total_label, "1")
        self.assertContains(response, '<span class="badge">1+</span>', html=False)

    def test_the_receiving_partner_sees_only_its_own_inbox(self) -> None:
        self.login(self.charlie)
        response = self.client.get(reverse("casework_inbox"))
        blocks = response.context["blocks"]
        self.assertEqual([r.pk for r in blocks["received"].items], [self.to_ffs.pk])
        self.assertEqual(blocks["sent"].total, 0)
        self.assertEqual(blocks["appointments"].total + blocks["unmarked"].total, 0)
        self.assertNotContains(response, "Ana")
        self.assertNotContains(response, "Control prenatal")

    def test_staff_who_do_not_refer_are_refused(self) -> None:
        self.login(self.eve)
        self.assertEqual(self.client.get(reverse("casework_inbox")).status_code, 403)


def services_refer(cls: type[ReferralTestCase], service: Service, reason: str) -> Referral:
    return services.referral_create(actor=cls.alice, service=service, household=cls.perez,
                                    person=cls.ana, reason=reason).referral  # fmt: skip
