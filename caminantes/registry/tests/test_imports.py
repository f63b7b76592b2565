"""Bulk import: upload -> staged batch -> validation report -> approval -> one-transaction merge.

Files are generated inside each test (a few rows each), in CSV or XLSX as a person or a
KoboToolbox/ODK export would write them.
"""

from __future__ import annotations

import csv
import io
import shutil
import tempfile
import zipfile
from datetime import date, datetime
from pathlib import Path
from typing import Any, cast
from unittest import mock

import openpyxl
from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import override_settings
from django.urls import reverse
from django.utils import translation

from caminantes.audit.models import AuditEvent
from caminantes.registry import bulk as bulk_writer
from caminantes.registry import duplicates, hooks, imports, selectors, services
from caminantes.registry.models import (
    Consent,
    Document,
    Household,
    ImportBatch,
    ImportRow,
    Person,
    Phone,
    TimelineEntry,
)
from caminantes.registry.tests.base import RegistryTestCase

MEDIA = tempfile.mkdtemp(prefix="caminantes-imports-")

HEADER = [
    "household_id", "relationship", "given_names", "first_surname", "second_surname", "sex",
    "birth_date", "birth_date_estimated", "nationality", "document_type", "document_number",
    "phone", "whatsapp", "population_type", "admin1", "arrival_date", "consent_registration",
    "consent_family_tracing",
]  # fmt: skip


def person(**kw: Any) -> dict[str, Any]:
    """Carmen of HH-1, or someone else of the same age in another household."""
    household = kw.get("household_id", "HH-1")
    row: dict[str, Any] = {
        "household_id": "HH-1",
        "relationship": "focal_point",
        "given_names": "Carmen Elena" if household == "HH-1" else f"Carmen {household}",
        "first_surname": "Rojas",
        "second_surname": "Medina",
        "sex": "F",
        "birth_date": "1988-05-21",
        "birth_date_estimated": "no",
        "nationality": "VE",
        "document_type": "cedula",
        "document_number": "V-20.111.222",
        "phone": "300 555 0101",
        "whatsapp": "sí",
        "population_type": "en tránsito",
        "admin1": "CO-NSA",
        "arrival_date": "2024-10-01",
        "consent_registration": "sí",
        "consent_family_tracing": "sí",
    }
    row.update(kw)
    return row


def families() -> list[dict[str, Any]]:
    """Two households: Carmen with her husband and daughter; Pedro alone, no document."""
    return [
        person(),
        person(relationship="cónyuge", given_names="José Gregorio", first_surname="Blanco",
               second_surname="Páez", sex="M", birth_date="14/02/1985",
               document_number="20333444", phone="", whatsapp="", population_type="",
               admin1="", arrival_date="", consent_family_tracing="no"),
        person(relationship="hija", given_names="Sofía", first_surname="Blanco",
               second_surname="Rojas", birth_date="2016-09-30", document_type="",
               document_number="", phone="", whatsapp="", population_type="", admin1="",
               arrival_date=""),
        person(household_id="HH-2", given_names="Pedro Luis", first_surname="Guerra",
               second_surname="", sex="masculino", birth_date="1975-01-05",
               document_type="", document_number="", phone="+58 412 555 0199", whatsapp="no",
               population_type="in_destination", admin1="CO54", arrival_date="02/03/2023"),
    ]  # fmt: skip


def to_csv(
    rows: list[dict[str, Any]],
    header: list[str] | None = None,
    *,
    names: dict[str, str] | None = None,
    delimiter: str = ",",
    encoding: str = "utf-8",
) -> bytes:
    header = header or HEADER
    out = io.StringIO()
    writer = csv.writer(out, delimiter=delimiter)
    writer.writerow([(names or {}).get(h, h) for h in header])
    for r in rows:
        writer.writerow([r.get(h, "") for h in header])
    return out.getvalue().encode(encoding)


def to_xlsx(rows: list[dict[str, Any]], header: list[str] | None = None) -> bytes:
    header = header or HEADER
    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(header)
    for r in rows:
        sheet.append([r.get(h) for h in header])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def registry_counts() -> dict[str, int]:
    return {
        m.__name__: m.objects.count()
        for m in (Household, Person, Document, Phone, Consent, TimelineEntry)
    }


