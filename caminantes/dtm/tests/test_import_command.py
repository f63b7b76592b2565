"""`caminantes dtm import FILE --operation CODE`: the pages' import, from a shell."""

from __future__ import annotations

import csv
import io
import tempfile
from pathlib import Path

from django.core.management import CommandError, call_command

from caminantes.dtm.models import DtmImport, FlowCount
from caminantes.dtm.tests.base import DtmTestCase, sheet
from caminantes.dtm.tests.test_imports import flow_csv


class ImportCommandTest(DtmTestCase):
    def run_command(self, content: bytes, *args: str) -> tuple[str, int]:
        folder = Path(tempfile.mkdtemp())
        path = folder / "conteos.csv"
        path.write_bytes(content)
        out = io.StringIO()
        try:
            call_command("dtm", "import", str(path), "--operation", "ven", "--country", "CO",
                         "--language", "en", *args, stdout=out)  # fmt: skip
        except CommandError as exc:
            return out.getvalue() + str(exc), exc.returncode
        return out.getvalue(), 0

    def test_it_checks_and_imports_a_valid_file(self) -> None:
        rows = [sheet(point="simon-bolivar") for _ in range(3)]
        output, code = self.run_command(flow_csv(rows), "--user", self.eve.email)
        self.assertEqual(code, 0, output)
        self.assertIn("3 rows imported", output)
        self.assertEqual(FlowCount.objects.count(), 3)
        self.assertEqual(DtmImport.objects.get().created_by, self.eve)

    def test_a_file_with_a_bad_row_is_refused_whole_and_each_problem_is_written(self) -> None:
        rows = [sheet(point="simon-bolivar") for _ in range(3)]
        rows[1]["shift_end"] = "07:00"
        errors = Path(tempfile.mkdtemp()) / "errors.csv"
        output, code = self.run_command(flow_csv(rows), "--errors", str(errors))
        self.assertEqual(code, 2, output)
        self.assertIn("Row 3", output)  # the spreadsheet row: the header is row 1
        self.assertEqual(FlowCount.objects.count(), 0)
        lines = list(csv.reader(errors.open()))
        self.assertEqual(lines[0], ["row", "column", "message"])
        self.assertEqual(lines[1][0], "3")

    def test_check_only_writes_nothing(self) -> None:
        output, code = self.run_command(flow_csv([sheet(point="simon-bolivar")]), "--check-only")
        self.assertEqual(code, 0, output)
        self.assertEqual(FlowCount.objects.count(), 0)

    def test_the_same_file_twice_is_refused(self) -> None:
        content = flow_csv([sheet(point="simon-bolivar")])
        self.assertEqual(self.run_command(content)[1], 0)
        output, code = self.run_command(content)
        self.assertEqual(code, 2)
        self.assertIn("already uploaded", output)

    def test_a_user_without_the_permission_is_refused(self) -> None:
        output, code = self.run_command(
            flow_csv([sheet(point="simon-bolivar")]), "--user", self.alice.email
        )
        self.assertEqual(code, 2)
        self.assertIn("do not allow", output)
        self.assertEqual(FlowCount.objects.count(), 0)

    def test_an_unknown_operation_or_country_says_so(self) -> None:
        with self.assertRaisesMessage(CommandError, "Unknown operation"):
            call_command("dtm", "import", __file__, "--operation", "nope", "--language", "en")
        with self.assertRaisesMessage(CommandError, "does not cover"):
            call_command("dtm", "import", __file__, "--operation", "ven", "--country", "BR",
                         "--language", "en")  # fmt: skip
        with self.assertRaisesMessage(CommandError, "several countries"):
            call_command("dtm", "import", __file__, "--operation", "ven", "--language", "en")
