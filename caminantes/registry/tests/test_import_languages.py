"""Imports that speak the file's language: spreadsheets from partners, headed in Spanish or
Portuguese as people type them, read whole; a consent column we do not know stops the check.

The files are small and hand-made, with the headers seen in partners' sheets.
"""

from __future__ import annotations

import csv
import io
from typing import Any, cast

from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings
from django.urls import reverse
from django.utils import translation

from caminantes.audit.models import AuditEvent
from caminantes.registry import imports
from caminantes.registry.models import Consent, ImportBatch, ImportRow, Person
from caminantes.registry.tests.imports_base import MEDIA, ImportTestCase

SPANISH = [
    "ID Familia", "Parentesco", "Nombres", "Apellidos", "Sexo", "Fecha de nacimiento (dd/mm/aaaa)",
    "Nacionalidad", "Tipo de documento", "N° de documento", "Teléfono", "Tipo de población",
    "Departamento", "Consentimiento", "consentimiento_busqueda",
]  # fmt: skip
PORTUGUESE = [
    "Código da família", "Parentesco", "Nome", "Sobrenome", "Sexo", "Data de nascimento",
    "Nacionalidade", "Tipo de documento", "Número do documento", "Telefone",
    "Tipo de população", "Consentimento", "Consentimento de busca familiar",
]  # fmt: skip


def sheet(header: list[str], rows: list[list[Any]]) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";")  # as Spanish-language Excel saves "CSV"
    writer.writerow(header)
    writer.writerows(rows)
    return out.getvalue().encode("utf-8")


def spanish_family() -> list[list[Any]]:
    """Yelitza with her two sons; each row says yes to family tracing but the youngest."""
    return [
        ["F-07", "Jefa de hogar", "Yelitza Carolina", "Mendoza Acosta", "Femenino", "12/05/1987",
         "Venezolana", "Cédula", "V-18.222.333", "300 555 0177", "En tránsito",
         "Norte de Santander", "Sí", "Sí"],
        ["F-07", "Hijo", "Kevin Andrés", "Mendoza Acosta", "Masculino", "03/02/2012", "Venezolana",
         "", "", "", "", "", "Sí", "Sí"],
        ["F-07", "Hijo", "Jesús Daniel", "Mendoza Acosta", "Masculino", "20/10/2019", "Venezolana",
         "", "", "", "", "", "Sí", "No"],
    ]  # fmt: skip


def portuguese_family() -> list[list[Any]]:
    return [
        ["BV-3", "Responsável", "Ana Beatriz", "Silva Rondón", "Feminino", "1992-08-30",
         "Venezuelana", "Passaporte", "123456789", "+58 414 555 0123", "Em trânsito", "Sim",
         "Sim"],
        ["BV-3", "Filha", "Luana", "Silva Rondón", "Feminino", "2018-01-15", "Venezuelana", "", "",
         "", "", "Sim", "Não"],
    ]  # fmt: skip


