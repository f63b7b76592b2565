from __future__ import annotations

from django.test import override_settings
from django.urls import reverse

from caminantes.audit import actions
from caminantes.audit.log import log
from caminantes.audit.models import Alert, AuditEvent
from tests.personas import PersonaTestCase


@override_settings(AUDIT_BULK_READ_LIMIT=3, AUDIT_BULK_READ_MINUTES=5)
class BulkReadAlertTest(PersonaTestCase):
    def read(self, n: int) -> None:
        for _ in range(n):
            log(self.bob, actions.READ_RESTRICTED, self.alice, organization=self.iom)

    def test_it_stays_quiet_up_to_the_limit(self) -> None:
        self.read(3)
        self.assertFalse(Alert.objects.exists())

    def test_it_raises_one_alert_when_the_limit_is_passed(self) -> None:
        with self.assertLogs("caminantes.audit", level="WARNING") as logs:
            self.read(6)
        alert = Alert.objects.get()
        self.assertEqual((alert.user, alert.count, alert.window_minutes), (self.bob, 4, 5))
        self.assertIn("bulk read", logs.output[0])
        self.assertTrue(AuditEvent.objects.filter(action="alert_raised").exists())

    def test_it_shows_the_alert_to_admins_and_lets_them_acknowledge_it(self) -> None:
        self.read(4)
        alert = Alert.objects.get()
        self.login(self.admin)
        home = self.client.get(reverse("home"))
        self.assertContains(home, reverse("alerts"))
        page = self.client.get(reverse("alerts"))
        self.assertContains(page, "bob@example.org")
        self.client.post(reverse("alert_acknowledge", args=[alert.uuid]))
        alert.refresh_from_db()
        self.assertEqual(alert.acknowledged_by, self.admin)

    def test_it_hides_alerts_from_a_registrar(self) -> None:
        self.read(4)
        self.login(self.alice)
        self.assertEqual(self.client.get(reverse("alerts")).status_code, 403)
        self.assertNotContains(self.client.get(reverse("home")), reverse("alerts"))
