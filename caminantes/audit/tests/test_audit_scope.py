"""An auditor's reach follows the countries of her membership, like everyone's."""

from __future__ import annotations

from django.urls import reverse

from caminantes.accounts.models import Membership, User
from caminantes.accounts.permissions import Role
from caminantes.audit import actions
from caminantes.audit.log import log
from caminantes.audit.models import AuditEvent
from tests.personas import PASSWORD, PersonaTestCase


class CountryAuditorTest(PersonaTestCase):
    celia: User
    in_colombia: AuditEvent
    in_peru: AuditEvent

    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        cls.celia = User.objects.create_user("celia@example.org", PASSWORD, full_name="Celia")
        membership = Membership.objects.create(
            user=cls.celia, organization=cls.iom, role=Role.AUDITOR
        )
        membership.countries.set([cls.co])
        cls.in_colombia = log(cls.alice, actions.CREATE, cls.alice, organization=cls.iom)
        cls.in_peru = log(cls.pablo, actions.CREATE, cls.pablo, organization=cls.iom)

    def test_a_colombia_auditor_does_not_read_perus_events(self) -> None:
        self.login(self.celia)
        page = self.client.get(reverse("audit_events"), {"user": "alice"})
        self.assertContains(page, "alice@example.org")
        page = self.client.get(reverse("audit_events"), {"user": "pablo"})
        self.assertNotContains(page, "pablo@example.org")
        api = self.client.get("/api/v1/audit/events").json()
        self.assertNotIn("pablo@example.org", str(api))
        one = self.client.get(f"/api/v1/audit/events/{self.in_peru.uuid}")
        self.assertEqual(one.status_code, 404)

    def test_an_organisation_wide_auditor_still_reads_every_country(self) -> None:
        self.login(self.audrey)
        for who in ("alice", "pablo"):
            page = self.client.get(reverse("audit_events"), {"user": who})
            self.assertContains(page, f"{who}@example.org")