@override_settings(MEDIA_ROOT=MEDIA)
class HeaderLanguageTest(ImportTestCase):
    def test_it_matches_headers_whatever_their_case_accents_and_spacing(self) -> None:
        for header, column in [
            ("FECHA DE NACIMIENTO", "birth_date"),
            ("fecha_de_nacimiento", "birth_date"),
            ("Fecha de Nacimiento (dd/mm/aaaa)", "birth_date"),
            ("Data de Nascimento", "birth_date"),
            ("Número_de_Documento", "document_number"),
            ("Nº documento", "document_number"),
            ("TELEFONO", "phone"),
            ("  teléfono ", "phone"),
            ("group_members/Nombres", "given_names"),
            ("Sobrenome", "first_surname"),
            ("consentimiento_busqueda", "consent_family_tracing"),
            ("Consentimiento de búsqueda familiar", "consent_family_tracing"),
            ("Consentimento de busca familiar", "consent_family_tracing"),
            ("Fecha de llegada a Colombia", "arrival_date"),
        ]:
            with self.subTest(header):
                self.assertEqual(imports.canonical_column(header), column)
        self.assertIsNone(imports.canonical_column("Edad (meses)"))

    def test_it_reads_a_spanish_file_and_keeps_every_tracing_consent(self) -> None:
        batch = self.stage(sheet(SPANISH, spanish_family()), language="es")
        self.assertEqual(batch.status, ImportBatch.Status.VALIDATED, self.errors(batch))
        self.assertEqual(batch.summary["columns_ignored"], [])
        self.merge(batch)
        yelitza = Person.objects.get(given_names="Yelitza Carolina")
        self.assertEqual((yelitza.first_surname, yelitza.second_surname), ("Mendoza", "Acosta"))
        self.assertEqual(yelitza.sex, "F")
        self.assertEqual(str(yelitza.birth_date), "1987-05-12")
        tracing = Consent.objects.filter(
            person__household__import_batch=batch, purpose=Consent.Purpose.FAMILY_TRACING
        )
        self.assertEqual(
            sorted(tracing.values_list("person__given_names", flat=True)),
            ["Kevin Andrés", "Yelitza Carolina"],
        )

    def test_it_reads_a_portuguese_file(self) -> None:
        batch = self.stage(sheet(PORTUGUESE, portuguese_family()), language="pt-br")
        self.assertEqual(batch.status, ImportBatch.Status.VALIDATED, self.errors(batch))
        self.merge(batch)
        ana = Person.objects.get(given_names="Ana Beatriz")
        self.assertEqual(ana.first_surname, "Silva Rondón")
        self.assertEqual(ana.relationship, "focal_point")
        self.assertEqual(list(ana.nationalities.values_list("iso2", flat=True)), ["VE"])
        self.assertEqual(ana.documents.get().type, "passport")
        luana = Person.objects.get(given_names="Luana")
        self.assertEqual(luana.relationship, "child")
        self.assertFalse(luana.consents.filter(purpose=Consent.Purpose.FAMILY_TRACING).exists())
        self.assertTrue(ana.consents.filter(purpose=Consent.Purpose.FAMILY_TRACING).exists())

    def test_it_stops_at_a_consent_column_it_does_not_know(self) -> None:
        for header in ("Consentimiento de imagen", "Acepta contacto Cruz Roja", "consentimento_x"):
            with self.subTest(header):
                content = sheet([*SPANISH, header], [[*r, "Sí"] for r in spanish_family()])
                batch = self.stage(content, name=f"{header}.csv", language="es")
                self.assertEqual(batch.status, ImportBatch.Status.REJECTED)
                self.assertIn(header, batch.file_errors[0])
                self.assertIn("Consentimiento búsqueda familiar", batch.file_errors[0])
                self.assertFalse(ImportRow.objects.filter(batch=batch).exists())

    def test_it_stops_at_a_misspelt_column_instead_of_ignoring_it(self) -> None:
        header = [h if h != "Nacionalidad" else "Nacionalidda" for h in SPANISH]
        batch = self.stage(sheet(header, spanish_family()), language="es")
        self.assertEqual(batch.status, ImportBatch.Status.REJECTED)
        self.assertIn("Nacionalidda", batch.file_errors[0])
        self.assertIn("Nacionalidad»", batch.file_errors[0])  # the name to write, in Spanish

    def test_it_names_both_columns_that_stand_for_one(self) -> None:
        header = [*SPANISH, "Género"]
        batch = self.stage(sheet(header, [[*r, "F"] for r in spanish_family()]), language="es")
        self.assertEqual(batch.status, ImportBatch.Status.REJECTED)
        self.assertIn("“Sexo”, “Género”", batch.file_errors[0])

    def test_it_names_missing_columns_in_the_files_language(self) -> None:
        header = [h for h in SPANISH if h != "Nombres"]
        rows = [[c for h, c in zip(SPANISH, r, strict=True) if h != "Nombres"]
                for r in spanish_family()]  # fmt: skip
        batch = self.stage(sheet(header, rows), language="es")
        self.assertIn("Nombres (given_names)", batch.file_errors[0])

    def test_it_names_the_column_as_the_file_does_in_its_errors(self) -> None:
        rows = spanish_family()
        rows[1][5] = "31/02/2012"
        rows[2][4] = "Masc."
        batch = self.stage(sheet(SPANISH, rows), language="es")
        errors = {r.row_number: r.errors for r in ImportRow.objects.filter(batch=batch)}
        self.assertEqual(errors[3][0]["header"], "Fecha de nacimiento (dd/mm/aaaa)")
        self.assertEqual(errors[4][0]["header"], "Sexo")
        self.assertIn("Sexo", errors[4][0]["message"])
        report = "".join(imports.report_csv(batch))
        self.assertIn("Fecha de nacimiento (dd/mm/aaaa)", report)

    def test_it_reads_the_words_of_the_registration_form_in_each_language(self) -> None:
        rows = spanish_family()
        rows[0][1], rows[0][4], rows[0][10] = "Punto focal", "Femenino", "En tránsito"
        rows[1][1], rows[2][1] = "Hijo o hija", "Hijastro o hijastra"
        batch = self.stage(sheet(SPANISH, rows), language="es")
        self.assertEqual(batch.status, ImportBatch.Status.VALIDATED, self.errors(batch))
        relationships = [r.data["relationship"] for r in batch.rows.order_by("row_number")]
        self.assertEqual(relationships, ["focal_point", "child", "stepchild"])
        rows = portuguese_family()
        rows[1][1] = "Filho ou filha"
        batch = self.stage(sheet(PORTUGUESE, rows), name="pt.csv", language="pt-br")
        self.assertEqual(batch.status, ImportBatch.Status.VALIDATED, self.errors(batch))
        self.assertEqual(batch.rows.get(row_number=3).data["relationship"], "child")

    def test_it_answers_an_unknown_value_with_the_words_to_write_not_codes(self) -> None:
        rows = spanish_family()
        rows[1][1] = "Primo segundo"
        batch = self.stage(sheet(SPANISH, rows), language="es")
        message = batch.rows.get(row_number=3).errors[0]["message"]
        self.assertIn("Hijo o hija", message)
        self.assertNotIn("focal_point", message)

    def test_it_names_the_focal_point_as_the_form_does_when_a_household_has_none(self) -> None:
        rows = spanish_family()
        rows[0][1] = "Hermana"
        batch = self.stage(sheet(SPANISH, rows), language="es")
        message = batch.rows.get(row_number=2).errors[0]["message"]
        self.assertIn("parentesco “Punto focal”", message)
        self.assertNotIn("focal_point", message)

    def test_it_reads_an_age_in_years_as_an_estimated_date_of_birth(self) -> None:
        header = [h if not h.startswith("Fecha de nacimiento") else "Edad (años)" for h in SPANISH]
        rows = spanish_family()
        rows[0][5], rows[1][5], rows[2][5] = "37", "13 años", ""
        batch = self.stage(sheet(header, rows), language="es")
        self.assertEqual(batch.status, ImportBatch.Status.VALIDATED, self.errors(batch))
        head = batch.rows.get(row_number=2).data
        self.assertTrue(head["birth_date_estimated"])
        self.assertIsNotNone(head["birth_date"])
        self.assertIsNone(batch.rows.get(row_number=4).data["birth_date"])

    def test_it_reads_back_the_template_of_each_language(self) -> None:
        for language, first in (("es", "Código de hogar"), ("pt", "Código da família"),
                                ("en", "household_id")):  # fmt: skip
            with self.subTest(language):
                header, *rows = imports.template_rows(language)
                self.assertEqual(header[0], first)
                batch = self.stage(sheet(header, rows), name=f"{language}.csv", language=language)
                self.assertEqual(batch.status, ImportBatch.Status.VALIDATED, self.errors(batch))
                self.assertEqual(batch.summary["columns_ignored"], [])


