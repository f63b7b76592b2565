"""Probing another organisation's records shows up in that organisation's audit trail."""

from __future__ import annotations

from django.urls import reverse

from caminantes.accounts import policies
from caminantes.audit import selectors
from caminantes.audit.models import AuditEvent
from caminantes.registry.tests.base import RegistryTestCase
from tests.personas import PASSWORD


class ProbingTest(RegistryTestCase):
    def auditor_sees(self, user: str = "") -> list[str]:
        qs = selectors.audit_events_filtered(
            events=policies.visible(self.audrey, AuditEvent),
            filters=selectors.EventFilter(outcome="denied", user=user),
        )
        return [e.actor_email for e in qs]

    def test_it_shows_the_owners_auditor_a_partners_attempt_on_her_records(self) -> None:
        self.login(self.charlie)
        response = self.client.get(reverse("household_detail", args=[self.family.uuid]))
        self.assertEqual(response.status_code, 404)
        self.assertIn("charlie@example.org", self.auditor_sees())
        self.login(self.audrey)
        page = self.client.get(reverse("audit_events"), {"outcome": "denied"})
        self.assertContains(page, str(self.family.uuid))

    def test_it_shows_the_accounts_auditor_failed_logins_to_it(self) -> None:
        self.client.post(reverse("login"), {"username": "alice@example.org", "password": "wrong"})
        self.assertIn("alice@example.org", self.auditor_sees(user="alice"))

    def test_it_keeps_another_organisations_denials_from_the_auditor(self) -> None:
        self.login(self.alice)
        self.client.get(reverse("household_detail", args=[self.ffs_family.uuid]))
        self.client.post(reverse("login"), {"username": "ramona@example.org", "password": PASSWORD})
        # Alice's own attempt is IOM's business; FFS's failed login is not.
        self.assertEqual(self.auditor_sees(), ["alice@example.org"])
