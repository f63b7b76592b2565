from __future__ import annotations

from typing import Any

from django.conf import settings
from django.urls import reverse

from caminantes.registry.models import Consent, FieldChange, Household, Person
from caminantes.registry.tests.base import RegistryTestCase


def member(i: int, **kw: Any) -> dict[str, Any]:
    data = {
        "relationship": "focal_point", "given_names": "Yorbelis", "first_surname": "Mendoza",
        "second_surname": "Rivas", "sex": "F", "birth_date": "1988-05-09", "nationality": "VE",
        "document_type": "", "document_number": "", "phone": "", "consent_registration": "on",
    }  # fmt: skip
    data.update(kw)
    return {f"members-{i}-{k}": v for k, v in data.items()}


def registration(*members: dict[str, Any], **extra: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "population_type": "in_transit", "admin_area": "CO-NSA", "address": "", "phone": "",
        "members-TOTAL_FORMS": str(len(members)), "members-INITIAL_FORMS": "0",
        "members-MIN_NUM_FORMS": "1", "members-MAX_NUM_FORMS": "30",
    }  # fmt: skip
    for m in members:
        data.update(m)
    data.update(extra)
    return data


class SearchPageTest(RegistryTestCase):
    def test_it_answers_as_you_type_with_a_fragment(self) -> None:
        self.login(self.alice)
        response = self.client.get(
            reverse("registry_search"), {"q": "perez maria"}, headers={"HX-Request": "true"}
        )
        self.assertContains(response, "María José Pérez González")
        self.assertNotContains(response, "<html")

    def test_it_offers_registration_when_nothing_matches(self) -> None:
        self.login(self.alice)
        response = self.client.get(reverse("registry_search"), {"q": "Nadie Existe"})
        self.assertContains(response, reverse("registry_register"))
        # No list was shown, so there is no "these" to refuse.
        self.assertContains(response, "Registrar un hogar nuevo")
        self.assertNotContains(response, "Ninguna de estas personas")

    def test_it_offers_registration_below_the_people_found(self) -> None:
        self.login(self.alice)
        response = self.client.get(reverse("registry_search"), {"q": "perez maria"})
        self.assertContains(response, "María José Pérez González")
        self.assertContains(response, "Ninguna de estas personas: registrar un hogar nuevo")

    def test_it_is_closed_to_roles_without_personal_data(self) -> None:
        self.login(self.eve)
        self.assertEqual(self.client.get(reverse("registry_search")).status_code, 403)


class RegisterPageTest(RegistryTestCase):
    def test_it_registers_a_family_of_two_in_one_form(self) -> None:
        self.login(self.alice)
        data = registration(
            member(0),
            member(1, relationship="child", given_names="Santiago", sex="M",
                   birth_date="2017-02-01",
                   consent_by_guardian="on", guardian_name="Yorbelis Mendoza"),
        )  # fmt: skip
        response = self.client.post(reverse("registry_register"), data)
        household = Household.objects.get(focal_point__given_names="Yorbelis")
        self.assertRedirects(response, reverse("household_detail", args=[household.uuid]))
        self.assertEqual(household.members.count(), 2)

    def test_it_refuses_more_than_thirty_members_without_drawing_a_thousand(self) -> None:
        self.login(self.alice)
        data = registration(member(0), **{"members-TOTAL_FORMS": "1000"})
        response = self.client.post(reverse("registry_register"), data)
        self.assertEqual(response.status_code, 200)
        self.assertLessEqual(response.content.decode().count('name="members-'), 30 * 40)
        self.assertContains(response, "30 formularios como máximo")
        self.assertFalse(Household.objects.filter(focal_point__given_names="Yorbelis").exists())

    def test_it_shows_possible_duplicates_before_saving(self) -> None:
        self.login(self.alice)
        data = registration(member(0, given_names="Maria Jose", first_surname="Perez",
                                   second_surname="Gonzalez", birth_date="1990-03-14"))  # fmt: skip
        response = self.client.post(reverse("registry_register"), data)
        self.assertContains(response, 'id="duplicates"')
        self.assertEqual(Person.objects.filter(given_names="Maria Jose").count(), 0)
        confirmed = self.client.post(reverse("registry_register"), {**data, "confirmed_new": "1"})
        self.assertEqual(confirmed.status_code, 302)

    def test_it_keeps_what_was_typed_and_explains_errors(self) -> None:
        self.login(self.alice)
        data = registration(member(0, birth_date="2099-01-01"))
        response = self.client.post(reverse("registry_register"), data)
        self.assertEqual(response.status_code, 200)
        self.assertContains(response, 'value="Yorbelis"')
        self.assertContains(response, "errorlist")

    def test_it_adds_member_blocks_with_htmx(self) -> None:
        self.login(self.alice)
        response = self.client.get(reverse("registry_member_form"), {"index": 2})
        self.assertContains(response, 'name="members-2-given_names"')