@override_settings(MEDIA_ROOT=MEDIA)
class ImportLanguagePagesTest(ImportTestCase):
    def login_en(self, user: Any) -> None:
        self.login(user)
        self.client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"

    def upload(self, content: bytes, name: str = "hogares.csv") -> Any:
        self.login_en(self.alice)
        return self.client.post(
            reverse("registry_import_new"), {"file": SimpleUploadedFile(name, content)}, follow=True
        )

    def test_it_offers_the_template_in_spanish_and_portuguese(self) -> None:
        self.login_en(self.alice)
        page = self.client.get(reverse("registry_import_new"))
        self.assertContains(page, "?lang=es")
        self.assertContains(page, "Data de nascimento")
        response = self.client.get(reverse("registry_import_template") + "?lang=pt")
        self.assertIn("caminantes-households-pt.csv", response["Content-Disposition"])
        self.assertIn("Data de nascimento", response.content.decode())
        self.assertIn("responsável", response.content.decode())

    def test_it_shows_no_checking_message_once_the_check_is_over(self) -> None:
        page = self.upload(sheet(SPANISH, spanish_family()))
        self.assertContains(page, "Ready for review")
        for stale in ("being checked", "Reading the file", "Waiting for its turn", "hx-get"):
            self.assertNotContains(page, stale)

    def test_it_shows_errors_under_the_files_column_names_as_cards(self) -> None:
        rows = spanish_family()
        rows[1][5] = "31/02/2012"
        page = self.upload(sheet(SPANISH, rows))
        self.assertContains(page, '<table class="stack import-errors">')
        self.assertContains(page, "<strong>Fecha de nacimiento (dd/mm/aaaa)</strong>", html=False)
        self.assertContains(page, 'data-label="Column"')
        self.assertContains(page, "Kevin Andrés Mendoza Acosta")
        self.assertNotContains(page, "birth_date</")

    def test_it_lists_possible_duplicates_by_name_for_who_may_see_them(self) -> None:
        rows = [["P-1", "Jefa de hogar", "Maria Jose", "Perez Gonzalez", "F", "14/03/1990",
                 "VE", "Cédula", "12345678", "", "En destino", "", "Sí", "No"]]  # fmt: skip
        page = self.upload(sheet(SPANISH, rows))
        batch = ImportBatch.objects.get()
        self.assertEqual(batch.duplicate_rows, 1)
        self.assertContains(page, "María José Pérez González")  # the registered person
        self.assertContains(page, reverse("household_detail", args=[self.family.uuid]))
        self.assertTrue(
            AuditEvent.objects.filter(
                action="read_personal", actor=self.alice, object_uuid=self.focal_person().uuid
            ).exists()
        )
        # Someone FFS registered, found by a check that could see them: alice may not.
        yusmary = Person.objects.get(household=self.ffs_family)
        row = batch.rows.get()
        row.duplicate_of = [
            {"kind": "registry", "person": str(yusmary.uuid),
             "household": str(self.ffs_family.uuid), "score": 0.9, "reasons": ["name"]}
        ]  # fmt: skip
        row.save()
        page = self.client.get(reverse("registry_import", args=[batch.uuid]))
        self.assertNotContains(page, "Yusmary")
        self.assertNotContains(page, str(self.ffs_family.uuid))
        self.assertNotContains(page, str(self.ffs_family.uuid)[:8].upper())
        self.assertContains(page, "registered person you may not see")
        body = b"".join(
            cast(
                Any, self.client.get(reverse("registry_import_report_csv", args=[batch.uuid]))
            ).streaming_content
        ).decode()
        self.assertNotIn("Yusmary", body)

    def test_it_shows_the_consent_problem_on_the_batch_page(self) -> None:
        header = [*SPANISH, "Consentimiento de imagen"]
        with translation.override("en"):
            page = self.upload(sheet(header, [[*r, "Sí"] for r in spanish_family()]))
        self.assertContains(page, "“Consentimiento de imagen” looks like a consent")
        self.assertNotContains(page, "Columns ignored")
