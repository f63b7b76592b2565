from __future__ import annotations

import json
from datetime import date
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.urls import reverse

from caminantes.audit.models import AuditEvent
from caminantes.lib import crypto
from caminantes.registry import consent, duplicates, rights, selectors, services, timeline
from caminantes.registry.inputs import ConsentInput, DocumentInput, PhoneInput
from caminantes.registry.models import (
    Consent,
    DataRequest,
    Document,
    FieldChange,
    Household,
    ImportBatch,
    ImportRow,
    Person,
    Phone,
    TimelineEntry,
)
from caminantes.registry.tests.base import RegistryTestCase

NAMES = ["María José Pérez González", "María José", "Maria Jose", "María", "José", "Majo"]
PHONES = ["+573001234567", "573001234567", "3001234567", "300 123 4567", "300-123-4567"]
DOCUMENTS = ["V-12.345.678", "12.345.678", "12345678"]


def needles() -> list[str]:
    found = set(NAMES + PHONES + DOCUMENTS)
    found |= {n.lower() for n in NAMES}
    found |= {n.replace("í", "i").replace("é", "e") for n in NAMES}
    found |= {json.dumps(n)[1:-1] for n in NAMES}  # as JSON stores them on SQLite
    found.add(crypto.lookup_hash("+573001234567", purpose="phone"))
    found.add(duplicates.document_hash("V-12.345.678"))
    return sorted(found)


def _texts(value: Any) -> list[str]:
    if value is None:
        return []
    if isinstance(value, memoryview | bytes):
        value = bytes(value).decode("utf-8", "replace")
    if isinstance(value, dict | list):
        value = json.dumps(value, ensure_ascii=False)
    text = str(value)
    out = [text]
    if text.startswith("gAAAAA"):  # a Fernet token: look at what it hides too
        try:
            out.append(crypto.decrypt(text))
        except crypto.InvalidToken:
            pass
    return out


def scan_database(wanted: list[str]) -> dict[str, set[str]]:
    """Every table, every column, every row: which needles appear where."""
    lowered = [(w, w.lower()) for w in wanted]
    hits: dict[str, set[str]] = {}
    introspection = connection.introspection
    with connection.cursor() as cursor:
        for table in introspection.table_names(cursor):
            columns = [c.name for c in introspection.get_table_description(cursor, table)]
            quoted = ", ".join(connection.ops.quote_name(c) for c in columns)
            cursor.execute(f"SELECT {quoted} FROM {connection.ops.quote_name(table)}")  # noqa: S608
            for row in cursor.fetchall():
                for column, value in zip(columns, row, strict=True):
                    for text in _texts(value):
                        low = text.lower()
                        for original, needle in lowered:
                            if needle in low:
                                hits.setdefault(f"{table}.{column}", set()).add(original)
    return hits


