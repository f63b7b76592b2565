"""The DTM's access rules (dtm.policies), read without a database."""

from __future__ import annotations

from django.apps import apps
from django.test import SimpleTestCase

from caminantes.accounts import policies
from caminantes.accounts.permissions import Perm
from caminantes.dtm import models as m
from caminantes.dtm.policies import analysed

# An import's rows are read through their import, never listed on their own.
NOT_LISTED = {m.DtmImportRow}


class DtmPolicyTest(SimpleTestCase):
    def test_it_registers_every_model_a_page_lists(self) -> None:
        registered = policies.registered_models()
        for model in apps.get_app_config("dtm").get_models():
            with self.subTest(model=model.__name__):
                self.assertEqual(model in registered, model not in NOT_LISTED)

    def test_it_shows_flows_to_analysts_of_the_points_area(self) -> None:
        self.assertEqual(
            policies.scope_of(m.FlowCount),
            policies.Scope(
                permission=Perm.DTM_ANALYSE,
                organization="organization",
                country="country",
                area="point__admin_area",
            ),
        )

    def test_it_scopes_a_breakdown_by_the_record_it_breaks_down(self) -> None:
        self.assertEqual(
            policies.scope_of(m.BaselineBreakdown),
            analysed("assessment__organization", "assessment__country"),
        )

    def test_it_lets_every_member_read_iom_published_figures(self) -> None:
        scope = policies.scope_of(m.DtmApiFigure)
        assert scope is not None
        self.assertTrue(scope.any_member)
