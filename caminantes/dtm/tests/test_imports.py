from __future__ import annotations

import csv
import io
import uuid
from datetime import date
from pathlib import Path
from typing import Any
from unittest import mock

import openpyxl
from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError

from caminantes.accounts.models import Membership, User
from caminantes.accounts.permissions import Role
from caminantes.dtm.imports import SameFile, import_cancel, import_commit, import_create, staging
from caminantes.dtm.models import DtmImport, FlowCount, FlowDaily, Operation
from caminantes.dtm.tasks import import_commit_task, import_stage_task
from caminantes.dtm.tests.base import DtmTestCase, sheet

COLUMNS = ["uuid", "point", "date", "shift_start", "shift_end", "direction", "flow_type",
           "individuals",
           "groups", "unaccompanied_children", "female_0_5", "female_6_17", "female_18_59",
           "female_60_plus", "male_0_5", "male_6_17", "male_18_59", "male_60_plus",
           "nationality_VE", "nationality_CO", "transport_on_foot", "transport_bus",
           "destination_CO", "destination_PE"]  # fmt: skip


def flow_csv(rows: list[dict[str, Any]], header: list[str] | None = None) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(header or COLUMNS)
    for r in rows:
        writer.writerow([r.get(c, "") for c in COLUMNS])
    return out.getvalue().encode()


def odk_xlsx(rows: list[dict[str, Any]]) -> bytes:
    """ODK Central's export: group-field headers, KEY and meta-instanceID, SubmissionDate."""
    book = openpyxl.Workbook()
    ws = book.active
    assert ws is not None
    names = ["SubmissionDate", *[f"tally-{c}" if c not in ("uuid",) else "meta-instanceID"
                                  for c in COLUMNS], "KEY", "SubmitterName"]  # fmt: skip
    ws.append(names)
    for r in rows:
        cells = [f"uuid:{r['uuid']}" if c == "uuid" else r.get(c) for c in COLUMNS]
        ws.append(["2025-03-10T15:00:00Z", *cells, f"uuid:{r['uuid']}", "eve"])
    buf = io.BytesIO()
    book.save(buf)
    return buf.getvalue()


