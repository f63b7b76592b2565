"""The access rules registered by accounts.policies for accounts, geo and audit."""

from __future__ import annotations

from django.apps import apps
from django.db.models import Q
from django.test import SimpleTestCase

from caminantes.accounts import policies
from caminantes.accounts.models import ApiToken, Membership, Organization
from caminantes.accounts.permissions import Perm, Role
from caminantes.audit.models import Alert, AuditEvent
from caminantes.geo.models import AdminArea, Country, Place


def grant(*, org_wide: bool) -> policies.Grant:
    return policies.Grant(
        role=Role.COUNTRY_MANAGER,
        organization_id=1,
        country_ids=frozenset({7}),
        area_ids=frozenset(),
        org_wide=org_wide,
    )


class PolicyRulesTest(SimpleTestCase):
    def test_it_registers_every_model_of_accounts_geo_and_audit(self) -> None:
        registered = policies.registered_models()
        for label in ("accounts", "geo", "audit"):
            for model in apps.get_app_config(label).get_models():
                with self.subTest(model=model.__name__):
                    self.assertIn(model, registered)

    def test_it_lets_every_member_read_reference_places(self) -> None:
        for model in (Country, AdminArea, Place):
            scope = policies.scope_of(model)
            assert scope is not None
            self.assertTrue(scope.any_member)

    def test_it_shows_the_audit_trail_and_alerts_to_their_organisation_only(self) -> None:
        events = policies.scope_of(AuditEvent)
        assert events is not None
        self.assertEqual(events.permission, Perm.VIEW_AUDIT)
        self.assertIs(events.country_rule, policies.audit_event_rule)
        alerts = policies.scope_of(Alert)
        assert alerts is not None
        self.assertEqual(
            (alerts.permission, alerts.organization), (Perm.VIEW_ALERTS, "organization")
        )

    def test_it_shows_an_organisation_wide_auditor_attempts_on_her_records(self) -> None:
        def fields(q: Q) -> set[str]:
            out: set[str] = set()
            for child in q.children:
                out |= fields(child) if isinstance(child, Q) else {str(child[0])}  # type: ignore[index]
            return out

        self.assertIn(
            "object_organization", fields(policies.audit_event_rule(grant(org_wide=True)))
        )
        self.assertNotIn(
            "object_organization", fields(policies.audit_event_rule(grant(org_wide=False)))
        )

    def test_it_keeps_api_tokens_to_their_owner(self) -> None:
        self.assertEqual(policies.scope_of(ApiToken), policies.Scope(owner="user"))

    def test_it_shows_ones_own_organisations(self) -> None:
        self.assertEqual(policies.scope_of(Organization), policies.Scope(organization="pk"))

    def test_it_shows_a_country_grant_the_memberships_in_its_countries(self) -> None:
        self.assertEqual(
            policies.membership_countries(grant(org_wide=False)),
            Q(countries__in=frozenset({7})),
        )

    def test_it_shows_an_organisation_wide_grant_the_memberships_naming_no_country(self) -> None:
        self.assertEqual(
            policies.membership_countries(grant(org_wide=True)),
            Q(countries__in=frozenset({7})) | Q(countries__isnull=True),
        )
        scope = policies.scope_of(Membership)
        assert scope is not None
        self.assertIs(scope.country_rule, policies.membership_countries)
