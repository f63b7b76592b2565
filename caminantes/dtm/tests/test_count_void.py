"""Voiding a tally sheet asks first and can be undone for a few minutes."""

from __future__ import annotations

from datetime import timedelta

from django.urls import reverse
from django.utils import timezone

from caminantes.audit.models import AuditEvent
from caminantes.dtm.models import FlowCount, FlowDaily
from caminantes.dtm.tests.base import DtmTestCase, sheet
from caminantes.lib.undo import UNDO_MINUTES


class CountVoidTest(DtmTestCase):
    def setUp(self) -> None:
        super().setUp()
        self.login(self.eve)
        self.client.post(reverse("dtm_tally", args=[self.point.uuid]), sheet())
        self.count = FlowCount.objects.get()
        self.void_url = reverse("dtm_count_void", args=[self.count.uuid])
        self.undo_url = reverse("dtm_count_void_undo", args=[self.count.uuid])

    def void(self, minutes_ago: int = 0) -> None:
        self.client.post(self.void_url, {"confirm": "1"})
        FlowCount.objects.filter(pk=self.count.pk).update(
            voided_at=timezone.now() - timedelta(minutes=minutes_ago)
        )

    def daily(self) -> int:
        row = FlowDaily.objects.first()
        return row.individuals if row else 0

    def test_the_void_link_asks_before_voiding(self) -> None:
        point_page = self.client.get(reverse("dtm_point", args=[self.point.uuid]))
        self.assertContains(point_page, f'href="{self.void_url}"')
        for response in (self.client.get(self.void_url), self.client.post(self.void_url)):
            self.assertContains(response, "¿Anular esta planilla?")
            self.assertContains(response, 'name="confirm" value="1"')
        self.count.refresh_from_db()
        self.assertIsNone(self.count.voided_at)
        self.assertEqual(self.daily(), 10)

    def test_it_voids_once_confirmed_and_offers_the_undo_on_the_point(self) -> None:
        response = self.client.post(self.void_url, {"confirm": "1"}, follow=True)
        self.assertRedirects(response, reverse("dtm_point", args=[self.point.uuid]))
        self.assertContains(response, f"Puede deshacerlo durante {UNDO_MINUTES} minutos")
        self.assertContains(response, f'action="{self.undo_url}"')
        self.assertEqual(self.daily(), 0)

    def test_an_enumerator_who_undoes_within_the_window_counts_the_sheet_again(self) -> None:
        self.void(minutes_ago=UNDO_MINUTES - 1)
        response = self.client.post(self.undo_url, follow=True)
        self.assertContains(response, "la planilla vuelve a contar")
        self.count.refresh_from_db()
        self.assertIsNone(self.count.voided_at)
        self.assertEqual(self.daily(), 10)
        self.assertTrue(
            AuditEvent.objects.filter(
                object_uuid=self.count.uuid, context__change="void undone"
            ).exists()
        )

    def test_after_the_window_the_undo_is_refused_with_a_message(self) -> None:
        self.void(minutes_ago=UNDO_MINUTES + 1)
        point_page = self.client.get(reverse("dtm_point", args=[self.point.uuid]))
        self.assertNotContains(point_page, self.undo_url)
        response = self.client.post(self.undo_url, follow=True)
        self.assertContains(response, f"Pasaron más de {UNDO_MINUTES} minutos")
        self.count.refresh_from_db()
        self.assertIsNotNone(self.count.voided_at)
        self.assertEqual(self.daily(), 0)

    def test_the_undo_is_refused_once_the_shift_was_entered_again(self) -> None:
        self.void()
        self.client.post(reverse("dtm_tally", args=[self.point.uuid]), sheet(individuals=10))
        response = self.client.post(self.undo_url, follow=True)
        self.assertContains(response, "contaría el turno dos veces")
        self.count.refresh_from_db()
        self.assertIsNotNone(self.count.voided_at)
        self.assertEqual(self.daily(), 10)  # the new sheet, once

    def test_someone_who_may_not_void_cannot_undo(self) -> None:
        self.void()
        self.login(self.alice)
        self.assertIn(self.client.post(self.undo_url).status_code, (403, 404))
        self.count.refresh_from_db()
        self.assertIsNotNone(self.count.voided_at)
