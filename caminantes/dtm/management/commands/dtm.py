"""`caminantes dtm import FILE --operation CODE [--kind flow_counts] [--country ISO2]
[--user EMAIL] [--check-only] [--errors ERRORS.csv]`: the pages' DTM import, from a shell.

The same path as the upload page: the file is stored and refused if the operation already
has it, every row is checked by the intake's own rules, then (unless --check-only) all rows
are written in one transaction. It prints the same summary the page shows and, with
--errors, one line per problem. Exit status: 0 imported (or checked, with --check-only),
2 refused (the file or some row; nothing written), 3 the write failed (nothing written).
"""

from __future__ import annotations

import csv
import time
import uuid as uuid_lib
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db.models import Q
from django.utils import translation
from django.utils.translation import gettext as _

from caminantes.accounts.models import User
from caminantes.dtm import imports
from caminantes.dtm.models import DtmImport, Operation
from caminantes.geo.models import Country

S = DtmImport.Status
WAIT_SECONDS = 3600  # a background worker may have taken the batch: follow it this long


class Command(BaseCommand):
    help = "DTM tasks from the command line: `import` a file the pages import."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="task", required=True, metavar="TASK")
        p = sub.add_parser("import", help="check and import a CSV or XLSX file of DTM data")
        p.add_argument("file", help="the CSV or XLSX file (the pages' templates, ODK or Kobo)")
        p.add_argument("--operation", required=True, help="operation code or id")
        p.add_argument("--kind", default=DtmImport.Kind.FLOW_COUNTS,
                       choices=[k.value for k in DtmImport.Kind],
                       help="what the file holds (default: flow_counts)")  # fmt: skip
        p.add_argument("--country", help="ISO 3166-1 alpha-2; needed when the operation "
                       "covers several countries")  # fmt: skip
        p.add_argument("--user", help="e-mail of the staff member responsible (needs the "
                       "DTM collection permission there); by default the system")  # fmt: skip
        p.add_argument("--check-only", action="store_true", help="check, write nothing")
        p.add_argument("--errors", help="write the problems to this CSV (row,column,message)")
        p.add_argument("--language", default=settings.LANGUAGE_CODE)

    def handle(self, *args: Any, **options: Any) -> None:
        with translation.override(options["language"]):
            self._import(options)

    # --- import ---------------------------------------------------------------------------

    def _operation(self, ref: str) -> Operation:
        q = Q(code__iexact=ref)
        try:
            q |= Q(uuid=uuid_lib.UUID(ref))
        except ValueError:
            pass
        found = list(Operation.objects.filter(q)[:2])
        if len(found) != 1:
            raise CommandError(_("Unknown operation: %(ref)s") % {"ref": ref})
        return found[0]

    def _country(self, operation: Operation, iso2: str | None) -> Country:
        countries = operation.countries.all()
        if iso2:
            country = countries.filter(iso2=iso2.upper()).first()
            if country is None:
                raise CommandError(
                    _("The operation %(op)s does not cover %(c)s.")
                    % {"op": operation.code, "c": iso2.upper()}
                )
            return country
        if countries.count() != 1:
            raise CommandError(
                _("The operation covers several countries: say which with --country.")
            )
        return countries.get()

    def _user(self, email: str | None) -> User | None:
        if not email:
            return None
        user = User.objects.filter(email__iexact=email, is_active=True).first()
        if user is None:
            raise CommandError(_("Unknown or inactive user: %(e)s") % {"e": email})
        return user

    def _follow(self, batch: DtmImport, running: tuple[str, ...]) -> DtmImport:
        deadline = time.monotonic() + WAIT_SECONDS
        batch.refresh_from_db()
        while batch.status in running and time.monotonic() < deadline:
            time.sleep(1)
            batch.refresh_from_db()
        return batch

    def _import(self, options: dict[str, Any]) -> None:
        path = Path(options["file"])
        if not path.is_file():
            raise CommandError(_("No such file: %(p)s") % {"p": path})
        operation = self._operation(options["operation"])
        country = self._country(operation, options["country"])
        user = self._user(options["user"])
        language = translation.get_language() or settings.LANGUAGE_CODE
        try:
            with path.open("rb") as fh:
                batch = imports.import_create(
                    user=user, operation=operation, country=country, kind=options["kind"],
                    file_name=path.name, chunks=iter(lambda: fh.read(1024 * 1024), b""),
                )  # fmt: skip
        except (ValidationError, PermissionDenied) as exc:
            message = " ".join(exc.messages) if isinstance(exc, ValidationError) else str(exc)
            raise CommandError(message, returncode=2) from exc
        # Read it here, unless a background worker already has (then follow it).
        batch = imports.import_stage(batch, language=language)
        batch = self._follow(batch, (S.QUEUED, S.READING))
        self._summary(batch)
        if options["errors"]:
            self._write_errors(batch, Path(options["errors"]))
        if batch.status != S.VALIDATED:
            raise CommandError(_("The file was refused: nothing was imported."), returncode=2)
        if options["check_only"]:
            self.stdout.write(_("Checked: nothing written (--check-only)."))
            return
        try:
            batch = imports.import_commit(user=user, batch=batch)
        except (ValidationError, PermissionDenied) as exc:
            message = " ".join(exc.messages) if isinstance(exc, ValidationError) else str(exc)
            raise CommandError(message, returncode=3) from exc
        if batch.status == S.COMMITTING:
            batch = imports.import_write(batch, user=user, language=language)
            batch = self._follow(batch, (S.COMMITTING,))
        if batch.status != S.COMMITTED:
            raise CommandError(" ".join(batch.file_errors) or batch.get_status_display(),
                               returncode=3)  # fmt: skip
        self.stdout.write(
            self.style.SUCCESS(_("%(n)d rows imported.") % {"n": batch.imported_rows})
        )

    def _summary(self, batch: DtmImport) -> None:
        lines = [
            _("Import %(code)s (%(file)s): %(status)s")
            % {
                "code": str(batch.uuid)[:8],
                "file": batch.file_name,
                "status": batch.get_status_display(),
            },
            _("  Rows: %(n)d") % {"n": batch.total_rows},
            _("  Rows with errors: %(n)d") % {"n": batch.error_rows},
            _("  Rows already received: %(n)d") % {"n": batch.known_rows},
        ]
        if batch.columns_ignored:
            lines.append(_("  Columns ignored: %(c)s") % {"c": ", ".join(batch.columns_ignored)})
        lines += [f"  {e}" for e in batch.file_errors]
        for row in batch.rows.exclude(errors=[]).order_by("row_number")[:20]:
            for error in row.errors:
                lines.append(
                    _("  Row %(row)d, %(column)s: %(message)s")
                    % {
                        "row": row.row_number,
                        "column": error.get("column") or "-",
                        "message": error.get("message", ""),
                    }
                )
        for line in lines:
            self.stdout.write(line)

    def _write_errors(self, batch: DtmImport, target: Path) -> None:
        with target.open("w", newline="", encoding="utf-8") as out:
            writer = csv.writer(out)
            writer.writerow(["row", "column", "message"])
            for message in batch.file_errors:
                writer.writerow(["", "", message])
            for row in batch.rows.exclude(errors=[]).order_by("row_number").iterator():
                for error in row.errors:
                    writer.writerow([row.row_number, error.get("header") or error.get("column", ""),
                                     error.get("message", "")])  # fmt: skip