class ErasureTest(RegistryTestCase):
    maria: Person
    luis: Person
    other_row: ImportRow
    access: DataRequest

    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        family = cls.family
        maria = Person.objects.get(household=family, relationship="focal_point")
        cls.maria = maria
        cls.luis = Person.objects.get(household=family, relationship="child")
        # Her number again as the household phone, an address that names her, a changed
        # preferred name, free text that mentions her, a staged import row, a request note.
        services.phone_add(
            user=cls.alice, household=family, phone=PhoneInput("+57 300 123 4567", True)
        )
        services.household_update(
            user=cls.alice,
            household=family,
            version=family.version,
            changes={"address": "Calle 5 #3-20, donde María José"},
            reason="Dirección nueva",
        )
        services.person_update(
            user=cls.alice,
            person=maria,
            version=maria.version,
            changes={"preferred_name": "Majo"},
            reason="María José pidió que la llamen Majo",
        )
        timeline.record(
            family, "note", None, None, "Kit entregado a Maria Jose Perez, tel. 300-123-4567"
        )
        batch = ImportBatch.objects.create(
            organization=cls.iom,
            country=cls.co,
            file_name="kobo.csv",
            file_sha256="a" * 64,
            created_by=cls.alice,
        )
        ImportRow.objects.create(
            batch=batch,
            row_number=1,
            data={
                "nombres": "MARÍA JOSÉ",
                "apellido_1": "PÉREZ",
                "apellido_2": "GONZÁLEZ",
                "cedula": "12.345.678",
                "telefono": "+57 300 1234567",
            },
        )
        # As the importer stages a row: numbers encrypted with their keyed hash.
        ImportRow.objects.create(
            batch=batch,
            row_number=3,
            data={
                "given_names": "María Josefa",
                "first_surname": "Peres",
                "document": {
                    "type": "cedula",
                    **services.document_fields(DocumentInput("cedula", "12345678")),
                },
            },
        )
        # A row already merged: no data left, but its error message quotes her name.
        ImportRow.objects.create(
            batch=batch,
            row_number=4,
            data={},
            errors=[{"column": "given_names", "message": "Broken accents in “María José”"}],
        )
        cls.other_row = ImportRow.objects.create(
            batch=batch,
            row_number=2,
            data={"nombres": "Pedro", "apellido_1": "Rojas", "cedula": "98765432"},
        )
        cls.access = rights.data_request_record(
            user=cls.carla,
            person=maria,
            kind=DataRequest.Kind.ACCESS,
            note="Pidió copia, cédula 12345678",
        )

    def test_it_leaves_no_trace_of_the_person_in_any_table_or_column(self) -> None:
        before = scan_database(needles())
        for table in (
            "registry_person.given_names",
            "registry_person.search_tokens",
            "registry_consent.guardian_name",
            "registry_fieldchange.reason",
            "registry_fieldchange.new_value",
            "registry_household.address",
            "registry_timelineentry.summary",
            "registry_importrow.data",
            "registry_datarequest.note",
            "registry_document.number_encrypted",
            "registry_document.number_hash",
            "registry_phone.number_encrypted",
        ):
            self.assertIn(table, before, "the scan must see the person before erasure")

        rights.person_erase(user=self.carla, person=self.maria)

        self.assertEqual(scan_database(needles()), {})

    def test_it_keeps_the_counts_and_the_rest_of_the_family(self) -> None:
        result = rights.person_erase(user=self.carla, person=self.maria)
        maria = Person.objects.get(pk=self.maria.pk)
        self.assertIsNotNone(maria.anonymised_at)
        self.assertEqual((maria.sex, maria.birth_date), ("F", date(1990, 7, 1)))
        self.assertEqual([c.iso2 for c in maria.nationalities.all()], ["VE"])
        self.assertEqual(maria.relationship, "focal_point")
        self.assertEqual(Document.objects.get(person=maria).type, "cedula")
        self.assertEqual(result.people, 1)
        self.assertEqual(result.households, 0)
        self.assertEqual(result.staged_rows, 2)
        # Luis is untouched and still served; the household stays, without her contacts.
        luis = Person.objects.get(pk=self.luis.pk)
        self.assertEqual(luis.full_name, "Luis Ángel Pérez González")
        self.assertTrue(luis.search_tokens)
        household = Household.objects.get(pk=self.family.pk)
        self.assertIsNone(household.anonymised_at)
        self.assertEqual(household.address, "")
        self.assertEqual(household.population_type, "in_destination")
        self.assertFalse(Phone.objects.filter(household=household).exclude(number_hash="").exists())
        self.assertEqual(ImportRow.objects.get(pk=self.other_row.pk).data["nombres"], "Pedro")

    def test_it_is_gone_from_search_consent_and_pages(self) -> None:
        rights.person_erase(user=self.carla, person=self.maria)
        self.assertEqual(selectors.search_people(user=self.alice, text="María José Pérez"), [])
        self.assertEqual(selectors.search_people(user=self.alice, text="12345678"), [])
        maria = Person.objects.get(pk=self.maria.pk)
        self.assertFalse(consent.allowed(maria, Consent.Purpose.REGISTRATION))
        self.login(self.carla)
        response = self.client.get(reverse("rights_person", args=[maria.uuid]))
        self.assertEqual(response.status_code, 404)

    def test_it_registers_the_request_and_audits_without_values(self) -> None:
        rights.person_erase(user=self.carla, person=self.maria)
        request = DataRequest.objects.get(person_uuid=self.maria.uuid, kind="erasure")
        self.assertEqual((request.status, request.handled_by), ("done", self.carla))
        self.assertIsNotNone(request.completed_at)
        event = AuditEvent.objects.get(action="delete", object_uuid=self.maria.uuid)
        self.assertEqual(event.context["reason"], "request")
        self.assertEqual(event.context["people"], 1)
        self.assertNotIn("Mar", json.dumps(event.context))
        entry = TimelineEntry.objects.filter(household=self.family, kind="erasure").get()
        self.assertNotIn("Mar", entry.summary)

    def test_it_closes_the_open_erasure_request_it_answers(self) -> None:
        asked = rights.data_request_record(user=self.carla, person=self.maria, kind="erasure")
        rights.person_erase(user=self.carla, person=self.maria, data_request=asked)
        asked.refresh_from_db()
        self.assertEqual(asked.status, "done")
        self.assertEqual(DataRequest.objects.filter(kind="erasure").count(), 1)

    def test_it_refuses_a_request_that_is_not_an_open_erasure_of_this_person(self) -> None:
        with self.assertRaises(ValidationError):
            rights.person_erase(user=self.carla, person=self.luis, data_request=self.access)
        self.assertIsNone(Person.objects.get(pk=self.luis.pk).anonymised_at)

    def test_it_refuses_erasure_to_those_who_do_not_handle_requests(self) -> None:
        for user in (self.alice, self.charlie, self.pablo, self.admin):
            with self.subTest(user=user.email), self.assertRaises(PermissionDenied):
                rights.person_erase(user=user, person=self.maria)
        self.assertIsNone(Person.objects.get(pk=self.maria.pk).anonymised_at)
        denied = AuditEvent.objects.filter(action="access_denied", object_uuid=self.maria.uuid)
        self.assertEqual(denied.count(), 4)

    def test_it_refuses_to_erase_twice(self) -> None:
        rights.person_erase(user=self.carla, person=self.maria)
        maria = Person.objects.get(pk=self.maria.pk)
        with self.assertRaises(ValidationError):
            rights.person_erase(user=self.carla, person=maria)

    def test_it_anonymises_the_household_with_its_last_member(self) -> None:
        rights.person_erase(user=self.carla, person=self.luis)
        self.assertIsNone(Household.objects.get(pk=self.family.pk).anonymised_at)
        self.assertEqual(
            Consent.objects.filter(person=self.luis).exclude(guardian_name="").count(), 0
        )
        result = rights.person_erase(user=self.carla, person=Person.objects.get(pk=self.maria.pk))
        household = Household.objects.get(pk=self.family.pk)
        self.assertEqual(result.households, 1)
        self.assertIsNotNone(household.anonymised_at)
        self.assertEqual(household.status, "closed")
        self.assertFalse(
            FieldChange.objects.filter(household=household).exclude(old_value="", new_value="")
        )

    def test_it_calls_the_erasers_of_other_apps(self) -> None:
        seen: list[tuple[int, str]] = []

        def eraser(person: Person, traces: rights.Traces) -> None:
            seen.append((person.pk, traces.redact("Visitó a María José Pérez")))

        rights.register_eraser(eraser)
        try:
            rights.person_erase(user=self.carla, person=self.maria)
        finally:
            rights.erasure._ERASERS.remove(eraser)
        self.assertEqual(seen, [(self.maria.pk, "Visitó a ***")])


