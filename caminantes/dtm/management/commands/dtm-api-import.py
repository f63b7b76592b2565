"""caminantes dtm-api-import --country COL [--level 0 --level 1] [--from 2024-01-01]"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from caminantes.audit import actions
from caminantes.audit.log import log
from caminantes.dtm import iom_dtm_client
from caminantes.dtm.models import DtmApiFigure


class Command(BaseCommand):
    help = (
        "Import the public IDP figures of the IOM DTM API v3 (admin 0/1/2) for one country. "
        "Needs DTM_API_KEY in the environment."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--country", required=True, help="ISO 3166-1 code, alpha-2 or -3")
        parser.add_argument("--level", type=int, action="append", choices=iom_dtm_client.LEVELS)
        parser.add_argument("--from", dest="from_date", help="first reporting date, YYYY-MM-DD")
        parser.add_argument("--to", dest="to_date", help="last reporting date, YYYY-MM-DD")

    def handle(self, *args: Any, **options: Any) -> None:
        params = {}
        if options["from_date"]:
            params["FromReportingDate"] = options["from_date"]
        if options["to_date"]:
            params["ToReportingDate"] = options["to_date"]
        try:
            stored = iom_dtm_client.import_figures(
                country=options["country"], levels=options["level"] or iom_dtm_client.LEVELS,
                say=self.stdout.write, **params,
            )  # fmt: skip
        except iom_dtm_client.DtmApiError as exc:
            raise CommandError(str(exc)) from exc
        log(None, actions.IMPORT, DtmApiFigure, actor_email="system:dtm-api-import",
            country=options["country"], rows=sum(stored.values()))  # fmt: skip
        self.stdout.write(self.style.SUCCESS(f"Stored {sum(stored.values())} rows."))