@override_settings(MEDIA_ROOT=MEDIA)
class ImportTestCase(RegistryTestCase):
    """Messages are asserted in English, the msgids, so translations can change freely."""

    @classmethod
    def tearDownClass(cls) -> None:
        super().tearDownClass()
        shutil.rmtree(MEDIA, ignore_errors=True)

    def setUp(self) -> None:
        super().setUp()
        self.enterContext(translation.override("en"))

    def stage(
        self, content: bytes, *, user: Any = None, name: str = "hogares.csv", language: str = "en"
    ) -> ImportBatch:
        """Stage and check a file; messages in English (the msgids) for stable assertions."""
        batch = imports.batch_create(
            user=user or self.alice,
            organization=self.iom,
            country=self.co,
            file_name=name,
            chunks=[content],
        )
        return imports.batch_validate(batch, language=language)

    def errors(self, batch: ImportBatch) -> dict[int, list[tuple[str, str]]]:
        return {
            row.row_number: [(e["column"], e["message"]) for e in row.errors]
            for row in ImportRow.objects.filter(batch=batch)
            if row.errors
        }

    def merge(self, batch: ImportBatch, *, include_duplicates: bool = False) -> ImportBatch:
        imports.batch_approve(user=self.carla, batch=batch, include_duplicates=include_duplicates)
        return imports.batch_merge(batch, user=self.carla)


class StagingTest(ImportTestCase):
    def test_it_stages_a_file_without_touching_the_registry(self) -> None:
        before = registry_counts()
        batch = self.stage(to_csv(families()))
        self.assertEqual(batch.status, ImportBatch.Status.VALIDATED, batch.file_errors)
        self.assertEqual((batch.total_rows, batch.households, batch.error_rows), (4, 2, 0))
        self.assertEqual(batch.summary["valid_households"], 2)
        self.assertEqual(batch.rows.count(), 4)
        self.assertEqual(registry_counts(), before)
        self.assertTrue(imports.file_path(batch).is_file())
        self.assertTrue(imports.file_path(batch).is_relative_to(Path(MEDIA) / "imports"))
        steps = list(
            AuditEvent.objects.filter(action="import", object_uuid=batch.uuid)
            .order_by("id")
            .values_list("context__step", flat=True)
        )
        self.assertEqual(steps, ["upload", "validate"])

    def test_it_keeps_document_and_phone_numbers_encrypted_while_staged(self) -> None:
        batch = self.stage(to_csv(families()))
        raw = " ".join(str(r.data) for r in batch.rows.all())
        self.assertNotIn("20111222", raw.replace(".", ""))
        self.assertNotIn("5550101", raw.replace(" ", ""))

    def test_it_reads_kobo_and_odk_headers_and_spanish_names(self) -> None:
        names = {
            "household_id": "grupo_hogar/id_hogar",
            "relationship": "members-Parentesco",
            "given_names": "group_members/Nombres",
            "first_surname": "group_members/primer_apellido",
            "second_surname": "SEGUNDO_APELLIDO",
            "sex": "Sexo",
            "birth_date": "Fecha de nacimiento",
            "nationality": "nacionalidad",
            "consent_registration": "consentimiento/acepta_registro",
        }
        content = to_csv(families(), names=names, delimiter=";")
        batch = self.stage(b"\xef\xbb\xbf" + content.replace(b"\n", b"\r\n"))
        self.assertEqual(batch.status, ImportBatch.Status.VALIDATED, self.errors(batch))
        self.assertEqual(batch.households, 2)
        self.assertEqual(imports.canonical_column("meta/instanceID"), None)
        self.assertEqual(imports.canonical_column("_submission_time"), None)
        self.assertEqual(imports.canonical_column("FECHA_NACIMIENTO"), "birth_date")

    def test_it_reads_an_xlsx_export_with_dates_and_numbers_as_cells(self) -> None:
        rows = families()
        for r in rows:
            r["household_id"] = 1 if r["household_id"] == "HH-1" else 2
        rows[0]["birth_date"] = datetime(1988, 5, 21)
        rows[3]["birth_date"] = date(1975, 1, 5)
        rows[0]["document_number"] = 20111222
        batch = self.stage(to_xlsx(rows), name="kobo.xlsx")
        self.assertEqual(batch.status, ImportBatch.Status.VALIDATED, self.errors(batch))
        self.assertEqual(set(batch.rows.values_list("household_key", flat=True)), {"1", "2"})
        first = batch.rows.get(row_number=2)
        self.assertEqual(first.data["birth_date"], "1988-05-21")

    def test_it_documents_every_column_in_the_template(self) -> None:
        header, *examples = imports.template_rows()
        self.assertEqual(header, [c.name for c in imports.COLUMNS])
        batch = self.stage(to_csv([dict(zip(header, r, strict=True)) for r in examples], header))
        self.assertEqual(batch.status, ImportBatch.Status.VALIDATED, self.errors(batch))


