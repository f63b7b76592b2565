"""Ordinary mistakes on the account pages are told in words, never a 500."""

from __future__ import annotations

from datetime import timedelta

from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from caminantes.accounts.models import Membership, User
from caminantes.accounts.permissions import Role
from caminantes.accounts.services import membership_add
from tests.personas import PersonaTestCase


class AccountFormErrorsTest(PersonaTestCase):
    def test_it_goes_home_when_the_switchers_next_is_not_a_path(self) -> None:
        self.login(self.alice)
        for junk in ("not-a-path", "home", "//evil.example/", "99999999999999999999"):
            response = self.client.post(reverse("switch_context"), {"country": "CO", "next": junk})
            self.assertRedirects(response, reverse("home"), fetch_redirect_response=False)

    def test_it_refuses_a_membership_that_ends_before_it_starts(self) -> None:
        self.login(self.admin, sudo=True)
        yesterday = timezone.localdate() - timedelta(days=1)
        url = reverse("membership_add", args=[self.ffs.uuid])
        data = {"email": "new@example.org", "role": "registration_officer",
                "ends_on": yesterday.isoformat()}  # fmt: skip
        response = self.client.post(url, data, follow=True)
        self.assertEqual(response.status_code, 200)
        self.assertFalse(Membership.objects.filter(user__email="new@example.org").exists())
        user = User.objects.create_user("late@example.org", "x")
        with self.assertRaises(ValidationError) as cm:
            membership_add(actor=None, user=user, organization=self.ffs,
                           role=Role.REGISTRATION_OFFICER, ends_on=yesterday)  # fmt: skip
        self.assertIn("ends_on", cm.exception.message_dict)

    def test_it_lists_a_wrong_password_at_the_top_of_the_login_page(self) -> None:
        response = self.client.post(
            reverse("login"), {"username": self.alice.email, "password": "not-her-password"}
        )
        self.assertContains(response, "data-error-summary")

    def test_it_lists_a_token_without_a_name_at_the_top_and_links_to_the_field(self) -> None:
        self.login(self.alice, sudo=True)
        response = self.client.post(reverse("token_create"), {"name": "", "days": "30"})
        self.assertContains(response, "data-error-summary", status_code=400)
        self.assertContains(response, 'href="#id_name"', status_code=400)
