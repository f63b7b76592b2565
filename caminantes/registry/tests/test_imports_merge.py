"""Bulk import, second part: the one-transaction merge, the import pages and the command."""

from __future__ import annotations

import csv
import io
from datetime import date
from pathlib import Path
from typing import Any, cast
from unittest import mock

import openpyxl
from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import override_settings
from django.urls import reverse

from caminantes.audit.models import AuditEvent
from caminantes.lib import bulk as bulk_writer
from caminantes.registry import duplicates, imports, selectors, services
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
from caminantes.registry.tests.imports_base import (
    MEDIA,
    ImportTestCase,
    families,
    person,
    registry_counts,
    to_csv,
)


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
        # Fail on the last table written, whichever way (COPY or executemany) it is written.
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