class TracesTest(RegistryTestCase):
    def test_it_redacts_names_in_any_spelling_and_numbers_in_any_format(self) -> None:
        t = rights.Traces()
        t.add_name("María de los Ángeles", "Pérez", "González")
        t.add_document("V-12.345.678")
        t.add_phone("+573001234567")
        cases = {
            "Atendida: MARIA DE LOS ANGELES PEREZ.": "Atendida: ***.",
            "Pérez González, María de los Ángeles vino": "*** vino",
            "cédula V 12 345 678 y CC12345678": "cédula *** y CC***",
            "Llamar al (300) 123-4567 o +57 300 1234567": "Llamar al (*** o +***",
            "Pérez llegó sola": "Pérez llegó sola",  # a surname alone is the family's
            "Cambio de datos de la familia": "Cambio de datos de la familia",
        }
        for text, expected in cases.items():
            with self.subTest(text=text):
                self.assertEqual(t.redact(text), expected)


class RequestRegisterTest(RegistryTestCase):
    def test_it_records_and_closes_requests(self) -> None:
        person = self.focal_person()
        request = rights.data_request_record(user=self.carla, person=person, kind="access")
        self.assertEqual((request.status, request.organization), ("open", self.iom))
        with self.assertRaises(ValidationError):
            rights.data_request_close(user=self.carla, data_request=request, status="refused")
        rights.data_request_close(user=self.carla, data_request=request, status="done")
        request.refresh_from_db()
        self.assertEqual(request.status, "done")
        self.assertTrue(AuditEvent.objects.filter(action="update", object_uuid=request.uuid))

    def test_it_lets_caseworkers_record_corrections_only(self) -> None:
        person = self.focal_person()
        rights.data_request_record(user=self.alice, person=person, kind="correction")
        with self.assertRaises(PermissionDenied):
            rights.data_request_record(user=self.alice, person=person, kind="erasure")
        with self.assertRaises(PermissionDenied):
            rights.data_request_record(user=self.ramona, person=person, kind="correction")


