"""Password guessing, written as the attacks: each test is what an attacker tries first."""

from __future__ import annotations

from typing import Any

from django.test import override_settings
from django.urls import reverse

from caminantes.accounts.services import api_token_create
from tests.personas import PASSWORD, PersonaTestCase

PROXY = "10.0.0.2"
ATTACKER = "203.0.113.9"
ALICE_OFFICE = "198.51.100.7"


class CaseVariantsTest(PersonaTestCase):
    def post_login(self, email: str, password: str, **extra: Any) -> Any:
        return self.client.post(
            reverse("login"), {"username": email, "password": password}, **extra
        )

    def test_it_locks_every_spelling_of_an_address_together(self) -> None:
        # Four spellings of one address used to give four counters: 16 guesses, no lock.
        full_width = "\uff21\uff2c\uff29\uff23\uff25@example.org"
        spellings = ["alice@example.org", "ALICE@example.org", " Alice@Example.org"]
        for email in [*spellings, "aLiCe@EXAMPLE.ORG", full_width]:
            self.post_login(email, "wrong password")
        response = self.post_login("Alice@example.org", PASSWORD)
        self.assertEqual(response.status_code, 429)
        self.assertNotIn("_auth_user_id", self.client.session)

    def test_a_locked_address_stays_locked_in_capitals(self) -> None:
        for _ in range(5):
            self.post_login("alice@example.org", "wrong password")
        response = self.post_login("ALICE@EXAMPLE.ORG", PASSWORD)
        self.assertEqual(response.status_code, 429)
        self.assertNotIn("_auth_user_id", self.client.session)

    def test_it_still_lets_a_person_type_capitals_when_nobody_attacks(self) -> None:
        response = self.post_login(" ALICE@Example.org ", PASSWORD)
        self.assertEqual(response.status_code, 302)
        self.assertEqual(self.client.session["_auth_user_id"], str(self.alice.pk))


@override_settings(TRUSTED_PROXY_HOPS=1)
class BehindProxyTest(PersonaTestCase):
    def post_from(self, address: str, email: str, password: str, forged: str = "") -> Any:
        forwarded = f"{forged}, {address}" if forged else address
        return self.client.post(
            reverse("login"),
            {"username": email, "password": password},
            REMOTE_ADDR=PROXY,
            HTTP_X_FORWARDED_FOR=forwarded,
        )

    def test_an_attacker_elsewhere_cannot_lock_alice_out(self) -> None:
        for _ in range(6):
            self.post_from(ATTACKER, "alice@example.org", "wrong password")
        response = self.post_from(ALICE_OFFICE, "alice@example.org", PASSWORD)
        self.assertEqual(response.status_code, 302)
        self.assertEqual(self.client.session["_auth_user_id"], str(self.alice.pk))

    def test_the_attacker_is_locked_out_even_forging_forwarded_addresses(self) -> None:
        for i in range(5):
            self.post_from(ATTACKER, "alice@example.org", "wrong", forged=f"192.0.2.{i}")
        response = self.post_from(ATTACKER, "alice@example.org", PASSWORD, forged="192.0.2.99")
        self.assertEqual(response.status_code, 429)


class NoProxyTest(PersonaTestCase):
    def test_a_forged_forwarded_header_does_not_reset_the_count(self) -> None:
        for i in range(5):
            self.client.post(
                reverse("login"),
                {"username": "alice@example.org", "password": "wrong"},
                HTTP_X_FORWARDED_FOR=f"192.0.2.{i}",
            )
        response = self.client.post(
            reverse("login"),
            {"username": "alice@example.org", "password": PASSWORD},
            HTTP_X_FORWARDED_FOR="192.0.2.200",
        )
        self.assertEqual(response.status_code, 429)


class LoginRateTest(PersonaTestCase):
    def post(self, email: str, password: str, address: str) -> Any:
        return self.client.post(
            reverse("login"), {"username": email, "password": password}, REMOTE_ADDR=address
        )

    @override_settings(LOGIN_RATE_PER_ADDRESS=3)
    def test_one_address_cannot_spray_guesses_over_many_accounts(self) -> None:
        for email in ("bob@example.org", "carla@example.org", "pablo@example.org"):
            self.post(email, "Password2024!", ATTACKER)  # one guess each: no account locks
        response = self.post("alice@example.org", PASSWORD, ATTACKER)
        self.assertEqual(response.status_code, 429)
        self.assertContains(response, "Demasiados intentos", status_code=429)
        self.assertNotIn("_auth_user_id", self.client.session)
        # Someone at another address is not slowed down.
        self.assertEqual(self.post("alice@example.org", PASSWORD, ALICE_OFFICE).status_code, 302)

    @override_settings(LOGIN_RATE_PER_ACCOUNT=3)
    def test_many_addresses_cannot_share_out_the_guesses_on_one_account(self) -> None:
        for i in range(3):
            self.post("alice@example.org", "wrong password", f"192.0.2.{i}")
        response = self.post("ALICE@example.org", PASSWORD, "192.0.2.50")
        self.assertEqual(response.status_code, 429)
        self.assertNotIn("_auth_user_id", self.client.session)


class ApiTokenRateTest(PersonaTestCase):
    @override_settings(API_RATE_PER_USER=3)
    def test_a_stolen_token_cannot_harvest_at_full_speed(self) -> None:
        issued = api_token_create(user=self.alice, name="script", scopes=["read"])
        headers = {"Authorization": f"Bearer {issued.secret}"}
        codes = [self.client.get("/api/v1/me", headers=headers).status_code for _ in range(4)]
        self.assertEqual(codes, [200, 200, 200, 429])
        self.assertIn("Demasiadas", self.client.get("/api/v1/me", headers=headers).json()["detail"])

    @override_settings(API_RATE_PER_ADDRESS=3)
    def test_one_address_cannot_try_token_after_token(self) -> None:
        issued = api_token_create(user=self.alice, name="script", scopes=["read"])
        for i in range(3):
            bad = {"Authorization": f"Bearer cam_0000000{i}_guess"}
            self.assertEqual(self.client.get("/api/v1/me", headers=bad).status_code, 401)
        good = {"Authorization": f"Bearer {issued.secret}"}
        self.assertEqual(self.client.get("/api/v1/me", headers=good).status_code, 429)


class NoAddressTest(PersonaTestCase):
    def test_it_logs_in_a_request_that_carries_no_address(self) -> None:
        # A Unix socket behind a proxy gives no REMOTE_ADDR: axes must store no address rather
        # than a word PostgreSQL's address column refuses (every such login failed there).
        from django.http import HttpRequest

        from caminantes.accounts.lockout import axes_client_ip

        self.assertIsNone(axes_client_ip(HttpRequest()))
        self.client.force_login(self.eve)
        self.assertIn("_auth_user_id", self.client.session)
