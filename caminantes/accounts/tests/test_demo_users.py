"""Demo accounts on a real server: a known password must not open anything."""

from __future__ import annotations

from typing import Any

from django.core.checks import run_checks
from django.test import override_settings
from django.urls import reverse

from caminantes.accounts import services
from caminantes.accounts.demo import DEFAULT_PASSWORD
from caminantes.accounts.models import Membership, User
from caminantes.accounts.permissions import Role
from tests.personas import PersonaTestCase


class DemoUserTest(PersonaTestCase):
    demo_admin: User

    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        cls.demo_admin = services.user_create(
            actor=None,
            email="admin@demo.caminantes.org",
            full_name="Ana Plataforma",
            password=DEFAULT_PASSWORD,
            is_demo=True,
        )
        Membership.objects.create(
            user=cls.demo_admin, organization=cls.iom, role=Role.PLATFORM_ADMIN
        )

    def post_login(self) -> Any:
        return self.client.post(
            reverse("login"),
            {"username": "admin@demo.caminantes.org", "password": DEFAULT_PASSWORD},
        )

    @override_settings(DEBUG=False, CAMINANTES_DEMO=False)
    def test_the_demo_password_opens_nothing_on_a_real_server(self) -> None:
        response = self.post_login()
        self.assertEqual(response.status_code, 200)
        self.assertNotIn("_auth_user_id", self.client.session)
        self.assertEqual(self.client.get(reverse("otp_setup")).status_code, 302)

    @override_settings(DEBUG=False, CAMINANTES_DEMO=False)
    def test_a_demo_session_left_open_ends(self) -> None:
        self.client.force_login(self.demo_admin)
        response = self.client.get(reverse("home"))
        self.assertTrue(response["Location"].startswith(reverse("login")))

    @override_settings(DEBUG=False, CAMINANTES_DEMO=False)
    def test_a_demo_users_api_token_opens_nothing(self) -> None:
        issued = services.api_token_create(user=self.demo_admin, name="x", scopes=["read"])
        response = self.client.get(
            "/api/v1/me", headers={"Authorization": f"Bearer {issued.secret}"}
        )
        self.assertEqual(response.status_code, 401)

    @override_settings(DEBUG=True, CAMINANTES_DEMO=True)
    def test_the_demo_still_works_on_a_demo_server(self) -> None:
        response = self.post_login()
        self.assertEqual(response.status_code, 302)
        self.assertEqual(self.client.get(reverse("home")).status_code, 200)

    @override_settings(DEBUG=False, CAMINANTES_DEMO=False)
    def test_check_deploy_warns_while_demo_users_exist(self) -> None:
        ids = {m.id for m in run_checks(include_deployment_checks=True)}
        self.assertIn("caminantes.W001", ids)
        self.demo_admin.is_active = False
        self.demo_admin.save()
        ids = {m.id for m in run_checks(include_deployment_checks=True)}
        self.assertNotIn("caminantes.W001", ids)
