from __future__ import annotations

from datetime import date

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection

from caminantes.accounts.models import User
from caminantes.audit.models import AuditEvent
from caminantes.registry import consent, selectors, services
from caminantes.registry.inputs import DocumentInput, HouseholdInput
from caminantes.registry.models import Consent, Document, FieldChange, Person, Phone
from caminantes.registry.tests.base import RegistryTestCase, child, focal


class RegisterTest(RegistryTestCase):
    def test_it_registers_a_household_with_its_members_in_one_go(self) -> None:
        members = list(self.family.members.order_by("id"))
        self.assertEqual(len(members), 2)
        self.assertEqual(self.family.focal_point, members[0])
        self.assertEqual(members[1].relationship, "child")
        self.assertTrue(
            AuditEvent.objects.filter(action="create", object_uuid=self.family.uuid).exists()
        )
        self.assertEqual(self.family.timeline.get().kind, "registration")

    def test_it_encrypts_document_and_phone_numbers_at_rest(self) -> None:
        doc = Document.objects.get(person=self.family.focal_point)
        self.assertEqual(doc.number, "V-12.345.678")
        self.assertEqual(doc.number_last4, "5678")
        phone = Phone.objects.get(household=self.family)
        self.assertEqual(phone.number, "+573001234567")
        with connection.cursor() as cursor:
            cursor.execute("SELECT number_encrypted FROM registry_document")
            raw = " ".join(r[0] for r in cursor.fetchall())
        self.assertNotIn("12345678", raw.replace(".", ""))

    def test_it_stops_on_a_possible_duplicate_until_confirmed(self) -> None:
        again = [focal(given_names="Maria Jose", first_surname="Perez", second_surname="Gonzales")]
        result = services.household_register(
            user=self.alice,
            organization=self.iom,
            country=self.co,
            household=HouseholdInput(),
            members=again,
        )
        self.assertIsNone(result.household)
        self.assertEqual(result.candidates[0][0].person_id, self.family.focal_point_id)

    def test_it_flags_the_same_cedula_written_differently(self) -> None:
        other = [
            focal(
                given_names="Ana",
                first_surname="Mora",
                birth_date=date(1970, 1, 1),
                documents=[DocumentInput(type="cedula", number="12345678")],
            )
        ]
        result = services.household_register(
            user=self.alice,
            organization=self.iom,
            country=self.co,
            household=HouseholdInput(),
            members=other,
        )
        self.assertIn("document", result.candidates[0][0].reasons)

    def test_it_does_not_show_another_organisations_family_as_a_duplicate(self) -> None:
        # Ramona (FFS) registers someone IOM already has: she may not learn IOM holds them.
        result = services.household_register(
            user=User.objects.get(email="ramona@example.org"),
            organization=self.ffs,
            country=self.co,
            household=HouseholdInput(),
            members=[focal()],
        )
        self.assertEqual(result.candidates, {})

    def test_it_refuses_bad_input_with_clear_messages_and_saves_nothing(self) -> None:
        before = Person.objects.count()
        bad = [focal(birth_date=date(2090, 1, 1)), child(consent=focal().consent)]
        with self.assertRaises(ValidationError) as ctx:
            services.household_register(
                user=self.alice,
                organization=self.iom,
                country=self.co,
                household=HouseholdInput(admin_area="PE-TUM"),
                members=bad,
                confirmed_new=True,
            )
        errors = ctx.exception.message_dict
        self.assertIn("members-0-birth_date", errors)
        self.assertIn("members-1-consent", errors)
        self.assertIn("admin_area", errors)
        self.assertEqual(Person.objects.count(), before)

    def test_it_refuses_registration_outside_ones_country(self) -> None:
        with self.assertRaises(PermissionDenied):
            services.household_register(
                user=self.alice,
                organization=self.iom,
                country=self.pe,
                household=HouseholdInput(),
                members=[focal()],
                confirmed_new=True,
            )
        with self.assertRaises(PermissionDenied):
            services.household_register(
                user=self.audrey,
                organization=self.iom,
                country=self.co,
                household=HouseholdInput(),
                members=[focal()],
                confirmed_new=True,
            )