class BadInputTest(ImportTestCase):
    def assertRejectedWithoutChange(self, batch: ImportBatch, before: dict[str, int]) -> None:
        self.assertEqual(batch.status, ImportBatch.Status.REJECTED)
        self.assertTrue(batch.file_errors)
        self.assertEqual(registry_counts(), before)
        with self.assertRaises(ValidationError):
            imports.batch_approve(user=self.carla, batch=batch)

    def test_it_reports_wrong_dates_on_their_rows(self) -> None:
        before = registry_counts()
        rows = [
            person(birth_date="31/02/1990"),
            person(household_id="HH-2", birth_date="1990-13-01", document_number="1"),
            person(household_id="HH-3", birth_date="ayer", document_number="2"),
            person(household_id="HH-4", birth_date="2090-01-01", document_number="3"),
            person(household_id="HH-5", arrival_date="2099-01-01", document_number="4"),
        ]
        batch = self.stage(to_csv(rows))
        errors = self.errors(batch)
        self.assertIn("31/02/1990", errors[2][0][1])
        self.assertEqual(errors[2][0][0], "birth_date")
        self.assertIn("YYYY-MM-DD or DD/MM/YYYY", errors[3][0][1])
        self.assertEqual(errors[4][0][0], "birth_date")
        self.assertIn(("birth_date", "The date of birth is in the future."), errors[5])
        self.assertEqual(errors[6][0][0], "arrival_date")
        self.assertRejectedWithoutChange(batch, before)

    def test_it_writes_the_errors_in_the_uploaders_language(self) -> None:
        def tagged(message: str) -> str:
            return f"[{translation.get_language()}] {message}"

        with mock.patch("caminantes.registry.imports.columns._", tagged):
            batch = self.stage(to_csv([person(birth_date="31/02/1990")]), language="pt")
        self.assertTrue(self.errors(batch)[2][0][1].startswith("[pt] Wrong date"))

    def test_it_reports_unknown_countries(self) -> None:
        before = registry_counts()
        rows = [
            person(nationality="Narnia"),
            person(household_id="HH-2", nationality="VE; XX", document_number="9"),
            person(household_id="HH-3", nationality="ven", admin1="PE-LIM", document_number="8"),
        ]
        batch = self.stage(to_csv(rows))
        errors = self.errors(batch)
        self.assertEqual(errors[2], [("nationality", "Unknown country: Narnia")])
        self.assertEqual(errors[3], [("nationality", "Unknown country: XX")])
        self.assertEqual(errors[4][0][0], "admin1")
        self.assertRejectedWithoutChange(batch, before)

    def test_it_refuses_one_person_in_two_households(self) -> None:
        before = registry_counts()
        rows = [
            person(),
            person(household_id="HH-2", given_names="Otra", document_number="V20111222"),
            person(household_id="HH-3", given_names="Carmen Elena", document_number="77"),
            person(household_id="HH-4", relationship="hijo", document_number="78"),
        ]
        batch = self.stage(to_csv(rows))
        errors = self.errors(batch)
        self.assertNotIn(2, errors)
        self.assertEqual(errors[3][0][0], "document_number")
        self.assertIn("row 2", errors[3][0][1])
        self.assertIn("HH-1", errors[3][0][1])
        self.assertIn("two households", errors[4][0][1])  # same name and date of birth
        self.assertEqual(batch.rows.get(row_number=4).duplicate_of[0]["row"], 2)
        self.assertEqual(batch.status, ImportBatch.Status.VALIDATED)  # HH-1 is fine
        merged = self.merge(batch)
        self.assertEqual(merged.summary["merged_households"], 1)
        self.assertEqual(Household.objects.filter(import_batch=batch).count(), 1)
        self.assertEqual(registry_counts()["Person"], before["Person"] + 1)

    def test_it_detects_broken_accents_and_offers_the_repair(self) -> None:
        before = registry_counts()
        rows = [person(given_names="MarÃ­a JosÃ©", first_surname="PÃ©rez")]
        batch = self.stage(to_csv(rows))
        errors = self.errors(batch)[2]
        self.assertEqual([c for c, _m in errors], ["given_names", "first_surname"])
        self.assertIn("María José", errors[0][1])
        self.assertIn("Pérez", errors[1][1])
        self.assertRejectedWithoutChange(batch, before)
        self.assertEqual(imports.columns.repair_mojibake("JOÃO CONCEIÇÃO"), None)
        self.assertEqual(imports.columns.repair_mojibake("Ã\u2018ame"), "Ñame")

    def test_it_refuses_an_empty_file(self) -> None:
        before = registry_counts()
        with self.assertRaisesMessage(ValidationError, "The file is empty."):
            imports.batch_create(
                user=self.alice, organization=self.iom, country=self.co, file_name="x.csv",
                chunks=[b""],
            )  # fmt: skip
        batch = self.stage(b"\xef\xbb\xbf\r\n")
        self.assertEqual(batch.file_errors, ["The file is empty."])
        header_only = self.stage(to_csv([]), name="solo-columnas.csv")
        self.assertIn("no rows", header_only.file_errors[0])
        self.assertRejectedWithoutChange(header_only, before)

    def test_it_refuses_an_xlsx_zip_bomb_before_opening_it(self) -> None:
        before = registry_counts()
        bomb = io.BytesIO()
        with zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as archive:
            archive.writestr("[Content_Types].xml", "<Types/>")
            archive.writestr("xl/worksheets/sheet1.xml", b"\0" * (20 * 1024 * 1024))
        self.assertLess(len(bomb.getvalue()), 100_000)
        with mock.patch("openpyxl.load_workbook", side_effect=AssertionError("opened")):
            batch = self.stage(bomb.getvalue(), name="bomba.xlsx")
        self.assertIn("zip bomb", batch.file_errors[0])
        self.assertRejectedWithoutChange(batch, before)
        self.assertEqual(batch.rows.count(), 0)

    def test_it_refuses_formula_cells(self) -> None:
        before = registry_counts()
        dangerous = ['=HYPERLINK("http://x")', "+1+2", "-2+3", "@SUM(A1)", "\tx", "\rx"]
        rows = [
            person(household_id=f"HH-{i}", document_number=str(i), given_names=value)
            for i, value in enumerate(dangerous)
        ]
        rows.append(person(household_id="HH-ok", document_number="99", phone="+57 300 555 0102"))
        batch = self.stage(to_csv(rows))
        errors = self.errors(batch)
        for number in range(2, 2 + len(dangerous)):
            self.assertEqual(errors[number][0][0], "given_names")
            self.assertIn("formula", errors[number][0][1])
        self.assertNotIn(2 + len(dangerous), errors)  # a phone may start with +
        self.assertEqual(batch.summary["valid_households"], 1)
        self.assertEqual(registry_counts(), before)

    def test_it_refuses_formulas_in_xlsx(self) -> None:
        batch = self.stage(to_xlsx([person(given_names="=1+1")]), name="f.xlsx")
        self.assertEqual(self.errors(batch)[2][0][0], "given_names")
        self.assertEqual(batch.status, ImportBatch.Status.REJECTED)

    def test_it_refuses_a_file_that_is_not_utf8(self) -> None:
        before = registry_counts()
        batch = self.stage(to_csv([person(given_names="María")], encoding="cp1252"))
        self.assertIn("UTF-8", batch.file_errors[0])
        self.assertIn("line 2", batch.file_errors[0])
        self.assertIn("Windows-1252", batch.file_errors[0])
        self.assertRejectedWithoutChange(batch, before)
        utf16 = self.stage(to_csv([person()], encoding="utf-16"), name="u16.csv")
        self.assertIn("UTF-16", utf16.file_errors[0])

    def test_it_refuses_a_file_without_the_required_columns(self) -> None:
        header = [h for h in HEADER if h not in {"given_names", "sex"}]
        batch = self.stage(to_csv([person()], header))
        self.assertIn("given_names, sex", batch.file_errors[0])

    def test_it_refuses_an_old_xls_file(self) -> None:
        batch = self.stage(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 100, name="viejo.xls")
        self.assertIn(".xls", batch.file_errors[0])

    def test_it_checks_the_household_rules(self) -> None:
        rows = [
            person(relationship="hijo"),  # HH-1 without focal point
            person(household_id="HH-2", document_number="5"),
            person(household_id="HH-2", given_names="Ana", document_number="6"),  # two heads
            person(household_id="HH-3", population_type="", document_number="7"),
            person(household_id="HH-4", document_number="8"),
            person(household_id="HH-4", relationship="hijo", given_names="Luis", sex="M",
                   population_type="retornado", document_number="9"),
            person(household_id="", document_number="10"),
        ]  # fmt: skip
        batch = self.stage(to_csv(rows))
        errors = self.errors(batch)
        self.assertIn("has no focal point", errors[2][0][1])
        self.assertIn("row 3", errors[4][0][1])
        self.assertIn("no population type", errors[5][0][1])
        self.assertEqual(errors[7][0][0], "population_type")
        self.assertEqual(errors[8][0][0], "household_id")
        self.assertEqual(batch.status, ImportBatch.Status.REJECTED)

    def test_it_asks_a_guardian_for_a_child_and_takes_the_adult_focal_point(self) -> None:
        rows = [
            person(birth_date="2015-01-01", document_type="", document_number=""),
            person(household_id="HH-2", document_number="1"),
            person(household_id="HH-2", relationship="hijo", given_names="Luis", sex="M",
                   birth_date="2019-04-04", document_type="", document_number=""),
        ]  # fmt: skip
        batch = self.stage(to_csv(rows))
        errors = self.errors(batch)
        self.assertEqual(
            errors[2][0],
            ("consent_registration", "For a child, a parent or guardian gives consent."),
        )
        self.assertNotIn(4, errors)
        self.merge(batch)
        luis = Person.objects.get(given_names="Luis", household__import_batch=batch)
        consent = luis.consents.get(purpose="registration")
        self.assertEqual(consent.given_by, Consent.GivenBy.GUARDIAN)
        self.assertEqual(consent.guardian_name, "Carmen HH-2 Rojas Medina")

    def test_it_refuses_the_same_file_twice(self) -> None:
        content = to_csv(families())
        first = self.stage(content)
        with self.assertRaises(imports.SameFile) as refused:
            self.stage(content, name="otra-vez.csv")
        self.assertEqual(refused.exception.earlier, first)
        self.assertIn("hogares.csv", refused.exception.messages[0])
        self.assertIn(str(first.uuid)[:8], refused.exception.messages[0])
        self.merge(first)
        with self.assertRaises(imports.SameFile):
            self.stage(content)
        # Another organisation's copy of the same file is its own business.
        other = imports.batch_create(
            user=self.ramona, organization=self.ffs, country=self.co, file_name="x.csv",
            chunks=[content],
        )  # fmt: skip
        self.assertEqual(other.status, ImportBatch.Status.UPLOADED)

    def test_it_stops_checking_a_batch_cancelled_meanwhile(self) -> None:
        batch = imports.batch_create(
            user=self.alice, organization=self.iom, country=self.co, file_name="x.csv",
            chunks=[to_csv(families())],
        )  # fmt: skip

        def cancel_first(batch: ImportBatch, language: str) -> dict[str, Any]:
            imports.batch_cancel(user=self.alice, batch=batch)
            return {}

        with mock.patch(
            "caminantes.registry.imports.staging._check_households", side_effect=cancel_first
        ):
            batch = imports.batch_validate(batch, language="en")
        self.assertEqual(batch.status, ImportBatch.Status.CANCELLED)
        self.assertEqual(batch.rows.exclude(data={}).count(), 0)

    def test_it_allows_a_cancelled_file_again(self) -> None:
        content = to_csv(families())
        first = self.stage(content)
        imports.batch_cancel(user=self.alice, batch=first)
        self.assertFalse(imports.file_path(first).exists())
        self.assertEqual(self.stage(content).status, ImportBatch.Status.VALIDATED)


