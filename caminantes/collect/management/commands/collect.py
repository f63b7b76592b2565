"""`caminantes collect form-add XLSFORM --org ACRONYM [--kind KIND] [--country ISO2]
[--media FILE ...]` uploads an XLSForm (a new form, or a new version) and prints its
form id; `caminantes collect app-user NAME --org ACRONYM --form FORM_ID [--form ...]
[--base-url URL]` creates an app user and prints exactly one line: the server URL to type
into ODK Collect, which needs no other credential; `caminantes collect import-export FILE
--form FORM_ID --org ACRONYM` takes a KoboToolbox or ODK Central export (CSV or XLSX)
through the form's mapping. All run as the system (audited so)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser

from caminantes.accounts.models import Organization
from caminantes.collect import services
from caminantes.collect.management.commands import collect_import_export as import_export
from caminantes.collect.models import Form, FormKind
from caminantes.geo.models import Country

DEFAULT_BASE_URL = "http://127.0.0.1:8000"


def base_url() -> str:
    return settings.CAMINANTES_BASE_URL or DEFAULT_BASE_URL


class Command(BaseCommand):
    help = (
        "Field collection: `form-add` an XLSForm, create an `app-user` for ODK Collect, "
        "`import-export` a Kobo or ODK Central export."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="task", required=True, metavar="TASK")
        p = sub.add_parser("form-add", help="upload an XLSForm; prints the form id")
        p.add_argument("xlsform")
        p.add_argument("--org", required=True, help="organisation acronym")
        p.add_argument("--kind", default=FormKind.OTHER, choices=FormKind.values)
        p.add_argument("--country", help="ISO 3166-1 alpha-2 (default: all of the org's)")
        p.add_argument("--media", nargs="*", default=[], help="media files the form names")
        a = sub.add_parser("app-user", help="create an app user; prints its server URL")
        a.add_argument("name")
        a.add_argument("--org", required=True, help="organisation acronym")
        a.add_argument("--form", action="append", required=True, help="form id (or uuid)")
        a.add_argument("--base-url", default=None, help=f"default: {DEFAULT_BASE_URL}")
        e = sub.add_parser(
            "import-export", help="a KoboToolbox or ODK Central export through the form's mapping"
        )
        import_export.add_arguments(e)

    def handle(self, *args: Any, **options: Any) -> None:
        if options["task"] == "import-export":
            import_export.handle(self, options)
            return
        org = Organization.objects.filter(acronym__iexact=options["org"]).first()
        if org is None:
            raise CommandError(f"Unknown organisation: {options['org']}")
        try:
            if options["task"] == "form-add":
                self._form_add(org, options)
            else:
                self._app_user(org, options)
        except ValidationError as exc:
            raise CommandError("; ".join(exc.messages)) from exc

    def _form_add(self, org: Organization, options: dict[str, Any]) -> None:
        path = Path(options["xlsform"])
        if not path.is_file():
            raise CommandError(f"No such file: {path}")
        country = None
        if options["country"]:
            country = Country.objects.filter(iso2=options["country"].upper()).first()
            if country is None:
                raise CommandError(f"Unknown country: {options['country']}")
        media = [services.MediaFile(Path(m).name, Path(m).read_bytes()) for m in options["media"]]
        result = services.form_upload(
            actor=None, organization=org, content=path.read_bytes(), filename=path.name,
            kind=options["kind"], country=country, media=media,
        )  # fmt: skip
        for warning in result.warnings:
            self.stderr.write(f"warning: {warning}")
        if result.missing_media:
            self.stderr.write("missing media: " + ", ".join(result.missing_media))
        self.stdout.write(result.version.form.form_id)

    def _app_user(self, org: Organization, options: dict[str, Any]) -> None:
        forms = []
        for ref in options["form"]:
            form = Form.objects.filter(organization=org, form_id=ref).first()
            if form is None:
                try:
                    form = Form.objects.filter(organization=org, uuid=ref).first()
                except ValidationError:
                    form = None
            if form is None:
                raise CommandError(f"{org.acronym} has no form {ref}")
            forms.append(form)
        created = services.app_user_create(
            actor=None, organization=org, name=options["name"], forms=forms
        )
        base = (options["base_url"] or base_url()).rstrip("/")
        self.stdout.write(f"{base}/collect/key/{created.token}/")
