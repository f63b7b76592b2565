from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from caminantes.geo.services import places_load


class Command(BaseCommand):
    help = (
        "Load Venezuela and its 17 host countries, their admin1 areas (ISO 3166-2, OCHA "
        "P-codes), towns from GeoNames and the border crossing points. Safe to run again."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--towns-min-population",
            type=int,
            default=15000,
            help="load towns of at least this many people (default 15000)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            counts = places_load(towns_min_population=options["towns_min_population"])
        except ValueError as exc:
            raise CommandError(str(exc)) from exc
        for kind in ("countries", "areas", "towns", "crossings"):
            self.stdout.write(
                f"{kind}: {counts[f'{kind}_created']} created, {counts[f'{kind}_updated']} updated"
            )
