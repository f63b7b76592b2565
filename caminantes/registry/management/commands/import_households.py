"""`caminantes import-households FILE --org ACRONYM --country ISO2 [--approve]`."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import translation
from django.utils.translation import gettext as _

from caminantes.accounts.models import Organization, User
from caminantes.geo.models import Country
from caminantes.registry import imports
from caminantes.registry.models import ImportBatch


class Command(BaseCommand):
    help = (
        "Import households from a CSV or XLSX file (one row per person; KoboToolbox and ODK "
        "flat exports too): stage and check it, print the summary and where the report is, "
        "and with --approve add the valid households to the registry in one transaction. "
        "Exits non-zero when the file is rejected or the merge fails."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", help="the CSV or XLSX file")
        parser.add_argument("--org", required=True, help="acronym of the organisation")
        parser.add_argument("--country", required=True, help="ISO 3166-1 alpha-2 code")
        parser.add_argument(
            "--approve", action="store_true", help="merge the valid households at once"
        )
        parser.add_argument(
            "--include-duplicates",
            action="store_true",
            help="with --approve: also merge households that look like people already registered",
        )
        parser.add_argument(
            "--user",
            help="e-mail of the staff member responsible (needs the import permission there); "
            "by default the import is recorded as made by the system",
        )
        parser.add_argument(
            "--language", default=settings.LANGUAGE_CODE, help="language of the messages"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        path = Path(options["file"])
        if not path.is_file():
            raise CommandError(f"No such file: {path}")
        organization = Organization.objects.filter(acronym__iexact=options["org"]).first()
        if organization is None:
            raise CommandError(f"Unknown organisation: {options['org']}")
        country = Country.objects.filter(iso2=options["country"].upper()).first()
        if country is None:
            raise CommandError(f"Unknown country: {options['country']}")
        if not organization.countries.filter(pk=country.pk).exists():
            raise CommandError(f"{organization.acronym} does not work in {country.iso2}.")
        user = None
        if options["user"]:
            user = User.objects.filter(email__iexact=options["user"], is_active=True).first()
            if user is None:
                raise CommandError(f"Unknown or inactive user: {options['user']}")
        language = options["language"]
        with translation.override(language):
            try:
                with path.open("rb") as fh:
                    batch = imports.batch_create(
                        user=user,
                        organization=organization,
                        country=country,
                        file_name=path.name,
                        chunks=iter(lambda: fh.read(1024 * 1024), b""),
                    )
            except (ValidationError, PermissionDenied) as exc:
                message = " ".join(exc.messages) if isinstance(exc, ValidationError) else str(exc)
                raise CommandError(message) from exc
            batch = imports.batch_validate(batch, language=language)
            report = imports.write_report(batch)
            self._summary(batch, report)
            if batch.status != ImportBatch.Status.VALIDATED:
                raise CommandError(
                    _("The file was rejected: nothing was added to the registry."), returncode=2
                )
            if not options["approve"]:
                self.stdout.write(_("Not merged: run again with --approve, or approve it online."))
                return
            imports.batch_approve(
                user=None, batch=batch, include_duplicates=options["include_duplicates"]
            )
            batch = imports.batch_merge(batch, user=None, language=language)
            if batch.status != ImportBatch.Status.MERGED:
                raise CommandError(" ".join(batch.file_errors), returncode=3)
            s = batch.summary
            self.stdout.write(
                self.style.SUCCESS(
                    _("Merged: %(h)d households, %(p)d people.")
                    % {"h": s["merged_households"], "p": s["merged_people"]}
                )
            )
            if s.get("skipped_duplicate_households"):
                self.stdout.write(
                    _("Left out as possible duplicates: %(n)d households (see the report).")
                    % {"n": s["skipped_duplicate_households"]}
                )

    def _summary(self, batch: ImportBatch, report: Path) -> None:
        s = batch.summary
        lines = [
            _("Batch %(code)s (%(file)s): %(status)s")
            % {
                "code": str(batch.uuid)[:8],
                "file": batch.file_name,
                "status": batch.get_status_display(),
            },
            _("  Rows: %(n)d") % {"n": batch.total_rows},
            _("  Households: %(n)d (ready to import: %(ok)d)")
            % {"n": batch.households, "ok": s.get("valid_households", 0)},
            _("  Rows with errors: %(n)d") % {"n": batch.error_rows},
            _("  Possible duplicates: %(n)d rows") % {"n": batch.duplicate_rows},
        ]
        if s.get("columns_ignored"):
            lines.append(_("  Columns ignored: %(c)s") % {"c": ", ".join(s["columns_ignored"])})
        for e in batch.file_errors:
            lines.append("  " + e)
        lines.append(_("  Report: %(path)s") % {"path": report})
        for line in lines:
            self.stdout.write(line)
