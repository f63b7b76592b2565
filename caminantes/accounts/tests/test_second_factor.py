"""Replacing the second factor: a stolen session is not enough, and the owner is told."""

from __future__ import annotations

import time
from unittest import mock

from django.core import mail
from django.test import TestCase
from django.urls import reverse
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from caminantes.accounts import services
from caminantes.accounts.tests.test_login import current_code
from caminantes.accounts.views import PASSWORD_LOGIN_AT
from caminantes.audit.models import AuditEvent
from tests.personas import PASSWORD, PersonaTestCase


class StolenSessionTest(PersonaTestCase):
    """The attacker holds Alice's logged-in, verified session, but not her password."""

    def setUp(self) -> None:
        self.login(self.alice)  # password and code given earlier, by Alice
        self.device = TOTPDevice.objects.get(user=self.alice, confirmed=True)
        self.codes = services.backup_codes_regenerate(user=self.alice)
        mail.outbox.clear()

    def test_it_does_not_let_the_session_enrol_the_attackers_phone(self) -> None:
        page = self.client.get(reverse("otp_setup"))
        self.assertTrue(page["Location"].startswith(reverse("sudo")))
        # Even posting a code straight from a phone of one's own does not replace Alice's.
        attackers = TOTPDevice.objects.create(user=self.alice, name="x", confirmed=False)
        self.client.post(reverse("otp_setup"), {"token": current_code(attackers)})
        confirmed = list(TOTPDevice.objects.filter(user=self.alice, confirmed=True))
        self.assertEqual(confirmed, [self.device])

    def test_it_does_not_let_the_session_print_new_backup_codes(self) -> None:
        response = self.client.post(reverse("backup_codes"))
        self.assertTrue(response["Location"].startswith(reverse("sudo")))
        left = set(
            StaticToken.objects.filter(device__user=self.alice).values_list("token", flat=True)
        )
        self.assertEqual(left, set(self.codes))

    def test_the_password_alone_does_not_open_sudo_once_a_phone_is_set_up(self) -> None:
        self.client.post(reverse("sudo"), {"password": PASSWORD, "token": ""})
        response = self.client.post(reverse("backup_codes"))
        self.assertTrue(response["Location"].startswith(reverse("sudo")))


class OwnerReplacesSecondFactorTest(PersonaTestCase):
    def setUp(self) -> None:
        self.login(self.alice)
        self.device = TOTPDevice.objects.get(user=self.alice, confirmed=True)
        self.old_codes = services.backup_codes_regenerate(user=self.alice)
        mail.outbox.clear()
        self.client.post(
            reverse("sudo"), {"password": PASSWORD, "token": current_code(self.device)}
        )

    def test_it_replaces_the_authenticator_and_tells_the_owner(self) -> None:
        self.client.get(reverse("otp_setup"))
        new = TOTPDevice.objects.get(user=self.alice, confirmed=False)
        with self.captureOnCommitCallbacks(execute=True):
            done = self.client.post(reverse("otp_setup"), {"token": current_code(new)})
        self.assertTemplateUsed(done, "accounts/backup_codes.html")
        self.assertEqual(list(TOTPDevice.objects.filter(user=self.alice)), [new])
        self.assertEqual(len(mail.outbox), 1)
        self.assertEqual(mail.outbox[0].to, ["alice@example.org"])
        self.assertIn("autenticación", mail.outbox[0].subject)

    def test_it_prints_new_backup_codes_once_and_the_old_ones_stop_working(self) -> None:
        with self.captureOnCommitCallbacks(execute=True):
            response = self.client.post(reverse("backup_codes"))
        self.assertTemplateUsed(response, "accounts/backup_codes.html")
        new_codes = response.context["codes"]
        self.assertEqual(len(new_codes), 10)
        left = set(
            StaticToken.objects.filter(device__user=self.alice).values_list("token", flat=True)
        )
        self.assertEqual(left, set(new_codes))
        self.assertFalse(left & set(self.old_codes))
        self.assertTrue(
            AuditEvent.objects.filter(
                actor=self.alice, action="update", context__field="backup_codes"
            ).exists()
        )
        self.assertEqual(len(mail.outbox), 1)
        self.assertIn("respaldo", mail.outbox[0].subject)

    def test_it_refuses_a_get_for_new_codes(self) -> None:
        self.assertEqual(self.client.get(reverse("backup_codes")).status_code, 405)


class SudoPageTest(PersonaTestCase):
    def test_it_lets_the_phone_fill_in_the_password_and_the_code(self) -> None:
        self.login(self.alice)
        page = self.client.get(reverse("sudo"))
        # Without these, Chromium offers to make up a new password on this page.
        self.assertContains(page, 'autocomplete="current-password"')
        self.assertContains(page, 'autocomplete="one-time-code"')


class FirstEnrolmentTest(PersonaTestCase):
    def test_it_asks_for_the_password_again_when_the_login_is_old(self) -> None:
        self.client.post(reverse("login"), {"username": "alice@example.org", "password": PASSWORD})
        session = self.client.session
        session[PASSWORD_LOGIN_AT] = time.time() - 3600  # a session left open, then taken
        session.save()
        page = self.client.get(reverse("otp_setup"))
        self.assertTrue(page["Location"].startswith(reverse("sudo")))
        self.assertFalse(TOTPDevice.objects.filter(user=self.alice).exists())


class BackupCodesServiceTest(TestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        from tests.personas import make_world

        make_world(cls)

    def test_a_failure_midway_keeps_the_old_codes(self) -> None:
        old = services.backup_codes_regenerate(user=self.alice)  # type: ignore[attr-defined]
        with (
            mock.patch.object(StaticToken.objects, "bulk_create", side_effect=RuntimeError),
            self.assertRaises(RuntimeError),
        ):
            services.backup_codes_regenerate(user=self.alice)  # type: ignore[attr-defined]
        left = StaticDevice.objects.get(user=self.alice).token_set.values_list("token", flat=True)  # type: ignore[attr-defined]
        self.assertEqual(set(left), set(old))
