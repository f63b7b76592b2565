from __future__ import annotations

from datetime import date
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from caminantes.assistance.regularization import services_appointments


class Command(BaseCommand):
    help = (
        "Remind the caseworkers of tomorrow's appointments (or those of --day): one reminder "
        "per booked appointment, never twice. Huey runs the same every evening."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--day", help="YYYY-MM-DD (default: tomorrow)")

    def handle(self, *args: Any, **options: Any) -> None:
        day = None
        if options["day"]:
            try:
                day = date.fromisoformat(options["day"])
            except ValueError as exc:
                raise CommandError("Write the day as YYYY-MM-DD.") from exc
        made = services_appointments.reminders_send(day=day)
        self.stdout.write(f"Reminders sent: {made}.")