class DuplicateTest(ImportTestCase):
    def test_it_flags_people_already_registered_and_leaves_them_out(self) -> None:
        # The registered focal point of the base family, her cédula written another way.
        rows = [
            person(given_names="Maria Jose", first_surname="Perez", second_surname="Gonzalez",
                   birth_date="14/03/1990", document_number="12345678"),
            person(household_id="HH-2", document_number="55"),
        ]  # fmt: skip
        batch = self.stage(to_csv(rows))
        found = batch.rows.get(row_number=2).duplicate_of
        self.assertEqual(found[0]["kind"], "registry")
        self.assertEqual(found[0]["person"], str(self.family.focal_point.uuid))  # type: ignore[union-attr]
        self.assertIn("document", found[0]["reasons"])
        self.assertEqual(batch.summary["duplicate_households"], 1)
        merged = self.merge(batch)
        self.assertEqual(merged.summary["merged_households"], 1)
        self.assertEqual(merged.summary["skipped_duplicate_households"], 1)
        report = "".join(imports.report_csv(merged))
        self.assertIn("possible duplicate", report)
        self.assertIn("not imported", report)

    def test_it_merges_possible_duplicates_when_the_officer_includes_them(self) -> None:
        rows = [person(given_names="María José", first_surname="Pérez", second_surname="González",
                       birth_date="1990-03-14", document_type="", document_number="")]  # fmt: skip
        batch = self.stage(to_csv(rows))
        self.assertEqual(batch.rows.get().duplicate_of[0]["reasons"], ["name", "birth_date"])
        merged = self.merge(batch, include_duplicates=True)
        self.assertEqual(merged.summary["merged_households"], 1)

    def test_it_only_compares_with_people_the_uploader_may_see(self) -> None:
        # Yusmary is registered by FFS: IOM's registrar neither sees her nor learns of her.
        rows = [person(given_names="Yusmary", first_surname="Rodríguez", second_surname="",
                       birth_date="1985-01-20", document_type="", document_number="")]  # fmt: skip
        batch = self.stage(to_csv(rows))
        self.assertEqual(batch.rows.get().duplicate_of, [])

    def test_it_asks_every_finder_registered_on_the_duplicate_hook(self) -> None:
        def everyone(candidate: dict[str, Any], people: Any) -> list[duplicates.Candidate]:
            return [duplicates.Candidate(self.family.focal_point_id or 0, 0.5, ("engine",))]

        listed = hooks.duplicate_finders()
        with mock.patch.object(hooks, "duplicate_finders", lambda: [*listed, everyone]):
            batch = self.stage(to_csv(families()))
        self.assertEqual(batch.duplicate_rows, 4)
        self.assertEqual(batch.rows.first().duplicate_of[0]["reasons"], ["engine"])  # type: ignore[union-attr]


