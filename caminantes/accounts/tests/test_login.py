from __future__ import annotations

import time
from typing import Any

from django.test import override_settings
from django.urls import reverse
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from caminantes.accounts.middleware import LAST_SEEN
from caminantes.audit.models import AuditEvent
from tests.personas import PASSWORD, PersonaTestCase


def current_code(device: TOTPDevice) -> str:
    return f"{totp(device.bin_key, device.step, device.t0, device.digits, device.drift):06d}"


class LoginTest(PersonaTestCase):
    def post_login(self, email: str, password: str) -> Any:
        return self.client.post(reverse("login"), {"username": email, "password": password})

    def test_it_shows_the_login_page_in_spanish(self) -> None:
        response = self.client.get(reverse("login"))
        self.assertContains(response, "Iniciar sesión")
        self.assertContains(response, 'lang="es"')

    def test_the_login_page_says_the_second_factor_is_waived_only_on_a_demo_server(
        self,
    ) -> None:
        response = self.client.get(reverse("login"))
        self.assertContains(response, "aplicación de autenticación")
        self.assertNotContains(response, "demostración")
        with override_settings(CAMINANTES_DEMO=True, DEBUG=True):
            response = self.client.get(reverse("login"))
        self.assertContains(response, "Servidor de demostración")

    def test_it_sends_anonymous_visitors_to_the_login_page(self) -> None:
        response = self.client.get(reverse("home"))
        self.assertRedirects(response, f"{reverse('login')}?next=/", fetch_redirect_response=False)

    def test_it_requires_an_authenticator_before_personal_data(self) -> None:
        response = self.post_login("alice@example.org", PASSWORD)
        self.assertEqual(response.status_code, 302)
        home = self.client.get(reverse("home"))
        self.assertTrue(home["Location"].startswith(reverse("otp_setup")))
        setup = self.client.get(home["Location"])
        self.assertContains(setup, "<svg")
        device = TOTPDevice.objects.get(user=self.alice, confirmed=False)
        wrong = self.client.post(reverse("otp_setup"), {"token": "000000"})
        self.assertEqual(wrong.status_code, 200)
        self.assertFalse(TOTPDevice.objects.get(pk=device.pk).confirmed)
        device.refresh_from_db()
        device.throttle_reset()  # a wrong code throttles for a second; people type slower
        done = self.client.post(reverse("otp_setup"), {"token": current_code(device)})
        self.assertTemplateUsed(done, "accounts/backup_codes.html")
        self.assertEqual(len(done.context["codes"]), 10)
        self.assertEqual(self.client.get(reverse("home")).status_code, 200)

    def test_it_asks_for_the_code_at_every_new_login_once_set_up(self) -> None:
        device = TOTPDevice.objects.create(user=self.alice, name="phone", confirmed=True)
        self.post_login("alice@example.org", PASSWORD)
        home = self.client.get(reverse("home"))
        self.assertTrue(home["Location"].startswith(reverse("otp_verify")))
        bad = self.client.post(reverse("otp_verify"), {"token": "123456"})
        self.assertEqual(bad.status_code, 200)
        self.assertTrue(AuditEvent.objects.filter(action="otp_failed", actor=self.alice).exists())
        # A wrong code throttles the device for a second; a person would type more slowly.
        device.refresh_from_db()
        device.throttle_reset()
        ok = self.client.post(reverse("otp_verify"), {"token": current_code(device)})
        self.assertEqual(ok.status_code, 302)
        self.assertEqual(self.client.get(reverse("home")).status_code, 200)

    def test_it_lets_an_enumerator_in_without_second_factor(self) -> None:
        self.post_login("eve@example.org", PASSWORD)
        self.assertEqual(self.client.get(reverse("home")).status_code, 200)

    @override_settings(DEBUG=True, CAMINANTES_DEMO=True)
    def test_it_waives_the_second_factor_only_for_demo_users_in_demo_mode(self) -> None:
        self.alice.is_demo = True
        self.alice.save()
        self.post_login("alice@example.org", PASSWORD)
        self.assertEqual(self.client.get(reverse("home")).status_code, 200)
        self.client.logout()
        self.post_login("pablo@example.org", PASSWORD)  # not a demo user
        self.assertEqual(self.client.get(reverse("home")).status_code, 302)

    @override_settings(DEBUG=False, CAMINANTES_DEMO=True)
    def test_it_ignores_the_demo_flag_without_debug(self) -> None:
        self.alice.is_demo = True
        self.alice.save()
        self.post_login("alice@example.org", PASSWORD)
        self.assertEqual(self.client.get(reverse("home")).status_code, 302)

    def test_it_locks_an_account_out_after_five_failures(self) -> None:
        for _ in range(5):
            self.post_login("alice@example.org", "wrong password")
        response = self.post_login("alice@example.org", PASSWORD)
        self.assertEqual(response.status_code, 429)
        self.assertContains(response, "bloqueado", status_code=429)
        self.assertNotIn("_auth_user_id", self.client.session)
        self.assertEqual(
            AuditEvent.objects.filter(
                action="login_failed", actor_email="alice@example.org"
            ).count(),
            6,  # five wrong passwords, then the right one, refused while locked
        )
        self.assertTrue(AuditEvent.objects.filter(action="locked_out").exists())

    def test_it_logs_a_session_out_after_the_idle_timeout(self) -> None:
        self.login(self.eve)
        session = self.client.session
        session[LAST_SEEN] = int(time.time()) - 31 * 60
        session.save()
        response = self.client.get(reverse("home"))
        self.assertTrue(response["Location"].startswith(reverse("login")))
        self.assertNotIn("_auth_user_id", self.client.session)

    def test_it_keeps_an_active_session(self) -> None:
        self.login(self.eve)
        session = self.client.session
        session[LAST_SEEN] = int(time.time()) - 10 * 60
        session.save()
        self.assertEqual(self.client.get(reverse("home")).status_code, 200)

    def test_it_asks_for_the_password_again_before_creating_a_token(self) -> None:
        self.login(self.alice)
        data = {"name": "script", "scopes": ["read"], "days": 30}
        response = self.client.post(reverse("token_create"), data)
        self.assertTrue(response["Location"].startswith(reverse("sudo")))
        device = TOTPDevice.objects.get(user=self.alice)
        refused = self.client.post(reverse("sudo"), {"password": "nope", "token": ""})
        self.assertEqual(refused.status_code, 200)
        self.client.post(reverse("sudo"), {"password": PASSWORD, "token": current_code(device)})
        created = self.client.post(reverse("token_create"), data)
        self.assertContains(created, "cam_")

    def test_it_records_logins_and_logouts(self) -> None:
        self.post_login("eve@example.org", PASSWORD)
        self.client.post(reverse("logout"))
        actions = list(AuditEvent.objects.filter(actor=self.eve).values_list("action", flat=True))
        self.assertIn("login", actions)
        self.assertIn("logout", actions)
