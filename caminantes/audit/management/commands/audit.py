from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from caminantes.audit.log import verify_chain


class Command(BaseCommand):
    help = "Audit trail tools. `caminantes audit verify` checks the hash chain end to end."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("action", choices=["verify"])

    def handle(self, *args: Any, **options: Any) -> None:
        result = verify_chain()
        if not result.ok:
            raise CommandError(
                f"audit chain BROKEN at event id={result.broken_id} uuid={result.broken_uuid}: "
                f"{result.reason} ({result.checked} events before it are intact)"
            )
        self.stdout.write(f"audit chain intact: {result.checked} events verified")
