from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from caminantes.assistance.referrals import notices


class Command(BaseCommand):
    help = (
        "Remind of open referrals past their due date (the sender and the receiving "
        "organisation's referral staff), at most once a day each. The huey consumer runs "
        "the same every hour; this is for a cron job or a machine without the consumer."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        count = notices.reminders_send()
        self.stdout.write(f"Reminded of {count} overdue referral(s).")