class MergeTest(ImportTestCase):
    def test_two_batches_checked_together_do_not_both_add_the_same_person(self) -> None:
        newcomer = person(given_names="Yorbelis", first_surname="Mendoza", second_surname="Ríos",
                          birth_date="2001-09-09", document_number="27111222")  # fmt: skip
        first = self.stage(to_csv([newcomer]), name="lunes.csv")
        second = self.stage(
            to_csv([newcomer, person(household_id="HH-9", document_type="", document_number="")]),
            name="martes.csv",
        )
        self.assertEqual(second.rows.get(row_number=2).duplicate_of, [])  # not there yet
        self.assertEqual(self.merge(first).summary["merged_households"], 1)
        merged = self.merge(second, include_duplicates=True)
        self.assertEqual(merged.summary["late_duplicate_households"], 1)
        self.assertEqual(merged.summary["merged_households"], 1)  # only HH-9
        self.assertEqual(Person.objects.filter(given_names="Yorbelis").count(), 1)
        self.assertIn("document", merged.rows.get(row_number=2).duplicate_of[0]["reasons"])

    def test_it_merges_through_the_registrys_own_code(self) -> None:
        batch = self.merge(self.stage(to_csv(families())))
        self.assertEqual(batch.status, ImportBatch.Status.MERGED, batch.file_errors)
        self.assertEqual(batch.summary["merged_people"], 4)
        self.assertFalse(imports.file_path(batch).exists())
        carmen_home = Household.objects.get(import_batch=batch, members__given_names="Carmen Elena")
        self.assertEqual(carmen_home.focal_point.given_names, "Carmen Elena")  # type: ignore[union-attr]
        self.assertEqual(carmen_home.population_type, "in_transit")
        self.assertEqual(carmen_home.admin_area, self.nsa)
        self.assertEqual(carmen_home.arrival_date, date(2024, 10, 1))
        self.assertEqual(carmen_home.registered_by, self.alice)
        self.assertEqual(carmen_home.members.count(), 3)
        jose = carmen_home.members.get(given_names="José Gregorio")
        self.assertEqual((jose.relationship, jose.birth_date), ("spouse", date(1985, 2, 14)))
        self.assertEqual(list(jose.nationalities.values_list("iso2", flat=True)), ["VE"])
        doc = Document.objects.get(person__given_names="Carmen Elena")
        self.assertEqual((doc.number, doc.number_last4), ("V-20.111.222", "1222"))
        self.assertEqual(doc.number_hash, duplicates.document_hash("20111222"))
        phone = Phone.objects.get(person__given_names="Carmen Elena")
        self.assertEqual((phone.number, phone.whatsapp), ("+573005550101", True))
        purposes = set(jose.consents.values_list("purpose", flat=True))
        self.assertEqual(purposes, {"registration"})
        self.assertEqual(jose.consents.get().recorded_by, self.alice)
        # Search keys exactly as the services make them.
        keys = jose.search_tokens
        services.index_person(jose)
        jose.refresh_from_db()
        self.assertEqual(jose.search_tokens, keys)
        self.assertEqual(
            selectors.search_people(user=self.alice, text="jose gregorio blanco")[0], jose
        )
        entry = carmen_home.timeline.get()
        self.assertEqual((entry.kind, entry.actor), ("registration", self.alice))
        steps = dict(
            AuditEvent.objects.filter(action="import", object_uuid=batch.uuid)
            .order_by("id")
            .values_list("context__step", "context")
        )
        self.assertEqual(list(steps), ["upload", "validate", "approve", "merge"])
        self.assertEqual((steps["merge"]["households"], steps["merge"]["people"]), (2, 4))
        self.assertEqual(ImportRow.objects.filter(batch=batch).exclude(data={}).count(), 0)

    def test_it_works_through_the_file_in_chunks(self) -> None:
        rows = [*families(), person(household_id="HH-3", document_number="33")]
        with (
            mock.patch("caminantes.registry.imports.staging.ROW_CHUNK", 2),
            mock.patch("caminantes.registry.imports.staging.HOUSEHOLD_CHUNK", 1),
            mock.patch("caminantes.registry.imports.merge.HOUSEHOLD_CHUNK", 1),
        ):
            batch = self.merge(self.stage(to_csv(rows)))
        self.assertEqual(batch.status, ImportBatch.Status.MERGED, batch.file_errors)
        self.assertEqual(
            (batch.summary["merged_households"], batch.summary["merged_people"]), (3, 5)
        )
        for household in Household.objects.filter(import_batch=batch):
            self.assertEqual(household.focal_point.household, household)  # type: ignore[union-attr]

    def test_it_rolls_everything_back_when_the_merge_fails(self) -> None:
        before = registry_counts()
        batch = self.stage(to_csv(families()))
        imports.batch_approve(user=self.carla, batch=batch)
        # Fail on the last table written, whichever way (COPY or bulk_create) it is written.
        real_write = bulk_writer.BulkWriter.write

        def failing_write(self: Any, model: Any, rows: Any) -> Any:
            if model is TimelineEntry:
                raise RuntimeError("disk full")
            return real_write(self, model, rows)

        with mock.patch.object(bulk_writer.BulkWriter, "write", failing_write):
            batch = imports.batch_merge(batch, user=self.carla)
        self.assertEqual(batch.status, ImportBatch.Status.FAILED)
        self.assertIn("disk full", batch.file_errors[0])
        self.assertEqual(registry_counts(), before)
        self.assertTrue(imports.file_path(batch).exists())

    def test_it_lets_only_an_approver_of_that_country_approve(self) -> None:
        batch = self.stage(to_csv(families()))
        with self.assertRaises(PermissionDenied):
            imports.batch_approve(user=self.alice, batch=batch)
        self.assertTrue(
            AuditEvent.objects.filter(
                actor=self.alice, action="access_denied", outcome="denied"
            ).exists()
        )
        with self.assertRaises(PermissionDenied):
            imports.batch_create(
                user=self.charlie, organization=self.iom, country=self.co, file_name="x.csv",
                chunks=[b"x"],
            )  # fmt: skip

    def test_it_writes_a_report_with_neutralised_cells(self) -> None:
        rows = [*families(), person(household_id="HH-9", given_names="=1+1", document_number="3")]
        batch = self.stage(to_csv(rows))
        lines = list(csv.reader(io.StringIO("".join(imports.report_csv(batch)).lstrip("\ufeff"))))
        self.assertEqual(lines[0], ["row", "household_id", "status", "column", "message"])
        self.assertEqual(len(lines), 1 + 5)
        self.assertIn("formula", lines[-1][4])
        out = io.BytesIO()
        imports.report_xlsx(batch, out)
        sheet = openpyxl.load_workbook(out, read_only=True).worksheets[0]
        cells = [c for row in sheet.iter_rows(values_only=True) for c in row if isinstance(c, str)]
        self.assertFalse([c for c in cells if c.startswith(("=", "+", "-", "@"))])


