"""Only the users assigned to a case, with the matching role, in the case's organisation and
country, see it; the general audit trail shows nothing of it."""

from __future__ import annotations

from django.http import Http404

from caminantes.accounts import policies
from caminantes.accounts.models import Membership, Organization, User
from caminantes.accounts.permissions import Role
from caminantes.audit import actions
from caminantes.audit.log import BULK_READ_ACTIONS
from caminantes.audit.models import AuditEvent
from caminantes.geo.models import Country
from caminantes.protection import selectors
from caminantes.protection.models import Assignment, ProtectionCase, new_survivor_code
from tests.personas import PASSWORD, PersonaTestCase


def make_case(
    org: Organization, country: Country, kind: str, user: User, role: str = "caseworker"
) -> ProtectionCase:
    case = ProtectionCase(
        organization=org, country=country, kind=kind, survivor_code=new_survivor_code(kind)
    )
    case.set_contents({"name": "Nombre Secreto"})
    case.save()
    Assignment.objects.create(case=case, user=user, role=role)
    return case


class PolicyTest(PersonaTestCase):
    vera: User
    tom: User
    gbv: ProtectionCase
    tip: ProtectionCase

    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        cls.vera = User.objects.create_user("vera@example.org", PASSWORD, full_name="Vera")
        Membership.objects.create(
            user=cls.vera, organization=cls.iom, role=Role.GBV_OFFICER
        ).countries.set([cls.co])
        cls.tom = User.objects.create_user("tom@example.org", PASSWORD, full_name="Tom")
        Membership.objects.create(
            user=cls.tom, organization=cls.iom, role=Role.ANTI_TRAFFICKING_OFFICER
        ).countries.set([cls.co])
        cls.gbv = make_case(cls.iom, cls.co, "gbv", cls.bob)
        cls.tip = make_case(cls.iom, cls.co, "trafficking", cls.tom)

    def test_it_shows_a_case_to_its_assigned_officer_only(self) -> None:
        self.assertEqual(list(selectors.cases_for(self.bob)), [self.gbv])
        self.assertEqual(list(selectors.cases_for(self.tom)), [self.tip])
        for user in (self.vera, self.alice, self.carla, self.admin, self.audrey, self.charlie):
            with self.subTest(user=user.email):
                self.assertEqual(list(selectors.cases_for(user)), [])
                with self.assertRaises(Http404):
                    selectors.case_for(user, self.gbv.uuid)

    def test_it_needs_the_matching_role_for_the_kind(self) -> None:
        # Bob (GBV) assigned to a trafficking case by mistake still cannot open it.
        Assignment.objects.create(case=self.tip, user=self.bob, role="caseworker")
        with self.assertRaises(Http404):
            selectors.case_for(self.bob, self.tip.uuid)

    def test_it_closes_the_case_when_the_assignment_ends(self) -> None:
        from django.utils import timezone

        Assignment.objects.filter(case=self.gbv, user=self.bob).update(ended_at=timezone.now())
        self.assertEqual(list(selectors.cases_for(self.bob)), [])

    def test_it_audits_opens_and_denials_on_the_case_only(self) -> None:
        selectors.case_for(self.bob, self.gbv.uuid)
        with self.assertRaises(Http404):
            selectors.case_for(self.vera, self.gbv.uuid)
        opened = list(selectors.case_openings(self.gbv).values_list("actor__email", "action"))
        self.assertIn(("bob@example.org", actions.READ_RESTRICTED), opened)
        self.assertIn(("vera@example.org", actions.ACCESS_DENIED), opened)
        # The general trail shows none of it, not even to the platform administrator.
        for reader in (self.admin, self.audrey):
            trail = policies.visible(reader, AuditEvent)
            self.assertFalse(trail.filter(object_uuid=self.gbv.uuid).exists())
            self.assertFalse(trail.filter(object_type__startswith="protection.").exists())

    def test_it_counts_protection_reads_for_the_bulk_alert(self) -> None:
        self.assertIn(actions.READ_RESTRICTED, BULK_READ_ACTIONS)
        self.assertIn(actions.PROTECTION_REVEAL, BULK_READ_ACTIONS)
        self.assertIn(actions.PROTECTION_PRINT, BULK_READ_ACTIONS)
