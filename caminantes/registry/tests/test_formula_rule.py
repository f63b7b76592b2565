"""One input rule everywhere: text a spreadsheet would run as a formula is refused.

The import refused "=HYPERLINK(…)" in a name; the API and the forms let it in, and the next
export carried it to someone's laptop. Now the three ask `inputs.formula_refusal`.
"""

from __future__ import annotations

from django.urls import reverse
from django.utils import translation

from caminantes.registry.inputs import formula_refusal
from caminantes.registry.models import Person
from caminantes.registry.tests.test_api import RegistryApiTestCase, new_family
from caminantes.registry.tests.test_views import member, registration

FORMULAS = ['=HYPERLINK("http://x","clic")', "+1+2", "-2+3", "@SUM(A1)", "\tx", "\rx"]


class FormulaRuleTest(RegistryApiTestCase):
    def test_it_refuses_what_starts_like_a_formula_and_nothing_else(self) -> None:
        for text in FORMULAS:
            self.assertIsNotNone(formula_refusal(text), text)
        for text in ["María José", "O'Neill", "Ana-María", "", "3+3", " =x"]:
            self.assertIsNone(formula_refusal(text), text)
        with translation.override("es"):
            self.assertIn("fórmula", formula_refusal("=1") or "")

    def test_it_refuses_a_formula_name_through_the_api(self) -> None:
        before = Person.objects.count()
        for text in FORMULAS:
            family = new_family()
            family["members"][0]["given_names"] = text
            family["members"][1]["consent"]["guardian_name"] = text
            family["address"] = text
            response = self.call("POST", "/households", self.alice, family)
            self.assertEqual(response.status_code, 422, text)
            errors = response.json()["errors"]
            self.assertIn("fórmula", errors["members-0-given_names"][0])
            self.assertIn("members-1-consent-guardian_name", errors)
            self.assertIn("address", errors)
        self.assertEqual(Person.objects.count(), before)

    def test_it_refuses_a_rename_to_a_formula_through_the_api(self) -> None:
        maria = self.focal_person()
        response = self.call(
            "PATCH",
            f"/people/{maria.uuid}",
            self.alice,
            {"version": 1, "reason": "r", "first_surname": "=cmd|' /C calc'!A0"},
        )
        self.assertEqual(response.status_code, 422)
        self.assertEqual(set(response.json()["errors"]), {"first_surname"})
        maria.refresh_from_db()
        self.assertEqual(maria.version, 1)

    def test_it_still_takes_a_phone_number_with_its_plus(self) -> None:
        family = new_family(phones=[{"number": "+57 301 555 0101"}])
        family["members"][0]["phone"] = "+57 301 555 0102"
        response = self.call("POST", "/households", self.alice, family)
        self.assertEqual(response.status_code, 201, response.content)

    def test_it_refuses_a_formula_name_in_the_registration_form(self) -> None:
        self.login(self.alice)
        data = registration(member(0, given_names="@SUM(A1)", confirmed_new="1"))
        response = self.client.post(reverse("registry_register"), data)
        self.assertEqual(response.status_code, 200)
        self.assertContains(response, "fórmula")
        self.assertFalse(Person.objects.filter(given_names="@SUM(A1)").exists())