class HouseholdPageTest(RegistryTestCase):
    def test_it_shows_members_documents_consents_and_timeline(self) -> None:
        self.login(self.alice)
        response = self.client.get(reverse("household_detail", args=[self.family.uuid]))
        self.assertContains(response, "María José Pérez González")
        self.assertContains(response, "…5678")
        self.assertNotContains(response, "12.345.678")
        self.assertContains(response, "IOM")

    def test_the_timeline_speaks_the_readers_language(self) -> None:
        self.login(self.alice)
        url = reverse("household_detail", args=[self.family.uuid])
        self.assertContains(self.client.get(url), "Registrado por IOM; miembros: 2.")
        self.client.cookies[settings.LANGUAGE_COOKIE_NAME] = "pt"
        self.assertContains(self.client.get(url), "com 2 membros")

    def test_withdrawing_a_consent_asks_first_and_refuses_a_stale_page(self) -> None:
        self.login(self.alice)
        consent = Consent.objects.get(person=self.focal_person(), purpose="family_tracing")
        url = reverse("consent_withdraw", args=[consent.uuid])
        page = self.client.get(url)
        self.assertContains(page, 'name="version" value="1"')
        self.assertIsNone(Consent.objects.get(pk=consent.pk).withdrawn_on)  # asking changes nothing
        stale = self.client.post(url, {"version": "0"}, follow=True)
        self.assertIn("error", [m.level_tag for m in stale.context["messages"]])
        self.assertIsNone(Consent.objects.get(pk=consent.pk).withdrawn_on)
        self.client.post(url, {"version": "1"})
        self.assertIsNotNone(Consent.objects.get(pk=consent.pk).withdrawn_on)

    def test_it_hides_another_organisations_household(self) -> None:
        self.login(self.alice)
        response = self.client.get(reverse("household_detail", args=[self.ffs_family.uuid]))
        self.assertEqual(response.status_code, 404)

    def test_it_edits_with_a_reason_and_refuses_a_stale_version(self) -> None:
        self.login(self.alice)
        url = reverse("household_edit", args=[self.family.uuid])
        data = {"version": self.family.version, "reason": "moved to a shelter",
                "population_type": "in_destination", "status": "active",
                "address": "Albergue Divina Providencia"}  # fmt: skip
        self.assertEqual(self.client.post(url, data).status_code, 302)
        self.assertTrue(
            FieldChange.objects.filter(field="address", reason="moved to a shelter").exists()
        )
        page = self.client.get(reverse("household_detail", args=[self.family.uuid]))
        self.assertContains(page, "<td>Dirección</td>", html=False)
        again = self.client.post(url, {**data, "address": "Otra"}, follow=True)
        levels = [m.level_tag for m in again.context["messages"]]
        self.assertIn("error", levels)  # someone else changed it: reload
        self.assertEqual(
            Household.objects.get(pk=self.family.pk).address, "Albergue Divina Providencia"
        )