class FlowImportTest(DtmTestCase):
    def upload(self, content: bytes, user: Any = None, name: str = "counts.csv") -> DtmImport:
        return import_create(user=user or self.eve, operation=self.operation, country=self.co,
                             kind="flow_counts", file_name=name, chunks=[content])  # fmt: skip

    def rows(self, n: int = 3, **overrides: Any) -> list[dict[str, Any]]:
        return [sheet(point="simon-bolivar", **overrides) for _ in range(n)]

    def test_it_stages_then_commits_all_rows_and_rolls_up(self) -> None:
        batch = self.upload(flow_csv(self.rows()))
        self.assertEqual((batch.status, batch.total_rows, batch.error_rows), ("validated", 3, 0))
        self.assertEqual(FlowCount.objects.count(), 0)
        import_commit(user=self.eve, batch=batch)
        batch.refresh_from_db()
        self.assertEqual((batch.status, batch.imported_rows), ("committed", 3))
        self.assertEqual(FlowDaily.objects.get().individuals, 30)
        self.assertEqual(set(FlowCount.objects.values_list("source", flat=True)), {"import"})

    def test_it_reads_an_odk_central_xlsx_export(self) -> None:
        batch = self.upload(odk_xlsx(self.rows(2)), name="odk.xlsx")
        self.assertEqual(batch.status, "validated", batch.file_errors)
        self.assertIn("SubmitterName", batch.columns_ignored)
        import_commit(user=self.eve, batch=batch)
        self.assertEqual(FlowCount.objects.count(), 2)

    def test_it_refuses_the_same_file_twice(self) -> None:
        content = flow_csv(self.rows())
        first = self.upload(content)
        with self.assertRaises(SameFile) as cm:
            self.upload(content, name="again.csv")
        self.assertEqual(cm.exception.earlier, first)
        self.assertIn("already uploaded", cm.exception.messages[0])

    def test_the_same_file_may_go_to_another_operation_of_the_organisation(self) -> None:
        content = flow_csv(self.rows())
        self.upload(content)
        other = Operation.objects.create(
            organization=self.iom, name="Another operation", code="oth", starts_on=date(2025, 1, 1)
        )
        other.countries.set([self.co])
        batch = import_create(user=self.eve, operation=other, country=self.co,
                              kind="flow_counts", file_name="2.csv", chunks=[content])  # fmt: skip
        self.assertEqual(batch.operation, other)

    def test_it_skips_rows_already_received(self) -> None:
        rows = self.rows(2)
        import_commit(user=self.eve, batch=self.upload(flow_csv(rows[:1])))
        batch = self.upload(flow_csv(rows))
        self.assertEqual((batch.status, batch.known_rows), ("validated", 1))
        import_commit(user=self.eve, batch=batch)
        batch.refresh_from_db()
        self.assertEqual(batch.imported_rows, 1)
        self.assertEqual(FlowCount.objects.count(), 2)

    def test_it_names_the_row_and_column_of_each_error(self) -> None:
        rows = self.rows(3)
        rows[1]["shift_end"] = "07:00"
        rows[2]["groups"] = "-1"
        rows[2]["uuid"] = rows[0]["uuid"]
        batch = self.upload(flow_csv(rows))
        self.assertEqual((batch.status, batch.error_rows), ("rejected", 2))
        errors = {r.row_number: r.errors for r in batch.rows.all()}
        self.assertEqual(errors[3][0]["column"], "shift_end")
        columns = {e["column"] for e in errors[4]}
        self.assertEqual(columns, {"groups", "uuid"})
        with self.assertRaises(ValidationError):
            import_commit(user=self.eve, batch=batch)
        self.assertEqual(FlowCount.objects.count(), 0)

    def test_it_imports_nothing_when_a_row_fails_at_commit(self) -> None:
        batch = self.upload(flow_csv(self.rows(3)))
        self.point.is_active = False
        self.point.save()
        batch = import_commit(user=self.eve, batch=batch)
        self.assertEqual(batch.status, "failed")
        self.assertIn("Row 2 no longer passes the checks", batch.file_errors[0])
        self.assertIn("This point is closed", batch.file_errors[0])
        self.assertEqual(FlowCount.objects.count(), 0)
        self.assertEqual(FlowDaily.objects.count(), 0)

    def test_it_refuses_a_file_without_the_id_column(self) -> None:
        batch = self.upload(flow_csv(self.rows(1), header=["point", *COLUMNS[1:]]))
        self.assertEqual(batch.status, "rejected")
        self.assertIn("uuid", batch.file_errors[0])

    def test_it_refuses_a_file_in_windows_1252(self) -> None:
        batch = self.upload("point;fecha\nPuente Simón;1\n".encode("cp1252"))
        self.assertEqual(batch.status, "rejected")
        self.assertIn("UTF-8", batch.file_errors[0])

    def test_it_does_not_let_another_organisation_import_at_our_points(self) -> None:
        with self.assertRaises(PermissionDenied):
            self.upload(flow_csv(self.rows(1)), user=self.charlie)

    def test_it_cancels_a_staged_import(self) -> None:
        batch = self.upload(flow_csv(self.rows(1)))
        import_cancel(user=self.eve, batch=batch)
        self.assertEqual(batch.status, "cancelled")
        self.upload(flow_csv(self.rows(1)) + b"\n")  # another file: fine


