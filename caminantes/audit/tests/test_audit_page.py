from __future__ import annotations

from django.urls import reverse

from caminantes.audit import actions
from caminantes.audit.log import log
from tests.personas import PersonaTestCase


class AuditPageTest(PersonaTestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        log(cls.alice, actions.CREATE, cls.alice, organization=cls.iom)
        log(cls.charlie, actions.CREATE, cls.charlie, organization=cls.ffs)
        log(cls.alice, actions.ACCESS_DENIED, cls.pablo, "denied", organization=cls.iom)

    def test_it_shows_an_auditor_her_organisations_events_only(self) -> None:
        self.login(self.audrey)
        response = self.client.get(reverse("audit_events"))
        self.assertContains(response, "alice@example.org")
        self.assertNotContains(response, "charlie@example.org")

    def test_it_filters_by_outcome_and_user(self) -> None:
        self.login(self.audrey)
        response = self.client.get(reverse("audit_events"), {"outcome": "denied"})
        self.assertContains(response, str(self.pablo.uuid))
        self.assertNotContains(response, str(self.alice.uuid))
        response = self.client.get(reverse("audit_events"), {"user": "nobody-here"})
        self.assertNotContains(response, "alice@example.org</td>")

    def test_it_exports_csv_and_records_the_export(self) -> None:
        self.login(self.audrey)
        response = self.client.get(reverse("audit_events_csv"))
        body = b"".join(response.streaming_content).decode()  # type: ignore[attr-defined]
        self.assertIn("alice@example.org", body)
        self.assertNotIn("charlie@example.org", body)
        from caminantes.audit.models import AuditEvent

        export = AuditEvent.objects.filter(action="export", actor=self.audrey).get()
        self.assertGreaterEqual(export.context["rows"], 2)

    def test_it_refuses_the_audit_page_to_a_registrar(self) -> None:
        self.login(self.alice)
        self.assertEqual(self.client.get(reverse("audit_events")).status_code, 403)

    def test_it_tells_the_auditor_that_reads_of_personal_data_are_recorded(self) -> None:
        self.login(self.audrey)
        response = self.client.get(reverse("audit_events"))
        self.assertContains(response, "cada lectura de datos personales")
        response = self.client.get(reverse("alerts"))
        self.assertContains(response, "lee muchos registros con datos personales")
