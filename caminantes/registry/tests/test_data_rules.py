"""The data rules a person at the border notices: an explicit sex, no dates still to come,
an age in years, one document number per person unless a country manager confirms, numbers
corrected after registration, the full phone for those who call, the household code."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from django.urls import reverse
from django.utils import timezone

from caminantes.audit.models import AuditEvent
from caminantes.identity import matching
from caminantes.lib.dates import birth_date_from_age
from caminantes.registry import actions
from caminantes.registry.imports.columns import SEXES, fold_key
from caminantes.registry.inputs import DocumentInput
from caminantes.registry.models import Document, FieldChange, Household, Person, Phone
from caminantes.registry.services import documents
from caminantes.registry.tests.base import RegistryTestCase
from caminantes.registry.tests.test_api import RegistryApiTestCase
from caminantes.registry.tests.test_views import member, registration


def tomorrow() -> str:
    """Tomorrow when the test runs, not when the module was collected (which may be before
    midnight when the test runs after it)."""
    return (timezone.localdate() + timedelta(days=1)).isoformat()


class SexTest(RegistryTestCase):
    def test_it_never_records_a_woman_when_the_sex_was_skipped(self) -> None:
        self.login(self.alice)
        response = self.client.post(reverse("registry_register"), registration(member(0, sex="")))
        self.assertEqual(response.status_code, 200)
        self.assertContains(response, "errorlist")
        self.assertFalse(Person.objects.filter(given_names="Yorbelis").exists())
        # The select starts on a question, not on "Female".
        form = self.client.get(reverse("registry_register"))
        self.assertContains(form, '<option value="" selected>Elija…</option>', html=True)

    def test_it_records_an_unknown_sex_from_the_form_the_api_and_a_file(self) -> None:
        self.login(self.alice)
        self.client.post(reverse("registry_register"), registration(member(0, sex="U")))
        person = Person.objects.get(given_names="Yorbelis")
        self.assertEqual(person.get_sex_display(), "Desconocido")
        self.assertEqual(SEXES[fold_key("Desconocido")], "U")
        self.assertEqual(matching.to_record(person).sex, "")  # the engine: not known


class FutureDatesTest(RegistryTestCase):
    def test_it_refuses_an_arrival_still_to_come(self) -> None:
        self.login(self.alice)
        data = registration(member(0), arrival_date=tomorrow())
        response = self.client.post(reverse("registry_register"), data)
        self.assertContains(response, "La fecha de llegada está en el futuro.")
        self.assertFalse(Household.objects.filter(focal_point__given_names="Yorbelis").exists())

    def test_it_refuses_a_document_issued_tomorrow(self) -> None:
        self.login(self.alice)
        url = reverse("document_add", args=[self.focal_person().uuid])
        response = self.client.post(
            url,
            {"type": "passport", "number": "P7654321", "issued_on": tomorrow(),
             "status": "valid"},
        )  # fmt: skip
        self.assertEqual(response.status_code, 200)
        self.assertContains(response, "La fecha de expedición del documento está en el futuro.")
        self.assertFalse(Document.objects.filter(type="passport").exists())


class AgeInYearsTest(RegistryTestCase):
    def test_it_keeps_an_age_as_an_estimated_date_shown_as_such(self) -> None:
        self.login(self.alice)
        data = registration(member(0, birth_date="", age_years="34"))
        response = self.client.post(reverse("registry_register"), data)
        person = Person.objects.get(given_names="Yorbelis")
        self.assertEqual(person.age, 34)
        self.assertEqual((person.birth_date.month, person.birth_date.day), (7, 1))  # type: ignore[union-attr]
        self.assertTrue(person.birth_date_estimated)
        self.assertContains(self.client.get(response["Location"]), "(estimada)")

    def test_the_duplicate_check_reads_an_estimated_date_as_approximate(self) -> None:
        person = self.focal_person()
        person.birth_date_estimated = True
        person.save()
        self.assertEqual(matching.to_record(person).birth_date, "1990-07-01")
        self.assertEqual(
            matching.to_records(Person.objects.filter(pk=person.pk))[person.pk].birth_date,
            "1990-07-01",
        )

    def test_it_turns_an_age_into_the_last_first_of_july_at_that_age(self) -> None:
        self.assertEqual(birth_date_from_age(30, date(2026, 3, 1)), date(1995, 7, 1))
        self.assertEqual(birth_date_from_age(30, date(2026, 7, 1)), date(1996, 7, 1))


class SharedDocumentTest(RegistryTestCase):
    """María José holds cédula V-12.345.678 (RegistryTestCase)."""

    def post_same_cedula(self) -> Any:
        data = registration(
            member(0, document_type="cedula", document_number="12345678"), confirmed_new="1"
        )
        return self.client.post(reverse("registry_register"), data)

    def test_it_refuses_a_number_someone_holds_even_when_registered_as_new(self) -> None:
        self.login(self.alice)
        response = self.post_same_cedula()
        self.assertContains(response, "ya lo tiene otra persona")
        self.assertContains(response, self.family.code)
        self.assertFalse(Person.objects.filter(given_names="Yorbelis").exists())

    def test_it_refuses_the_number_on_add_document_to_someone_else(self) -> None:
        self.login(self.alice)
        son = Person.objects.get(household=self.family, relationship="child")
        url = reverse("document_add", args=[son.uuid])
        response = self.client.post(
            url, {"type": "cedula", "number": "V12345678", "status": "valid"}
        )
        self.assertContains(response, "ya lo tiene otra persona")
        self.assertFalse(son.documents.exists())

    def test_a_country_managers_confirmation_lets_one_registration_through(self) -> None:
        self.login(self.carla)
        response = self.client.post(
            reverse("registry_document_confirm"),
            {"type": "cedula", "number": "12.345.678", "reason": "Vi ambas cédulas"},
        )
        self.assertContains(response, "…5678")
        event = AuditEvent.objects.get(action=actions.SHARED_DOCUMENT_CONFIRMED)
        self.assertEqual(event.actor_id, self.carla.pk)

        self.login(self.alice)
        self.assertEqual(self.post_same_cedula().status_code, 302)
        self.assertTrue(AuditEvent.objects.filter(action=actions.SHARED_DOCUMENT_USED).exists())
        # Once only: a third holder needs another confirmation.
        data = registration(
            member(0, given_names="Otra", document_type="cedula", document_number="12345678"),
            confirmed_new="1",
        )
        self.assertContains(self.client.post(reverse("registry_register"), data), "ya lo tiene")

    def test_a_registration_officer_cannot_confirm_and_nothing_unheld_is_confirmed(self) -> None:
        self.login(self.alice)
        self.assertEqual(self.client.get(reverse("registry_document_confirm")).status_code, 403)
        self.login(self.carla)
        response = self.client.post(
            reverse("registry_document_confirm"),
            {"type": "cedula", "number": "99999999", "reason": "x"},
        )
        self.assertContains(response, "no hay nada que confirmar")

    def test_it_looks_only_at_people_the_user_may_see(self) -> None:
        found = documents.holders(
            user=self.ramona,
            document=DocumentInput(type="cedula", number="12345678"),
            issuing_country=None,
        )
        self.assertEqual(found, [])  # FFS does not see IOM's family


class CorrectionsTest(RegistryTestCase):
    def test_it_corrects_a_phone_with_reason_and_keeps_a_masked_history(self) -> None:
        self.login(self.alice)
        phone = Phone.objects.get(household=self.family)
        url = reverse("phone_edit", args=[phone.uuid])
        response = self.client.post(
            url, {"version": phone.version, "number": "300 765 4321", "reason": "Cambió de número"}
        )
        self.assertEqual(response.status_code, 302)
        phone.refresh_from_db()
        self.assertEqual((phone.number_last4, phone.version), ("4321", 2))
        change = FieldChange.objects.get(object_uuid=phone.uuid, field="number")
        self.assertTrue(change.encrypted)
        self.assertNotIn("4567", change.old_value)  # encrypted at rest
        page = self.client.get(reverse("household_detail", args=[self.family.uuid]))
        self.assertContains(page, "…4321")
        self.assertNotContains(page, "3007654321")
        # The page it was based on is now stale: refused, nothing overwritten.
        stale = self.client.post(
            url, {"version": 1, "number": "300 111 2222", "reason": "otra vez"}, follow=True
        )
        self.assertContains(stale, "versión 2")
        phone.refresh_from_db()
        self.assertEqual(phone.number_last4, "4321")

    def test_it_refuses_a_phone_that_is_not_one(self) -> None:
        self.login(self.alice)
        phone = Phone.objects.get(household=self.family)
        response = self.client.post(
            reverse("phone_edit", args=[phone.uuid]),
            {"version": phone.version, "number": "12", "reason": "x"},
        )
        self.assertEqual(response.status_code, 200)
        self.assertContains(response, "errorlist")

    def test_it_adds_a_phone(self) -> None:
        self.login(self.alice)
        response = self.client.post(
            reverse("phone_add", args=[self.family.uuid]), {"number": "310 222 3344"}
        )
        self.assertEqual(response.status_code, 302)
        self.assertEqual(self.family.phones.count(), 2)

    def test_it_corrects_a_document_number_and_nationality(self) -> None:
        self.login(self.alice)
        maria = self.focal_person()
        doc = maria.documents.get()
        response = self.client.post(
            reverse("document_edit", args=[doc.uuid]),
            {"version": doc.version, "type": "cedula", "number": "V-12.345.679",
             "status": "valid", "reason": "Error al digitar"},
        )  # fmt: skip
        self.assertEqual(response.status_code, 302)
        doc.refresh_from_db()
        self.assertEqual((doc.number, doc.version), ("V-12.345.679", 2))
        self.assertTrue(FieldChange.objects.get(object_uuid=doc.uuid, field="number").encrypted)

        data = {"version": maria.version, "given_names": maria.given_names,
                "first_surname": maria.first_surname, "second_surname": maria.second_surname,
                "sex": "F", "birth_date": "1990-03-14", "relationship": "focal_point",
                "nationalities": [self.co.pk, self.ve.pk], "reason": "Dos pasaportes"}  # fmt: skip
        response = self.client.post(reverse("person_edit", args=[maria.uuid]), data)
        self.assertEqual(response.status_code, 302)
        self.assertEqual(sorted(maria.nationalities.values_list("iso2", flat=True)), ["CO", "VE"])
        self.assertTrue(FieldChange.objects.filter(field="nationalities").exists())


class PhoneRevealTest(RegistryTestCase):
    def test_staff_who_call_families_see_the_full_number_and_it_is_audited(self) -> None:
        self.login(self.alice)
        phone = Phone.objects.get(household=self.family)
        page = self.client.get(reverse("household_detail", args=[self.family.uuid]))
        self.assertNotContains(page, "300 123 4567")
        self.assertNotContains(page, "3001234567")
        url = reverse("phone_reveal", args=[phone.uuid])
        self.assertEqual(self.client.get(url).status_code, 405)
        response = self.client.post(url)
        self.assertContains(response, "+573001234567")
        self.assertTrue(
            AuditEvent.objects.filter(action=actions.PHONE_REVEALED, actor=self.alice).exists()
        )

    def test_others_are_refused(self) -> None:
        phone = Phone.objects.get(household=self.family)
        self.login(self.bob)  # a GBV officer here does not call families
        self.assertEqual(
            self.client.post(reverse("phone_reveal", args=[phone.uuid])).status_code, 403
        )
        self.login(self.ramona)  # FFS: the phone is not theirs to see, as if there were none
        self.assertEqual(
            self.client.post(reverse("phone_reveal", args=[phone.uuid])).status_code, 404
        )


class HouseholdCodeSearchTest(RegistryApiTestCase):
    def test_the_code_on_the_page_finds_the_family_on_the_web_and_the_api(self) -> None:
        self.login(self.alice)
        response = self.client.get(reverse("registry_search"), {"q": self.family.code})
        self.assertContains(response, "María José Pérez González")
        self.assertContains(response, "Luis Ángel")
        lower = self.client.get(reverse("registry_search"), {"q": "#" + self.family.code.lower()})
        self.assertContains(lower, "María José Pérez González")
        found = self.get(f"/people/search?q={self.family.code}")
        self.assertEqual(
            [p["full_name"] for p in found][:2],
            ["María José Pérez González", "Luis Ángel Pérez González"],
        )

    def test_another_organisations_code_finds_nothing(self) -> None:
        self.login(self.alice)
        response = self.client.get(reverse("registry_search"), {"q": self.ffs_family.code})
        self.assertNotContains(response, "Yusmary")


class NationalityApiTest(RegistryApiTestCase):
    def test_it_corrects_nationalities_through_the_api_with_history(self) -> None:
        maria = self.focal_person()
        body = {"version": maria.version, "reason": "Dos pasaportes", "nationalities": ["VE", "CO"]}
        response = self.call("PATCH", f"/people/{maria.uuid}", self.alice, body)
        self.assertEqual(response.status_code, 200, response.content)
        self.assertEqual(sorted(response.json()["nationalities"]), ["CO", "VE"])
        change = FieldChange.objects.get(object_uuid=maria.uuid, field="nationalities")
        self.assertEqual((change.old_value, change.new_value), ("VE", "CO,VE"))
        body = {"version": maria.version, "reason": "x", "nationalities": ["XX"]}
        stale = self.call("PATCH", f"/people/{maria.uuid}", self.alice, body)
        self.assertEqual(stale.status_code, 409)
