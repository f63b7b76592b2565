"""Background work of referrals (huey; inline under tests and with HUEY_IMMEDIATE)."""

from __future__ import annotations

from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from caminantes.assistance.referrals import notices


@db_periodic_task(crontab(minute="15", hour="*"))
def referral_reminders_task() -> None:
    """Every hour, in the consumer: remind of overdue referrals (once a day each)."""
    notices.reminders_send()