@override_settings(MEDIA_ROOT=MEDIA)
class ImportPagesTest(ImportTestCase):
    def login_en(self, user: Any) -> None:
        self.login(user)
        self.client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"

    def upload(self, content: bytes, name: str = "hogares.csv") -> Any:
        self.login_en(self.alice)
        return self.client.post(
            reverse("registry_import_new"), {"file": SimpleUploadedFile(name, content)}
        )

    def test_it_shows_the_accepted_columns_and_the_template(self) -> None:
        self.login_en(self.alice)
        page = self.client.get(reverse("registry_import_new"))
        self.assertContains(page, "fecha_nacimiento")
        self.assertContains(page, "group_members/given_names")
        template = self.client.get(reverse("registry_import_template"))
        self.assertEqual(template["Content-Type"], "text/csv; charset=utf-8")
        self.assertIn("household_id,relationship,given_names", template.content.decode())

    def test_it_uploads_checks_and_shows_the_batch(self) -> None:
        response = self.upload(to_csv(families()))
        batch = ImportBatch.objects.get()
        self.assertRedirects(response, reverse("registry_import", args=[batch.uuid]))
        self.assertEqual(batch.created_by, self.alice)
        page = self.client.get(reverse("registry_import", args=[batch.uuid]))
        self.assertContains(page, "Ready for review")
        self.assertNotContains(page, "registry_import_approve")
        progress = self.client.get(reverse("registry_import_progress", args=[batch.uuid]))
        self.assertEqual(progress["HX-Refresh"], "true")
        listing = self.client.get(reverse("registry_imports"))
        self.assertContains(listing, "hogares.csv")

    def test_it_refuses_an_empty_or_repeated_upload_on_the_form(self) -> None:
        self.assertContains(self.upload(b""), "The submitted file is empty.")
        self.upload(to_csv(families()))
        again = self.upload(to_csv(families()), name="copia.csv")
        self.assertContains(again, "is not imported twice")
        self.assertEqual(ImportBatch.objects.count(), 1)

    def test_it_downloads_the_report_and_audits_it(self) -> None:
        self.upload(to_csv([*families(), person(household_id="HH-9", birth_date="31/02/1990")]))
        batch = ImportBatch.objects.get()
        as_csv = self.client.get(reverse("registry_import_report_csv", args=[batch.uuid]))
        self.assertIn("31/02/1990", b"".join(cast(Any, as_csv).streaming_content).decode())
        as_xlsx = self.client.get(reverse("registry_import_report_xlsx", args=[batch.uuid]))
        book = openpyxl.load_workbook(io.BytesIO(b"".join(cast(Any, as_xlsx).streaming_content)))
        self.assertEqual(book.worksheets[0].max_row, 1 + 6)
        self.assertEqual(
            AuditEvent.objects.filter(action="export", object_uuid=batch.uuid).count(), 2
        )

    def test_it_lets_the_country_manager_approve_and_merge(self) -> None:
        self.upload(to_csv(families()))
        batch = ImportBatch.objects.get()
        self.assertEqual(
            self.client.post(reverse("registry_import_approve", args=[batch.uuid])).status_code,
            403,
        )
        self.login_en(self.carla)
        page = self.client.get(reverse("registry_import", args=[batch.uuid]))
        self.assertContains(page, reverse("registry_import_approve", args=[batch.uuid]))
        self.client.post(reverse("registry_import_approve", args=[batch.uuid]))
        batch.refresh_from_db()
        self.assertEqual(batch.status, ImportBatch.Status.MERGED)
        self.assertEqual(batch.approved_by, self.carla)
        self.assertEqual(Household.objects.filter(import_batch=batch).count(), 2)

    def test_it_shows_errors_duplicates_and_progress_on_the_batch_page(self) -> None:
        rows = [
            *families(),
            person(household_id="HH-9", given_names="Ana", birth_date="31/02/1990"),
            person(household_id="HH-8", given_names="Maria Jose", first_surname="Perez",
                   second_surname="Gonzalez", birth_date="14/03/1990", document_number="12345678"),
        ]  # fmt: skip
        self.upload(to_csv(rows))
        batch = ImportBatch.objects.get()
        page = self.client.get(reverse("registry_import", args=[batch.uuid]))
        self.assertContains(page, "31/02/1990")
        self.assertContains(page, reverse("household_detail", args=[self.family.uuid]))
        ImportBatch.objects.filter(pk=batch.pk).update(
            status=ImportBatch.Status.MERGING, summary=batch.summary | {"merge_rows": 4}
        )
        (Path(MEDIA) / "imports" / f"{batch.uuid}.progress").write_text("2")
        progress = self.client.get(reverse("registry_import_progress", args=[batch.uuid]))
        self.assertContains(progress, 'value="50"')
        self.assertContains(progress, "hx-get")
        self.assertFalse(progress.has_header("HX-Refresh"))

    def test_it_hides_other_organisations_batches(self) -> None:
        self.upload(to_csv(families()))
        batch = ImportBatch.objects.get()
        self.login_en(self.charlie)
        for name in ("registry_import", "registry_import_progress", "registry_import_report_csv"):
            self.assertEqual(self.client.get(reverse(name, args=[batch.uuid])).status_code, 404)
        self.assertEqual(
            self.client.post(reverse("registry_import_cancel", args=[batch.uuid])).status_code,
            404,
        )
        self.assertNotContains(self.client.get(reverse("registry_imports")), "hogares.csv")

    def test_it_cancels_a_batch(self) -> None:
        self.upload(to_csv(families()))
        batch = ImportBatch.objects.get()
        self.client.post(reverse("registry_import_cancel", args=[batch.uuid]))
        batch.refresh_from_db()
        self.assertEqual(batch.status, ImportBatch.Status.CANCELLED)
        self.assertFalse(imports.file_path(batch).exists())


