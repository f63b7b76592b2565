"""What undoing a family-tracing consent withdrawal restores, and what it leaves closed."""

from __future__ import annotations

from caminantes.identity.models import TracingMatch
from caminantes.identity.tests.test_tracing_security import TracingSecurityCase
from caminantes.registry import consent
from caminantes.registry import services as registry_services


class ConsentUndoTracingTests(TracingSecurityCase):
    def test_the_undo_restores_the_consent_but_not_the_matches_it_closed(self) -> None:
        match = self.search().matches.get(person=self.maria(self.first))
        with self.captureOnCommitCallbacks(execute=True):
            withdrawn = registry_services.consent_withdraw(
                user=self.alice, consent=self.maria_consent()
            )
        match.refresh_from_db()
        self.assertEqual(match.status, TracingMatch.Status.WITHDRAWN)
        with self.captureOnCommitCallbacks(execute=True):
            registry_services.consent_withdraw_undo(user=self.alice, consent=withdrawn)
        self.assertTrue(consent.allowed(self.maria(self.first), consent.Purpose.FAMILY_TRACING))
        match.refresh_from_db()
        self.assertEqual(match.status, TracingMatch.Status.WITHDRAWN)  # told closed: stays so
        # a new search finds her again
        again = self.search(requester_description="Prima, atendida en Cúcuta")
        self.assertTrue(again.matches.filter(person=self.maria(self.first)).exists())
