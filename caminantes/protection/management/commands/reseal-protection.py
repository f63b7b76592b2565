"""`caminantes reseal-protection`: re-seal every protection case blob under the newest of
PROTECTION_ENCRYPTION_KEYS (see caminantes/protection/rotation.py for the rotation steps)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from caminantes.protection import rotation


class Command(BaseCommand):
    help = "Re-seal every protection case file under the newest of PROTECTION_ENCRYPTION_KEYS."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--batch-size", type=int, default=500)

    def handle(self, *args: Any, **options: Any) -> None:
        counts = rotation.reseal_all(batch_size=options["batch_size"])
        for c in counts:
            self.stdout.write(
                _(
                    "%(table)s: %(checked)d checked, %(resealed)d re-sealed, "
                    "%(current)d already under the newest key, %(unreadable)d unreadable"
                )
                % {
                    "table": c.table,
                    "checked": c.checked,
                    "resealed": c.resealed,
                    "current": c.current,
                    "unreadable": c.unreadable,
                }
            )
        unreadable = sum(c.unreadable for c in counts)
        self.stdout.write(_("Re-sealed %(n)d blobs.") % {"n": sum(c.resealed for c in counts)})
        if unreadable:
            raise CommandError(
                _(
                    "%(n)d blobs could not be opened with any configured protection key: keep "
                    "the old keys until they are resolved."
                )
                % {"n": unreadable}
            )
