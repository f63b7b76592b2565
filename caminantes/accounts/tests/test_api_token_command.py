"""`caminantes api-token`: a token made on the command line works like one made on the page."""

from __future__ import annotations

from io import StringIO

from django.core.management import CommandError, call_command
from django.test import override_settings

from caminantes.accounts.models import ApiToken
from caminantes.audit.models import AuditEvent
from tests.personas import PersonaTestCase


class ApiTokenCommandTests(PersonaTestCase):
    def run_command(self, *args: str) -> tuple[str, str]:
        out, err = StringIO(), StringIO()
        call_command("api-token", *args, stdout=out, stderr=err)
        return out.getvalue().strip(), err.getvalue()

    def test_it_prints_a_working_secret_once_and_audits_it(self) -> None:
        secret, said = self.run_command(
            "ALICE@example.org", "--scope", "read", "--scope", "write", "--days", "30"
        )
        token = ApiToken.objects.get(user=self.alice)
        self.assertEqual(token.scopes, ["read", "write"])
        self.assertEqual(token.key_hash, ApiToken.hash_secret(secret))
        self.assertNotIn(secret, said)
        self.assertIn("read, write", said)
        self.assertEqual((token.expires_at - token.created_at).days, 29)
        event = AuditEvent.objects.get(action="token_created", actor=self.alice)
        self.assertEqual(event.outcome, "allowed")
        response = self.client.get("/api/v1/me", headers={"authorization": f"Bearer {secret}"})
        self.assertEqual(response.status_code, 200)

    def test_it_names_an_unknown_email(self) -> None:
        with self.assertRaisesMessage(CommandError, "No user with the e-mail address"):
            self.run_command("ghost@example.org", "--scope", "read")
        self.assertFalse(ApiToken.objects.exists())

    def test_it_refuses_an_unknown_scope_or_none(self) -> None:
        with self.assertRaisesMessage(CommandError, "Unknown scope admin"):
            self.run_command("alice@example.org", "--scope", "read", "--scope", "admin")
        with self.assertRaisesMessage(CommandError, "Give at least one --scope"):
            self.run_command("alice@example.org")
        self.assertFalse(ApiToken.objects.exists())

    @override_settings(API_TOKEN_MAX_DAYS=365)
    def test_it_refuses_days_out_of_bounds(self) -> None:
        for days in ("0", "-3", "366"):
            with self.subTest(days=days), self.assertRaisesMessage(CommandError, "365"):
                self.run_command("alice@example.org", "--scope", "read", "--days", days)
        with self.assertRaises(CommandError):
            self.run_command("alice@example.org", "--scope", "read", "--days", "ten")
        self.assertFalse(ApiToken.objects.exists())

    def test_it_refuses_an_inactive_user(self) -> None:
        self.alice.is_active = False
        self.alice.save(update_fields=["is_active"])
        with self.assertRaisesMessage(CommandError, "not active"):
            self.run_command("alice@example.org", "--scope", "read")
        self.assertFalse(ApiToken.objects.exists())

    def test_it_refuses_a_user_without_api_access_and_audits_the_refusal(self) -> None:
        with self.assertRaisesMessage(CommandError, "nobody@example.org"):
            self.run_command("nobody@example.org", "--scope", "read")
        self.assertFalse(ApiToken.objects.exists())
        self.assertTrue(
            AuditEvent.objects.filter(
                action="token_created", actor=self.nobody, outcome="denied"
            ).exists()
        )
