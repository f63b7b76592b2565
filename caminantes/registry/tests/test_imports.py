"""Bulk import: upload -> staged batch -> validation report -> approval -> one-transaction merge.

Files are generated inside each test (a few rows each), in CSV or XLSX as a person or a
KoboToolbox/ODK export would write them.
"""

from __future__ import annotations

import io
import zipfile
from datetime import date, datetime
from pathlib import Path
from typing import Any
from unittest import mock

from django.core.exceptions import ValidationError
from django.utils import translation

from caminantes.audit.models import AuditEvent
from caminantes.registry import duplicates, hooks, imports
from caminantes.registry.models import (
    Consent,
    Household,
    ImportBatch,
    Person,
)
from caminantes.registry.tests.imports_base import (
    HEADER,
    MEDIA,
    ImportTestCase,
    families,
    person,
    registry_counts,
    to_csv,
    to_xlsx,
)


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