class ImportPagesTest(DtmTestCase):
    def test_it_uploads_checks_and_imports_from_the_page(self) -> None:
        from django.core.files.uploadedfile import SimpleUploadedFile
        from django.urls import reverse

        self.login(self.eve)
        upload = SimpleUploadedFile("c.csv", flow_csv([sheet(point="simon-bolivar")]))
        response = self.client.post(reverse("dtm_imports"), {
            "operation": self.operation.pk, "kind": "flow_counts", "file": upload})  # fmt: skip
        batch = DtmImport.objects.get()
        self.assertRedirects(response, reverse("dtm_import", args=[batch.uuid]))
        page = self.client.get(reverse("dtm_import", args=[batch.uuid]))
        self.assertContains(page, "c.csv")
        self.client.post(reverse("dtm_import", args=[batch.uuid]), {"action": "commit"})
        self.assertEqual(FlowCount.objects.count(), 1)
        _ = uuid


class BackgroundImportTest(DtmTestCase):
    """The request stores the file; huey tasks check and write it (inline under tests)."""

    def upload(self, content: bytes, name: str = "counts.csv") -> DtmImport:
        return import_create(user=self.eve, operation=self.operation, country=self.co,
                             kind="flow_counts", file_name=name, chunks=[content])  # fmt: skip

    def queued(self, content: bytes) -> DtmImport:
        with mock.patch("caminantes.dtm.tasks.import_stage_task") as task:
            batch = self.upload(content)
        task.assert_called_once_with(batch.pk, "en")
        return batch

    def test_the_upload_queues_and_the_task_stages_the_rows_with_progress(self) -> None:
        batch = self.queued(flow_csv([sheet(point="simon-bolivar") for _ in range(5)]))
        self.assertEqual((batch.status, batch.total_rows, batch.rows.count()), ("queued", 0, 0))
        upload = Path(settings.VAR_DIR) / staging.IMPORTS_DIR / batch.file_path
        self.assertTrue(upload.exists())
        seen: list[int] = []
        real = staging._is_cancelled

        def spy(b: DtmImport) -> bool:
            seen.append(DtmImport.objects.get(pk=b.pk).processed_rows)
            return real(b)

        with (
            mock.patch.object(staging, "ROW_CHUNK", 2),
            mock.patch.object(staging, "_is_cancelled", spy),
        ):
            import_stage_task.call_local(batch.pk, "en")
        batch.refresh_from_db()
        self.assertEqual(seen, [2, 4])
        self.assertEqual(
            (batch.status, batch.total_rows, batch.processed_rows), ("validated", 5, 5)
        )
        self.assertEqual(batch.rows.count(), 5)
        self.assertEqual((batch.file_path, upload.exists()), ("", False))
        self.assertEqual(FlowCount.objects.count(), 0)

    def test_a_bad_row_rejects_the_file_with_its_error_and_writes_nothing(self) -> None:
        rows = [sheet(point="simon-bolivar") for _ in range(3)]
        rows[2]["shift_end"] = "07:00"
        batch = self.upload(flow_csv(rows))
        self.assertEqual((batch.status, batch.error_rows, batch.processed_rows), ("rejected", 1, 3))
        bad = batch.rows.exclude(errors=[]).get()
        self.assertEqual((bad.row_number, bad.errors[0]["column"]), (4, "shift_end"))
        with self.assertRaises(ValidationError):
            import_commit(user=self.eve, batch=batch)
        self.assertEqual(FlowCount.objects.count(), 0)

    def test_the_commit_runs_in_the_task_and_is_all_or_nothing(self) -> None:
        batch = self.upload(flow_csv([sheet(point="simon-bolivar") for _ in range(5)]))
        with mock.patch("caminantes.dtm.tasks.import_commit_task") as task:
            batch = import_commit(user=self.eve, batch=batch)
        self.assertEqual(batch.status, "committing")
        task.assert_called_once_with(batch.pk, self.eve.pk, "en")
        with self.assertRaises(ValidationError):  # a second click
            import_commit(user=self.eve, batch=batch)
        # The last row no longer passes: the rows before it, written in the same
        # transaction (two chunks of two), are rolled back with it.
        last = batch.rows.get(row_number=6)
        last.data = {**last.data, "groups": 99}
        last.save()
        with mock.patch.object(staging, "ROW_CHUNK", 2):
            import_commit_task.call_local(batch.pk, self.eve.pk, "en")
        batch.refresh_from_db()
        self.assertEqual(batch.status, "failed")
        self.assertIn("Row 6 no longer passes the checks", batch.file_errors[0])
        self.assertEqual((FlowCount.objects.count(), FlowDaily.objects.count()), (0, 0))
        # A failed batch no longer holds its content: the corrected file may come again.
        fixed = self.upload(flow_csv([sheet(point="simon-bolivar") for _ in range(5)]))
        fixed = import_commit(user=self.eve, batch=fixed)
        self.assertEqual((fixed.status, fixed.imported_rows), ("committed", 5))
        self.assertEqual(FlowCount.objects.count(), 5)

    def test_the_same_file_is_refused_while_the_first_is_still_waiting(self) -> None:
        content = flow_csv([sheet(point="simon-bolivar")])
        first = self.queued(content)
        with self.assertRaises(SameFile) as cm:
            self.upload(content, name="again.csv")
        self.assertEqual(cm.exception.earlier, first)
        self.assertEqual(DtmImport.objects.count(), 1)

    def test_a_queued_file_can_be_cancelled_and_is_then_not_read(self) -> None:
        batch = self.queued(flow_csv([sheet(point="simon-bolivar")]))
        upload = Path(settings.VAR_DIR) / staging.IMPORTS_DIR / batch.file_path
        import_cancel(user=self.eve, batch=batch)
        self.assertFalse(upload.exists())
        import_stage_task.call_local(batch.pk, "en")
        batch.refresh_from_db()
        self.assertEqual((batch.status, batch.rows.count()), ("cancelled", 0))

    def test_the_progress_page_polls_while_running_and_is_scoped(self) -> None:
        from django.urls import reverse

        batch = self.queued(flow_csv([sheet(point="simon-bolivar")]))
        url = reverse("dtm_import_progress", args=[batch.uuid])
        self.login(self.eve)
        page = self.client.get(reverse("dtm_import", args=[batch.uuid]))
        self.assertContains(page, f'hx-get="{url}"')
        response = self.client.get(url)
        self.assertContains(response, 'hx-trigger="every 2s"')
        self.assertNotIn("HX-Refresh", response)
        import_stage_task.call_local(batch.pk, "en")
        response = self.client.get(url)
        self.assertEqual(response["HX-Refresh"], "true")
        self.assertNotContains(response, "hx-get")
        # A DTM enumerator of another organisation: 404, as for a batch that does not exist.
        other = User.objects.create_user("ffs.dtm@example.org", "x", full_name="FFS DTM")
        m = Membership.objects.create(user=other, organization=self.ffs, role=Role.DTM_ENUMERATOR)
        m.countries.set([self.co])
        self.login(other)
        self.assertEqual(self.client.get(url).status_code, 404)
        self.assertEqual(self.client.get(reverse("dtm_import", args=[batch.uuid])).status_code, 404)
        missing = reverse("dtm_import_progress", args=[uuid.uuid4()])
        self.assertEqual(self.client.get(missing).status_code, 404)

    def test_the_commit_counts_its_progress_beside_the_uploads(self) -> None:
        batch = self.upload(flow_csv([sheet(point="simon-bolivar") for _ in range(5)]))
        real = staging._report
        seen: list[int] = []

        def spy(progress: Path, done: int) -> None:
            real(progress, done)
            seen.append(int(progress.read_text()))

        with mock.patch.object(staging, "ROW_CHUNK", 2), mock.patch.object(staging, "_report", spy):
            batch = import_commit(user=self.eve, batch=batch)
        # From 0 at the start to every row before the rollup: the file's time is also the
        # heartbeat of the commit, whose writes nobody sees until it ends.
        self.assertEqual((seen, batch.status, batch.processed_rows), ([0, 2, 4, 5], "committed", 5))
        self.assertEqual(staging.commit_progress(batch), 5)
        self.assertFalse(
            (Path(settings.VAR_DIR) / staging.IMPORTS_DIR / f"{batch.uuid}.progress").exists()
        )
