"""`caminantes fivew check FILE --errors ERRORS.csv [--hxl OUT.csv] [--lang es]` and
`caminantes fivew consolidate FILE --out TOTALS.csv`: the 5W file engine from a shell.

`check` reads a 5W workbook (xlsx or CSV, the 2025 template or the 2022 R4V layout),
writes one line per problem to ERRORS.csv (`row,column,rule,message`; row is the
spreadsheet's row number, message in --lang), with --hxl writes the rows as HXL CSV, and
prints `rows=N errors=M`. `consolidate` writes `country,sector,monthly_beneficiaries,
people_reached` (people reached: new beneficiaries of RMRP Direct Assistance rows) and
prints the people reached across sectors by both models.

Both store nothing and need no database (they check against the shipped reference lists).

`caminantes fivew summarise` writes again the dashboard's summaries of every country's
months with validated reports (`summary.rebuild_all`: the app keeps them up to date itself;
this is for data validated before they existed, or loaded around the app), and prints
`slices=N`.

Exit status: 0 the file was read (with or without problems), 2 it could not be read (the
reason on stderr), 3 an output file could not be written.
"""

from __future__ import annotations

import csv
import sys
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from caminantes.coordination.fivew.engine import consolidate as C
from caminantes.coordination.fivew.engine.hxl import HxlWriter
from caminantes.coordination.fivew.engine.reference import Reference
from caminantes.coordination.fivew.engine.rules import Checker
from caminantes.coordination.fivew.engine.workbook import WorkbookError, iter_workbook
from caminantes.lib.safecsv import neutralise

OUTPUT_ERROR = {
    "es": "No se puede escribir %(path)s: %(detail)s",
    "en": "Cannot write %(path)s: %(detail)s",
    "pt": "Não é possível gravar %(path)s: %(detail)s",
}


class Command(BaseCommand):
    help = (
        "5W files: `check` a workbook against the R4V quality rules, `consolidate` it; "
        "`summarise` the validated months for the dashboard."
    )
    requires_system_checks: list[str] = []
    requires_migrations_checks = False

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="task", required=True, metavar="TASK")
        p = sub.add_parser("check", help="check a 5W workbook; write its problems")
        p.add_argument("file", help="the 5W workbook (.xlsx) or CSV")
        p.add_argument("--errors", required=True, help="write the problems to this CSV")
        p.add_argument("--hxl", help="also write the rows as an HXL-tagged CSV")
        p.add_argument("--lang", default="es", choices=["es", "en", "pt"])
        p = sub.add_parser("consolidate", help="people reached per country and sector")
        p.add_argument("file", help="the 5W workbook (.xlsx) or CSV")
        p.add_argument("--out", required=True, help="write the totals to this CSV")
        p.add_argument("--lang", default="es", choices=["es", "en", "pt"])
        sub.add_parser("summarise", help="write the dashboard's summaries of validated months")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["task"] == "summarise":
            from caminantes.coordination.fivew.summary import rebuild_all

            self.stdout.write(f"slices={rebuild_all()}")
            return
        language = options["lang"]
        try:
            header, rows = iter_workbook(options["file"])
            if options["task"] == "check":
                self._check(header, rows, options)
            else:
                self._consolidate(rows, options)
        except WorkbookError as exc:
            self.stderr.write(f"caminantes fivew: {exc.message(language)}")
            sys.exit(2)
        except _OutputError as exc:
            detail = exc.error.strerror or str(exc.error)
            text = OUTPUT_ERROR[language] % {"path": exc.path, "detail": detail}
            self.stderr.write(f"caminantes fivew: {text}")
            sys.exit(3)

    def _check(self, header: Any, rows: Any, options: dict[str, Any]) -> None:
        reference = Reference.default()
        checker = Checker(reference, options["lang"])
        with (
            _open(options["errors"]) as errors_file,
            _open(options["hxl"]) if options["hxl"] else _Nothing() as hxl_file,
        ):
            errors = csv.writer(errors_file)
            errors.writerow(["row", "column", "rule", "message"])
            hxl = HxlWriter(hxl_file, reference) if hxl_file else None
            count = problems = 0
            for row in rows:  # one pass, streaming: 50,000 rows stay small
                count += 1
                for problem in checker.row(row.number, row.values):
                    problems += 1
                    errors.writerow(
                        [problem.row, problem.column, problem.rule, neutralise(problem.message)]
                    )
                if hxl is not None:
                    hxl.write(row)
        self.stdout.write(f"rows={count} errors={problems}")

    def _consolidate(self, rows: Any, options: dict[str, Any]) -> None:
        reference = Reference.default()
        kept = []
        count = 0
        for row in rows:
            count += 1
            if C.counts_as_reached(row.values, reference):
                kept.append(row.values)
        with _open(options["out"]) as out_file:
            out = csv.writer(out_file)
            out.writerow(["country", "sector", "monthly_beneficiaries", "people_reached"])
            for record in C.totals(kept, reference):
                out.writerow(
                    [
                        neutralise(record["country"]),
                        neutralise(record["sector"]),
                        record["monthly_beneficiaries"],
                        record["people_reached"],
                    ]
                )
        summed = sum(r["people_reached"] for r in C.across_sectors(kept, reference, model="sum"))
        maxed = sum(
            r["people_reached"] for r in C.across_sectors(kept, reference, model="max-sector")
        )
        self.stdout.write(
            f"rows={count} counted={len(kept)} people_reached_sum={summed} "
            f"people_reached_max_sector={maxed}"
        )


class _OutputError(Exception):
    def __init__(self, path: str, error: OSError) -> None:
        self.path = path
        self.error = error


class _Nothing:
    def __enter__(self) -> None:
        return None

    def __exit__(self, *exc: object) -> None:
        return None


def _open(path: str) -> Any:
    try:
        # Plain UTF-8, no byte-order mark: these files are read by programs (a BOM would
        # make the first column "\ufeffrow" to Python's csv and to most tools).
        return Path(path).open("w", encoding="utf-8", newline="")
    except OSError as exc:
        raise _OutputError(path, exc) from exc
