from __future__ import annotations

from datetime import timedelta
from unittest import mock

from django.core.exceptions import PermissionDenied
from django.db import DataError
from django.test import override_settings
from django.utils import timezone

from caminantes.accounts.models import ApiToken, User
from caminantes.accounts.services import api_token_create
from caminantes.audit.models import AuditEvent
from tests.personas import PersonaTestCase


class ApiTest(PersonaTestCase):
    def bearer(self, secret: str) -> dict[str, str]:
        return {"Authorization": f"Bearer {secret}"}

    def test_it_publishes_the_openapi_schema(self) -> None:
        self.login(self.alice)
        schema = self.client.get("/api/v1/openapi.json").json()
        self.assertIn("/api/v1/organizations/{uuid}", schema["paths"])
        self.assertIn("/api/v1/audit/events", schema["paths"])

    def test_it_refuses_calls_without_credentials(self) -> None:
        self.assertEqual(self.client.get("/api/v1/me").status_code, 401)

    def test_it_stores_only_a_hash_and_shows_the_secret_once(self) -> None:
        issued = api_token_create(user=self.alice, name="script", scopes=["read"])
        token = ApiToken.objects.get(pk=issued.token.pk)
        self.assertNotIn(issued.secret, token.key_hash)
        self.assertEqual(token.key_hash, ApiToken.hash_secret(issued.secret))
        self.assertTrue(
            AuditEvent.objects.filter(action="token_created", actor=self.alice).exists()
        )
        me = self.client.get("/api/v1/me", headers=self.bearer(issued.secret)).json()
        self.assertEqual(me["email"], "alice@example.org")
        self.assertEqual(me["memberships"][0]["organization"], "IOM")

    def test_it_refuses_expired_revoked_and_wrong_tokens(self) -> None:
        issued = api_token_create(user=self.alice, name="old", scopes=["read"])
        ApiToken.objects.filter(pk=issued.token.pk).update(
            expires_at=timezone.now() - timedelta(seconds=1)
        )
        self.assertEqual(
            self.client.get("/api/v1/me", headers=self.bearer(issued.secret)).status_code, 401
        )
        issued = api_token_create(user=self.alice, name="revoked", scopes=["read"])
        ApiToken.objects.filter(pk=issued.token.pk).update(revoked_at=timezone.now())
        self.assertEqual(
            self.client.get("/api/v1/me", headers=self.bearer(issued.secret)).status_code, 401
        )
        forged = issued.secret[:-3] + "xyz"
        self.assertEqual(
            self.client.get("/api/v1/me", headers=self.bearer(forged)).status_code, 401
        )

    def test_it_limits_a_read_token_to_reading(self) -> None:
        issued = api_token_create(user=self.alice, name="ro", scopes=["read"])
        response = self.client.post(
            f"/api/v1/tokens/{issued.token.uuid}/revoke", headers=self.bearer(issued.secret)
        )
        self.assertEqual(response.status_code, 403)
        rw = api_token_create(user=self.alice, name="rw", scopes=["read", "write"])
        response = self.client.post(
            f"/api/v1/tokens/{issued.token.uuid}/revoke", headers=self.bearer(rw.secret)
        )
        self.assertEqual(response.status_code, 200)
        self.assertIsNotNone(response.json()["revoked_at"])

    def test_it_filters_lists_by_the_same_policy_as_pages(self) -> None:
        secret = api_token_create(user=self.carla, name="t", scopes=["read"]).secret
        orgs = self.client.get("/api/v1/organizations", headers=self.bearer(secret)).json()
        self.assertEqual([o["acronym"] for o in orgs["items"]], ["IOM"])
        members = self.client.get(
            f"/api/v1/organizations/{self.iom.uuid}/members", headers=self.bearer(secret)
        ).json()
        emails = {m["user_email"] for m in members["items"]}
        self.assertIn("alice@example.org", emails)
        self.assertNotIn("charlie@example.org", emails)

    def test_it_refuses_a_session_that_has_not_passed_two_factor(self) -> None:
        self.client.force_login(self.alice)
        self.assertEqual(self.client.get("/api/v1/me").status_code, 401)
        self.login(self.alice)
        self.assertEqual(self.client.get("/api/v1/me").status_code, 200)

    def test_it_refuses_tokens_to_people_without_api_access(self) -> None:
        with self.assertRaises(PermissionDenied):
            api_token_create(user=self.nobody, name="x", scopes=["read"])

    def test_it_answers_a_page_number_past_any_list_with_422_not_500(self) -> None:
        # Schemathesis sent page=18458946361124257792: an OFFSET SQLite cannot hold.
        secret = api_token_create(user=self.carla, name="t", scopes=["read"]).secret
        for path in ("/api/v1/organizations", "/api/v1/geo/places"):
            for query in ("page=18458946361124257792", "page=1000001", "page_size=99999999999"):
                with self.subTest(path=path, query=query):
                    response = self.client.get(f"{path}?{query}", headers=self.bearer(secret))
                    self.assertEqual(response.status_code, 422)
            self.assertEqual(
                self.client.get(f"{path}?page=1000000", headers=self.bearer(secret)).json()[
                    "items"
                ],
                [],
            )

    @override_settings(DEBUG=True)  # ninja's catch-all answers 500 only under DEBUG
    def test_it_answers_a_body_it_cannot_read_with_400(self) -> None:
        secret = api_token_create(user=self.alice, name="t", scopes=["read", "write"]).secret
        response = self.client.post(
            "/api/v1/collect/forms",
            data=b"--x\r\n",
            content_type="multipart/form-data",  # no boundary
            headers=self.bearer(secret),
        )
        self.assertEqual(response.status_code, 400)
        self.assertIn("detail", response.json())

    def test_it_answers_a_value_no_column_can_hold_with_422(self) -> None:
        # PostgreSQL's DataError: a number past its integer, or a text past a column.
        secret = api_token_create(user=self.alice, name="t", scopes=["read"]).secret
        errors = [
            DataError("value too long for type character varying(120)"),
            OverflowError("Python int too large to convert to SQLite INTEGER"),
        ]
        for error in errors:
            failing = mock.patch.object(User, "active_memberships", side_effect=error)
            with self.subTest(error=type(error).__name__), failing:
                response = self.client.get("/api/v1/me", headers=self.bearer(secret))
                self.assertEqual(response.status_code, 422)
                self.assertIn("detail", response.json())