class RightsViewsTest(RegistryTestCase):
    def test_it_shows_the_rights_page_to_request_handlers_only(self) -> None:
        person = self.focal_person()
        url = reverse("rights_person", args=[person.uuid])
        self.login(self.carla)
        response = self.client.get(url)
        self.assertContains(response, reverse("rights_erase", args=[person.uuid]))
        self.login(self.alice)
        self.assertEqual(self.client.get(url).status_code, 403)
        self.login(self.carla)
        foreign = Person.objects.get(household=self.ffs_family)
        self.assertEqual(
            self.client.get(reverse("rights_person", args=[foreign.uuid])).status_code, 404
        )

    def test_it_gives_a_json_copy_with_the_numbers_and_audits_it(self) -> None:
        person = self.focal_person()
        self.login(self.carla)
        response = self.client.get(reverse("rights_person_json", args=[person.uuid]))
        self.assertEqual(response.status_code, 200)
        data = json.loads(response.content)
        self.assertEqual(data["person"]["given_names"], "María José")
        self.assertEqual(data["documents"][0]["number"], "V-12.345.678")
        self.assertEqual(data["phones"][0]["number"], "+573001234567")
        self.assertEqual(data["consents"][0]["purpose"], "registration")
        self.assertEqual(data["timeline"][0]["kind"], "registration")
        event = AuditEvent.objects.get(action="export", object_uuid=person.uuid)
        self.assertEqual(event.context["file_format"], "json")

    def test_it_leaves_other_members_records_out_of_the_copy(self) -> None:
        person = self.focal_person()
        child = Person.objects.get(household=self.family, relationship="child")
        services.consent_record(
            user=self.alice,
            person=child,
            purpose="messaging",
            c=ConsentInput(given_by="guardian", guardian_name="Su madre"),
        )
        self.login(self.carla)
        data = json.loads(
            self.client.get(reverse("rights_person_json", args=[person.uuid])).content
        )
        self.assertEqual([e["kind"] for e in data["timeline"]], ["registration"])

    def test_it_shows_a_readable_copy_in_the_persons_language(self) -> None:
        person = self.focal_person()
        self.login(self.carla)
        url = reverse("rights_person_page", args=[person.uuid])
        response = self.client.get(url, {"lang": "pt"})
        self.assertContains(response, '<html lang="pt">')
        self.assertContains(response, "Colômbia")
        self.assertEqual(response["Content-Language"], "pt")
        response = self.client.get(url, {"lang": "en"})
        self.assertContains(response, "The data we hold about you")
        self.assertContains(response, "V-12.345.678")

    def test_it_sends_the_caseworker_to_the_edit_page_after_recording_a_correction(self) -> None:
        person = self.focal_person()
        self.login(self.alice)
        response = self.client.post(
            reverse("rights_correction", args=[person.uuid]),
            {"received_on": "2024-05-02", "note": "El segundo apellido"},
        )
        self.assertRedirects(
            response, reverse("person_edit", args=[person.uuid]), fetch_redirect_response=False
        )
        request = DataRequest.objects.get(kind="correction")
        self.assertEqual((request.person_uuid, request.status), (person.uuid, "open"))

    def test_it_asks_for_the_password_and_the_code_before_erasing(self) -> None:
        person = self.focal_person()
        url = reverse("rights_erase", args=[person.uuid])
        self.login(self.carla)
        self.assertEqual(self.client.get(url).status_code, 302)  # to the password page
        self.login(self.carla, sudo=True)
        response = self.client.post(url, {"confirmation": "WRONG"})
        self.assertEqual(response.status_code, 200)
        self.assertIsNone(Person.objects.get(pk=person.pk).anonymised_at)
        response = self.client.post(url, {"confirmation": str(person.uuid)[:8].lower()})
        self.assertRedirects(
            response,
            reverse("household_detail", args=[self.family.uuid]),
            fetch_redirect_response=False,
        )
        self.assertIsNotNone(Person.objects.get(pk=person.pk).anonymised_at)

    def test_it_lists_and_closes_requests_in_the_register(self) -> None:
        person = self.focal_person()
        request = rights.data_request_record(user=self.carla, person=person, kind="access")
        self.login(self.carla)
        response = self.client.get(reverse("rights_register"))
        self.assertContains(response, str(person.uuid)[:8].upper())
        response = self.client.post(
            reverse("rights_request_close", args=[request.uuid]), {"status": "done"}
        )
        self.assertRedirects(response, reverse("rights_register"), fetch_redirect_response=False)
        request.refresh_from_db()
        self.assertEqual(request.status, "done")
        self.login(self.alice)
        self.assertEqual(self.client.get(reverse("rights_register")).status_code, 403)
