"""`caminantes identity_index [--country ISO2]`: (re)build the real-time matching keys."""

from __future__ import annotations

import time
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from caminantes.identity import realtime
from caminantes.registry.models import Person


class Command(BaseCommand):
    help = "Rebuild the keys the duplicate check finds candidates by (all people, or a country)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--country", help="ISO2 code; all countries if absent")

    def handle(self, *args: Any, **options: Any) -> None:
        people = Person.objects.filter(anonymised_at__isnull=True, merged_into__isnull=True)
        if options.get("country"):
            people = people.filter(household__country__iso2=options["country"].upper())
        ids = list(people.order_by("pk").values_list("pk", flat=True))
        started = time.perf_counter()
        keys = 0
        for start in range(0, len(ids), 20 * realtime.CHUNK):
            keys += realtime.index_people(ids[start : start + 20 * realtime.CHUNK])
            self.stdout.write(f"  … {min(start + 20 * realtime.CHUNK, len(ids)):,} people")
        self.stdout.write(
            f"{len(ids):,} people, {keys:,} keys in {time.perf_counter() - started:.0f} s"
        )
