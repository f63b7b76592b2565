from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from caminantes.audit.chain import checkpoint_write, verify_chain


class Command(BaseCommand):
    help = (
        "Audit trail tools. `caminantes audit verify` checks the keyed hash chain end to end "
        "and against the signed checkpoints (the checkpoint file, and any --checkpoint line "
        "copied from the shipped logs); `caminantes audit checkpoint` signs the chain's end "
        "into the checkpoint file and the log."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("action", choices=["verify", "checkpoint"])
        parser.add_argument(
            "--checkpoint",
            action="append",
            default=[],
            metavar="LINE",
            help="a checkpoint line (JSON) kept elsewhere, e.g. from the shipped logs",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["action"] == "checkpoint":
            mark = checkpoint_write()
            if mark is None:
                self.stdout.write("audit chain empty: no checkpoint written")
            else:
                self.stdout.write(f"audit checkpoint: {mark.line()}")
            return
        result = verify_chain(options["checkpoint"])
        where = (
            f" at event id={result.broken_id} uuid={result.broken_uuid}"
            if result.broken_uuid
            else ""
        )
        if not result.ok:
            raise CommandError(
                f"audit chain BROKEN{where}: {result.reason} "
                f"({result.checked} events before it are intact)"
            )
        legacy = (
            f", {result.legacy} of them from before the chain was keyed" if result.legacy else ""
        )
        self.stdout.write(
            f"audit chain intact: {result.checked} events verified{legacy}, "
            f"{result.checkpoints} checkpoint(s) matched"
        )
