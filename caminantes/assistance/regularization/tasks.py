"""Background work of regularization (huey, in the consumer)."""

from __future__ import annotations

from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from caminantes.assistance.regularization import services_appointments


@db_periodic_task(crontab(hour="17", minute="0"))
def regularization_reminders_task() -> None:
    """Every evening: remind the caseworkers of tomorrow's appointments (once each)."""
    services_appointments.reminders_send()
