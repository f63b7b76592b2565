"""`caminantes imports_recover [--dry-run]`: imports whose background worker died, now.

The consumer does the same every five minutes (each app's periodic task); this is for an
operator who has just restarted a worker, or wants to see what is stuck (lib.import_recovery).
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandParser
from django.utils.translation import gettext as _

from caminantes.lib import import_recovery


def _status_label(found: import_recovery.Found) -> str:
    choices = dict(found.batch._meta.get_field("status").flatchoices)
    return str(choices.get(found.status, found.status))


class Command(BaseCommand):
    help = (
        "Queue again the registry and DTM imports whose background worker died (no progress "
        "for IMPORT_STALL_MINUTES), and fail those already queued again "
        "IMPORT_RECOVERY_ATTEMPTS times. --dry-run only says what would be done."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--dry-run", action="store_true", help="Say what would be done; change nothing."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        dry_run = bool(options["dry_run"])
        found = [
            f
            for r in import_recovery.recoverers()
            for f in import_recovery.recover(r, dry_run=dry_run)
        ]
        limit = settings.IMPORT_RECOVERY_ATTEMPTS
        for f in found:
            head = _("%(app)s import %(code)s (%(file)s): %(status)s, no progress for "
                     "%(minutes)d minutes") % {
                "app": f.app, "code": str(f.batch.uuid)[:8], "file": f.batch.file_name,
                "status": _status_label(f), "minutes": f.idle_minutes,
            }  # fmt: skip
            if f.action == import_recovery.WAITING:
                tail = _("its task is waiting in the queue: is the worker (caminantes "
                         "run_huey) running?")  # fmt: skip
            elif f.action == import_recovery.REQUEUED:
                tail = (
                    _("would be queued again (attempt %(n)d of %(max)d)")
                    if dry_run
                    else _("queued again (attempt %(n)d of %(max)d)")
                ) % {"n": f.attempt, "max": limit}
            else:
                tail = (
                    _("would be failed: its %(max)d attempts are used up")
                    if dry_run
                    else _("failed: its %(max)d attempts are used up")
                ) % {"max": limit}
            self.stdout.write(f"{head}: {tail}")
        acted = [f for f in found if f.action != import_recovery.WAITING]
        if dry_run:
            self.stdout.write(_("Dry run: nothing was changed."))
        elif not acted:
            self.stdout.write(_("No import to recover."))
