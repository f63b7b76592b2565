from __future__ import annotations

from datetime import timedelta
from io import StringIO

from django.core.management import call_command
from django.utils import timezone

from caminantes.assistance.referrals import notices, services
from caminantes.assistance.referrals.models import Notice, Status
from caminantes.assistance.referrals.tests.base import ReferralTestCase


class ReminderTests(ReferralTestCase):
    def test_overdue_referrals_remind_the_sender_and_the_receivers_once_a_day(self) -> None:
        referral = self.refer(urgent=True)
        Notice.objects.all().delete()
        self.assertEqual(notices.reminders_send(today=referral.due_on), 0)  # due today: fine
        late = referral.due_on + timedelta(days=1)
        self.assertEqual(notices.reminders_send(today=late), 1)
        self.assertEqual(notices.reminders_send(today=late), 0)
        self.assertEqual(Notice.objects.filter(user=self.alice).count(), 1)
        self.assertEqual(Notice.objects.filter(user=self.charlie).count(), 1)
        self.assertEqual(notices.reminders_send(today=late + timedelta(days=1)), 1)
        self.assertEqual(Notice.objects.filter(user=self.alice).count(), 2)

    def test_answered_referrals_do_not_remind(self) -> None:
        referral = self.refer(urgent=True)
        services.referral_set_status(actor=self.charlie, referral=referral,
                                     status=Status.DECLINED, reason="Sin cupo")  # fmt: skip
        self.assertEqual(notices.reminders_send(today=referral.due_on + timedelta(days=5)), 0)

    def test_the_command_sends_them(self) -> None:
        referral = self.refer()
        type(referral).objects.filter(pk=referral.pk).update(
            due_on=timezone.localdate() - timedelta(days=1)
        )
        out = StringIO()
        call_command("referrals_remind", stdout=out)
        self.assertIn("1", out.getvalue())
        self.assertTrue(Notice.objects.filter(user=self.alice, message=notices.OVERDUE_SENDER)
                        .exists())  # fmt: skip

    def test_the_periodic_task_sends_them(self) -> None:
        from caminantes.assistance.referrals.tasks import referral_reminders_task

        referral = self.refer()
        type(referral).objects.filter(pk=referral.pk).update(
            due_on=timezone.localdate() - timedelta(days=1)
        )
        referral_reminders_task.call_local()
        self.assertTrue(Notice.objects.filter(message=notices.OVERDUE_RECEIVER).exists())
