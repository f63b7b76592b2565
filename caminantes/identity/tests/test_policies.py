"""Identity's access rules (identity.policies): the Q each rule builds for a grant."""

from __future__ import annotations

from django.apps import apps
from django.db.models import Q
from django.test import SimpleTestCase

from caminantes.accounts import policies
from caminantes.accounts.permissions import Perm, Role
from caminantes.identity import models as m
from caminantes.identity import policies as rules

# The matching keys are an index the engine reads, never a page.
NOT_LISTED = {m.MatchKey}


def grant(areas: frozenset[int] = frozenset()) -> policies.Grant:
    return policies.Grant(
        role=Role.REGISTRATION_OFFICER,
        organization_id=1,
        country_ids=frozenset({7}),
        area_ids=areas,
    )


class IdentityPolicyTest(SimpleTestCase):
    def test_it_registers_every_model_a_page_lists(self) -> None:
        registered = policies.registered_models()
        for model in apps.get_app_config("identity").get_models():
            with self.subTest(model=model.__name__):
                self.assertEqual(model in registered, model not in NOT_LISTED)

    def test_it_covers_a_person_in_a_household_of_the_grant(self) -> None:
        self.assertEqual(
            rules.holds("person__", grant()),
            Q(person__household__organization=1) & Q(person__household__country__in=frozenset({7})),
        )

    def test_it_narrows_a_person_to_the_grants_areas_when_it_names_some(self) -> None:
        self.assertEqual(
            rules.holds("", grant(frozenset({3}))),
            Q(household__organization=1)
            & Q(household__country__in=frozenset({7}))
            & Q(household__admin_area__in=frozenset({3})),
        )

    def test_it_shows_a_pair_decision_only_to_who_holds_both_people(self) -> None:
        g = grant()
        self.assertEqual(
            rules.both_people(g), rules.holds("person_a__", g) & rules.holds("person_b__", g)
        )
        scope = policies.scope_of(m.PairDecision)
        assert scope is not None
        self.assertEqual(scope.permission, Perm.REVIEW_DUPLICATES)
        self.assertIs(scope.country_rule, rules.both_people)

    def test_it_shows_a_tracing_match_to_the_requester_and_to_who_holds_the_person(self) -> None:
        g = grant()
        requesting = Q(match__request__organization=1) & Q(
            match__request__country__in=frozenset({7})
        )
        self.assertEqual(
            rules.tracing_rule("match__")(g), requesting | rules.holds("match__person__", g)
        )

    def test_it_keeps_notifications_to_their_owner(self) -> None:
        self.assertEqual(policies.scope_of(m.Notification), policies.Scope(owner="user"))