class UpdateTest(RegistryTestCase):
    def test_it_keeps_each_fields_history_with_the_reason(self) -> None:
        person = self.focal_person()
        services.person_update(
            user=self.alice,
            person=person,
            version=person.version,
            changes={"first_surname": "Pérez de Díaz"},
            reason="married name",
        )
        change = FieldChange.objects.get(field="first_surname")
        self.assertEqual((change.old_value, change.new_value), ("Pérez", "Pérez de Díaz"))
        self.assertEqual((change.reason, change.changed_by), ("married name", self.alice))
        found = selectors.search_people(user=self.alice, text="diaz maria")
        self.assertEqual(found[0].pk, person.pk)

    def test_it_refuses_an_edit_based_on_an_old_version(self) -> None:
        person = self.focal_person()
        stale = person.version
        services.person_update(
            user=self.alice,
            person=person,
            version=stale,
            changes={"preferred_name": "Majo"},
            reason="asked",
        )
        with self.assertRaises(services.VersionConflict):
            services.person_update(
                user=self.alice,
                person=Person.objects.get(pk=person.pk),
                version=stale,
                changes={"preferred_name": "Mary"},
                reason="x",
            )
        self.assertEqual(Person.objects.get(pk=person.pk).preferred_name, "Majo")

    def test_it_asks_for_a_reason(self) -> None:
        with self.assertRaises(ValidationError):
            services.household_update(
                user=self.alice,
                household=self.family,
                version=1,
                changes={"address": "Calle 5"},
                reason=" ",
            )


class ConsentTest(RegistryTestCase):
    def test_it_answers_from_the_consent_records(self) -> None:
        person = self.focal_person()
        self.assertTrue(consent.allowed(person, "family_tracing"))
        self.assertFalse(consent.allowed(person, "messaging"))
        self.assertFalse(consent.allowed(person, "sharing", self.ffs))
        with self.assertRaises(consent.ConsentRequired) as ctx:
            consent.require(person, "sharing", self.ffs)
        self.assertIn("FFS", str(ctx.exception))

    def test_it_stops_allowing_after_withdrawal(self) -> None:
        person = self.focal_person()
        record = Consent.objects.get(person=person, purpose="family_tracing")
        services.consent_withdraw(user=self.alice, consent=record)
        self.assertFalse(consent.allowed(person, "family_tracing"))


class SearchTest(RegistryTestCase):
    def test_it_finds_despite_accents_case_order_and_typos(self) -> None:
        for text in [
            "maria jose perez",
            "PEREZ GONZALEZ María",
            "Mria Jose Peres",
            "gonzalez perez maria jose",
            "Maria Peres Gonzales",  # sounds the same
            "maria jose perz gonzalez",  # one word mistyped beyond its sound
            "Maria Jose Gonz",  # still typing the last word
            "perez gon",
        ]:
            with self.subTest(text=text):
                found = selectors.search_people(user=self.alice, text=text)
                self.assertTrue(found, text)
                self.assertEqual(found[0].pk, self.family.focal_point_id)

    def test_it_finds_by_document_phone_and_birth_date(self) -> None:
        for text in ["12345678", "V-12345678", "14/03/1990"]:
            with self.subTest(text=text):
                found = selectors.search_people(user=self.alice, text=text)
                self.assertEqual(found[0].pk, self.family.focal_point_id)
        found = selectors.search_people(user=self.alice, text="3001234567", country=self.co)
        self.assertIn(self.family.focal_point_id, [p.pk for p in found])

    def test_a_finished_word_is_not_taken_as_a_beginning(self) -> None:
        # "Gonz " (with the space) is a whole word: nobody is called that.
        self.assertEqual(selectors.search_people(user=self.alice, text="Pedro Gonz "), [])

    def test_the_closest_spelling_comes_first(self) -> None:
        luis = Person.objects.get(household=self.family, given_names="Luis Ángel")
        found = selectors.search_people(user=self.alice, text="luis angel perez")
        self.assertEqual(found[0].pk, luis.pk)

    def test_a_merged_record_is_not_offered_again(self) -> None:
        luis = Person.objects.get(household=self.family, given_names="Luis Ángel")
        Person.objects.filter(pk=luis.pk).update(merged_into=self.family.focal_point)
        found = selectors.search_people(user=self.alice, text="luis angel perez")
        self.assertNotIn(luis.pk, [p.pk for p in found])

    def test_it_never_finds_another_organisations_people(self) -> None:
        self.assertEqual(selectors.search_people(user=self.alice, text="Yusmary Rodriguez"), [])
        self.assertEqual(selectors.search_people(user=self.pablo, text="maria jose perez"), [])
