from __future__ import annotations

import csv
import io
import uuid
from typing import Any

import openpyxl
from django.core.exceptions import PermissionDenied, ValidationError

from caminantes.dtm.imports import SameFile, import_cancel, import_commit, import_create
from caminantes.dtm.models import DtmImport, FlowCount, FlowDaily
from caminantes.dtm.tests.base import DtmTestCase, sheet

COLUMNS = ["uuid", "point", "date", "shift_start", "shift_end", "direction", "individuals",
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
        with self.assertRaises(ValidationError):
            import_commit(user=self.eve, batch=batch)
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
