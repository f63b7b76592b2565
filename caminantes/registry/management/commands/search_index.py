"""`caminantes search_index`: rebuild the people's search keys and the documents' hashes."""

from __future__ import annotations

import time
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from caminantes.registry.models import Document, Person
from caminantes.registry.services.reindex import BATCH, Rebuilt, search_keys_rebuild


class Command(BaseCommand):
    help = (
        "Recompute every person's search name and keys and every document's look-up hash "
        "with today's name and document rules (lib.names). Upgrades run it as a migration; "
        "run it by hand after restoring an older backup. Writes only what changed."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--batch-size", type=int, default=BATCH)

    def handle(self, *args: Any, **options: Any) -> None:
        started = time.perf_counter()
        shown = [started]

        def progress(done: Rebuilt) -> None:
            if time.perf_counter() - shown[0] > 10:
                shown[0] = time.perf_counter()
                self.stdout.write(
                    f"  … {done.people_checked:,} people, {done.documents_checked:,} documents"
                )

        done = search_keys_rebuild(
            person_model=Person,
            document_model=Document,
            batch_size=options["batch_size"],
            progress=progress,
        )
        self.stdout.write(
            f"{done.people_checked:,} people checked, {done.people_changed:,} search keys "
            f"rewritten; {done.documents_checked:,} documents checked, "
            f"{done.documents_changed:,} hashes rewritten, {done.documents_unreadable:,} "
            f"unreadable; {time.perf_counter() - started:.0f} s"
        )
