"""`caminantes retention apply [--dry-run]`: anonymise households inactive for longer than
their country's retention period (RetentionPolicy, 36 months where none is set)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.utils.translation import gettext as _

from caminantes.registry import rights


class Command(BaseCommand):
    help = (
        "Anonymise every household whose last activity is older than its country's "
        "retention period. --dry-run only counts."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("action", choices=["apply"])
        parser.add_argument(
            "--dry-run", action="store_true", help="Count what would be anonymised; change nothing."
        )
        parser.add_argument("--batch-size", type=int, default=200)

    def handle(self, *args: Any, **options: Any) -> None:
        dry_run = bool(options["dry_run"])
        result = rights.retention_apply(dry_run=dry_run, batch_size=options["batch_size"])
        for line in result.lines:
            self.stdout.write(
                _(
                    "%(country)s: %(households)d households, %(people)d people inactive for "
                    "more than %(months)d months (since before %(cutoff)s)"
                )
                % {
                    "country": line.country,
                    "households": line.households,
                    "people": line.people,
                    "months": line.months,
                    "cutoff": line.cutoff.date().isoformat(),
                }
            )
        summary = (
            _(
                "Dry run, nothing changed: %(households)d households, %(people)d people "
                "would be anonymised."
            )
            if dry_run
            else _("Anonymised %(households)d households, %(people)d people.")
        )
        self.stdout.write(summary % {"households": result.households, "people": result.people})
