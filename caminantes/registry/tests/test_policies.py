"""The registry's access rules (registry.policies), read without a database."""

from __future__ import annotations

from django.apps import apps
from django.test import SimpleTestCase

from caminantes.accounts import policies
from caminantes.accounts.permissions import Perm
from caminantes.registry import models as m
from caminantes.registry.policies import via_household

# Read only through their parent (a batch's rows) or by the retention job, never listed.
NOT_LISTED = {m.ImportRow, m.RetentionPolicy}


class RegistryPolicyTest(SimpleTestCase):
    def test_it_registers_every_model_a_page_lists(self) -> None:
        registered = policies.registered_models()
        for model in apps.get_app_config("registry").get_models():
            with self.subTest(model=model.__name__):
                self.assertEqual(model in registered, model not in NOT_LISTED)

    def test_it_scopes_a_household_by_organisation_country_and_area(self) -> None:
        self.assertEqual(
            policies.scope_of(m.Household),
            policies.Scope(
                permission=Perm.VIEW_PERSONAL_DATA,
                organization="organization",
                country="country",
                area="admin_area",
                personal_data=True,
            ),
        )

    def test_it_scopes_people_and_their_records_by_their_household(self) -> None:
        # Reading a person or a document is audited as a read of personal data.
        self.assertEqual(
            policies.scope_of(m.Person), via_household("household__", personal_data=True)
        )
        self.assertEqual(
            policies.scope_of(m.Document), via_household("person__household__", personal_data=True)
        )
        self.assertEqual(policies.scope_of(m.Consent), via_household("person__household__"))
        for model in (m.Phone, m.NeedsAssessment, m.TimelineEntry, m.FieldChange):
            with self.subTest(model=model.__name__):
                self.assertEqual(policies.scope_of(model), via_household("household__"))

    def test_it_shows_data_requests_only_to_who_handles_them(self) -> None:
        scope = policies.scope_of(m.DataRequest)
        assert scope is not None
        self.assertEqual(scope.permission, Perm.HANDLE_DATA_REQUESTS)
        self.assertEqual(scope.organization, "organization")
