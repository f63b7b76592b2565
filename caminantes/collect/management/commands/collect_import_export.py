"""`caminantes collect-import-export FILE --form FORM_ID --org ACRONYM`: a KoboToolbox or
ODK Central export (CSV/XLSX) through the same mappings as a device's submissions."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import translation

from caminantes.accounts.models import Organization
from caminantes.collect.models import Form
from caminantes.collect.processing import exports


def add_arguments(parser: CommandParser) -> None:
    parser.add_argument("file", help="the CSV or XLSX export")
    parser.add_argument("--form", required=True, help="the form's id (settings form_id)")
    parser.add_argument("--org", required=True, help="acronym of the organisation")
    parser.add_argument("--language", default=settings.LANGUAGE_CODE, help="of the messages")


def handle(command: BaseCommand, options: dict[str, Any]) -> None:
    path = Path(options["file"])
    if not path.is_file():
        raise CommandError(f"No such file: {path}")
    organization = Organization.objects.filter(acronym__iexact=options["org"]).first()
    if organization is None:
        raise CommandError(f"Unknown organisation: {options['org']}")
    form = Form.objects.filter(organization=organization, form_id=options["form"]).first()
    if form is None:
        raise CommandError(f"{organization.acronym} has no form {options['form']}")
    with translation.override(options["language"]):
        try:
            outcome = exports.import_export(
                user=None, form=form, data=path.read_bytes(), file_name=path.name
            )
        except (ValidationError, PermissionDenied) as exc:
            text = " ".join(exc.messages) if isinstance(exc, ValidationError) else str(exc)
            raise CommandError(text) from exc
    command.stdout.write(
        f"rows={outcome.rows} created={outcome.created} known={outcome.known} "
        f"processed={outcome.processed} review={outcome.review} skipped={len(outcome.errors)}"
    )
    for error in outcome.errors:
        command.stderr.write(error)


class Command(BaseCommand):
    help = (
        "Import a KoboToolbox or ODK Central export (CSV, or XLSX with repeat sheets) of a "
        "form: each row not imported before becomes a submission and is processed."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        add_arguments(parser)

    def handle(self, *args: Any, **options: Any) -> None:
        handle(self, options)
