"""Ordinary mistakes on the registry's forms are told in words beside the field, never a 500,
and the summary at the top names each problem without an internal key."""

from __future__ import annotations

from django.conf import settings
from django.urls import reverse

from caminantes.registry.models import Document, NeedsAssessment, Person
from caminantes.registry.tests.base import RegistryTestCase
from caminantes.registry.tests.test_views import member, registration


class RegistryFormErrorsTest(RegistryTestCase):
    def setUp(self) -> None:
        self.login(self.alice)
        self.client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
        self.person = Person.objects.filter(household=self.family).earliest("pk")

    def test_it_asks_for_one_sector_when_every_sector_is_not_assessed(self) -> None:
        url = reverse("needs_add", args=[self.family.uuid])
        response = self.client.post(url, {"assessed_on": "2025-01-10"})
        self.assertEqual(response.status_code, 200)
        self.assertContains(response, "Give a severity for at least one sector.")
        self.assertFalse(NeedsAssessment.objects.filter(household=self.family).exists())

    def test_it_puts_a_missing_consent_beside_the_consent_box(self) -> None:
        url = reverse("person_add", args=[self.family.uuid])
        data = {k.removeprefix("members-0-"): v for k, v in member(0).items()}
        data.update(relationship="sibling", consent_registration="")
        response = self.client.post(url, data)
        self.assertEqual(response.status_code, 200)
        self.assertContains(response, "data-error-summary")
        self.assertContains(response, 'href="#id_consent_registration"')
        self.assertNotContains(response, "consent:")

    def test_it_says_a_document_expires_before_it_was_issued(self) -> None:
        url = reverse("document_add", args=[self.person.uuid])
        response = self.client.post(url, {
            "type": "passport", "number": "P1234567", "issued_on": "2024-05-01",
            "expires_on": "2020-05-01", "status": "valid",
        })  # fmt: skip
        self.assertEqual(response.status_code, 200)
        self.assertContains(response, "The document expires before it was issued.")
        self.assertContains(response, 'href="#id_expires_on"')
        self.assertNotContains(response, "documents-0")
        self.assertFalse(Document.objects.filter(person=self.person, type="passport").exists())

    def test_it_names_the_member_and_field_of_each_problem(self) -> None:
        data = registration(
            member(0, given_names="Ana", first_surname="Rivas"),
            member(1, relationship="child", given_names="Luis", first_surname="Rivas",
                   birth_date="2999-01-01", consent_registration="", consent_by_guardian="on",
                   guardian_name="Ana Rivas"),
        )  # fmt: skip
        response = self.client.post(reverse("registry_register"), data)
        self.assertEqual(response.status_code, 200)
        self.assertContains(
            response, "Member 2 · Date of birth: The date of birth is in the future."
        )
        self.assertContains(response, 'href="#id_members-1-birth_date"')
        self.assertNotContains(response, "members-1-birth_date:")

    def test_it_does_not_take_a_birth_date_in_the_future_for_a_child(self) -> None:
        data = registration(member(0, birth_date="2999-05-05"))
        response = self.client.post(reverse("registry_register"), data)
        self.assertContains(
            response, "Member 1 · Date of birth: The date of birth is in the future."
        )
        self.assertNotContains(response, "a parent or guardian gives consent")

    def test_it_holds_an_added_member_block_to_the_same_rules_as_the_first(self) -> None:
        data = registration(member(0), {"members-1-relationship": ""})
        response = self.client.post(reverse("registry_register"), data)
        self.assertEqual(response.status_code, 200)
        self.assertContains(response, "Member 2 · Given names")
        self.assertContains(response, "Member 2 · Relationship")

    def test_it_tells_every_mistake_of_the_page_on_the_first_round(self) -> None:
        data = registration(member(0, sex="", birth_date="2999-01-01"))
        data["arrival_date"] = "2999-01-01"
        response = self.client.post(reverse("registry_register"), data)
        self.assertEqual(response.status_code, 200)
        self.assertContains(response, "Member 1 · Sex")
        self.assertContains(
            response, "Member 1 · Date of birth: The date of birth is in the future."
        )
        self.assertContains(response, "The arrival date is in the future.")
