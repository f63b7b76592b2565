"""Withdrawing a consent asks first and, for a few minutes, can be undone."""

from __future__ import annotations

from datetime import timedelta

from django.urls import reverse
from django.utils import timezone

from caminantes.audit.models import AuditEvent
from caminantes.lib.undo import UNDO_MINUTES
from caminantes.registry import services
from caminantes.registry.inputs import ConsentInput
from caminantes.registry.models import Consent, TimelineEntry
from caminantes.registry.tests.base import RegistryTestCase


class ConsentWithdrawUndoTests(RegistryTestCase):
    def setUp(self) -> None:
        super().setUp()
        self.consent = Consent.objects.get(person=self.focal_person(), purpose="family_tracing")
        self.page = reverse("consent_withdraw", args=[self.consent.uuid])
        self.undo = reverse("consent_withdraw_undo", args=[self.consent.uuid])
        self.login(self.alice)

    def withdraw(self, minutes_ago: int = 0) -> None:
        self.client.post(self.page, {"version": "1"})
        Consent.objects.filter(pk=self.consent.pk).update(
            withdrawn_at=timezone.now() - timedelta(minutes=minutes_ago)
        )

    def current(self) -> Consent:
        return Consent.objects.get(pk=self.consent.pk)

    def test_the_confirmation_says_what_a_tracing_withdrawal_closes_and_undo_does_not_reopen(
        self,
    ) -> None:
        page = self.client.get(self.page)
        self.assertContains(page, "no los reabre")
        self.assertIsNone(self.current().withdrawn_on)

    def test_after_withdrawing_the_page_offers_the_undo(self) -> None:
        response = self.client.post(self.page, {"version": "1"}, follow=True)
        self.assertRedirects(response, self.page)
        self.assertContains(response, "Consentimiento retirado")
        self.assertContains(response, f'action="{self.undo}"')
        self.assertContains(response, "Lo que se cerró sigue cerrado")

    def test_a_user_who_undoes_within_the_window_gets_the_consent_back(self) -> None:
        self.withdraw(minutes_ago=UNDO_MINUTES - 1)
        response = self.client.post(self.undo, {"version": "2"}, follow=True)
        self.assertRedirects(response, reverse("household_detail", args=[self.family.uuid]))
        self.assertContains(response, "vuelve a contar desde ahora")
        consent = self.current()
        self.assertIsNone(consent.withdrawn_on)
        self.assertIsNone(consent.withdrawn_by)
        self.assertTrue(consent.is_active)
        self.assertEqual(consent.version, 3)
        self.assertTrue(
            AuditEvent.objects.filter(object_uuid=consent.uuid, context__undone=True).exists()
        )
        self.assertTrue(
            TimelineEntry.objects.filter(household=self.family, kind="consent")
            .filter(summary__startswith="Consent withdrawal undone")
            .exists()
        )

    def test_after_the_window_the_undo_is_refused_with_a_message(self) -> None:
        self.withdraw(minutes_ago=UNDO_MINUTES + 1)
        page = self.client.get(self.page)
        self.assertNotContains(page, self.undo)
        self.assertContains(page, "registre un nuevo consentimiento")
        response = self.client.post(self.undo, {"version": "2"}, follow=True)
        self.assertContains(response, f"Pasaron más de {UNDO_MINUTES} minutos")
        self.assertIsNotNone(self.current().withdrawn_on)

    def test_the_undo_is_refused_once_the_consent_was_given_again(self) -> None:
        self.withdraw()
        services.consent_record(
            user=self.alice,
            person=self.focal_person(),
            purpose="family_tracing",
            recipient=None,
            c=ConsentInput(purposes=["family_tracing"]),
        )
        response = self.client.post(self.undo, {"version": "2"}, follow=True)
        self.assertContains(response, "nada que deshacer")
        self.assertIsNotNone(self.current().withdrawn_on)

    def test_a_stale_page_cannot_undo(self) -> None:
        self.withdraw()
        response = self.client.post(self.undo, {"version": "1"}, follow=True)
        self.assertIn("error", [m.level_tag for m in response.context["messages"]])
        self.assertIsNotNone(self.current().withdrawn_on)

    def test_another_organisation_and_another_country_cannot_undo(self) -> None:
        self.withdraw()
        for outsider in (self.charlie, self.pablo):
            self.login(outsider)
            response = self.client.post(self.undo, {"version": "2"})
            self.assertIn(response.status_code, (403, 404), outsider)
        self.assertIsNotNone(self.current().withdrawn_on)