@override_settings(MEDIA_ROOT=MEDIA)
class CommandTest(ImportTestCase):
    def write(self, content: bytes, name: str = "hogares.csv") -> Path:
        path = Path(MEDIA) / "in" / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(content)
        return path

    def test_it_imports_from_the_command_line_as_the_system(self) -> None:
        out = io.StringIO()
        path = self.write(to_csv(families()))
        call_command("import_households", str(path), org="iom", country="co", approve=True,
                     language="en", stdout=out)  # fmt: skip
        text = out.getvalue()
        batch = ImportBatch.objects.get()
        self.assertIn(str(batch.uuid)[:8], text)
        self.assertIn("Households: 2", text)
        self.assertIn(str(imports.report_path(batch)), text)
        self.assertTrue(imports.report_path(batch).is_file())
        self.assertEqual(Household.objects.filter(import_batch=batch).count(), 2)
        self.assertIsNone(batch.created_by)
        consent = Consent.objects.filter(person__household__import_batch=batch).first()
        self.assertIsNone(consent.recorded_by)  # type: ignore[union-attr]
        merge = AuditEvent.objects.get(action="import", context__step="merge")
        self.assertEqual((merge.actor, merge.actor_email), (None, "system:import-households"))

    def test_it_exits_non_zero_on_a_rejected_file(self) -> None:
        path = self.write(to_csv([person(birth_date="31/02/1990")]))
        out = io.StringIO()
        with self.assertRaises(CommandError) as failed:
            call_command(
                "import_households", str(path), org="IOM", country="CO", language="en", stdout=out
            )
        self.assertEqual(failed.exception.returncode, 2)
        self.assertIn("Rows with errors: 1", out.getvalue())
        self.assertEqual(Household.objects.filter(import_batch__isnull=False).count(), 0)
