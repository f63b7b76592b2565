from __future__ import annotations

from django.template import Context, Template
from django.test import SimpleTestCase
from django.urls import reverse
from django.utils import translation

from caminantes.audit import actions
from caminantes.audit.log import log
from tests.personas import PersonaTestCase


class RoleLabelsTest(SimpleTestCase):
    def render(self, roles: str) -> str:
        template = Template("{% load account_labels %}{{ roles|role_labels }}")
        return template.render(Context({"roles": roles}))

    @translation.override("en")
    def test_it_names_each_role_in_words(self) -> None:
        self.assertEqual(
            self.render("registration_officer,auditor"),
            "Registration officer, Auditor (read-only)",
        )

    def test_it_keeps_a_code_it_does_not_know_as_it_is(self) -> None:
        self.assertEqual(self.render("retired_role,"), "retired_role")


class AuditTrailRolesTest(PersonaTestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        log(cls.alice, actions.CREATE, cls.alice, organization=cls.iom,
            role="registration_officer")  # fmt: skip

    def test_it_shows_the_role_an_event_was_done_as_on_the_audit_trail(self) -> None:
        self.login(self.audrey)
        # In Spanish, the default language.
        response = self.client.get(reverse("audit_events"), {"user": "alice@"})
        self.assertContains(response, "Oficial de registro")
