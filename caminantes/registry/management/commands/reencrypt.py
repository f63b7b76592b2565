"""`caminantes reencrypt`: re-encrypt every encrypted value under the newest key.

Rotation: put the new key first in FIELD_ENCRYPTION_KEYS (keeping the old ones after it),
run this command until it reports nothing left to re-encrypt and nothing unreadable, then
remove the old keys.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from caminantes.registry import rights


class Command(BaseCommand):
    help = "Re-encrypt every encrypted value under the newest of FIELD_ENCRYPTION_KEYS."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--batch-size", type=int, default=500)

    def handle(self, *args: Any, **options: Any) -> None:
        counts = rights.encryption_rotate(batch_size=options["batch_size"])
        for c in counts:
            self.stdout.write(
                _(
                    "%(column)s: %(checked)d checked, %(rotated)d re-encrypted, "
                    "%(current)d already under the newest key, %(unreadable)d unreadable"
                )
                % {
                    "column": c.column,
                    "checked": c.checked,
                    "rotated": c.rotated,
                    "current": c.current,
                    "unreadable": c.unreadable,
                }
            )
        rotated = sum(c.rotated for c in counts)
        unreadable = sum(c.unreadable for c in counts)
        self.stdout.write(_("Re-encrypted %(n)d values.") % {"n": rotated})
        if unreadable:
            raise CommandError(
                _(
                    "%(n)d values could not be read with any configured key: keep the old keys "
                    "until they are resolved."
                )
                % {"n": unreadable}
            )
