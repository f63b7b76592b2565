from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.db import transaction
from django.utils import timezone

from caminantes.audit import actions
from caminantes.audit.log import log
from caminantes.audit.models import Alert


def alert_acknowledge(*, user: Any, alert: Alert) -> Alert:
    with transaction.atomic():
        alert.acknowledged_by = user
        alert.acknowledged_at = timezone.now()
        alert.save(update_fields=["acknowledged_by", "acknowledged_at"])
        log(user, actions.ALERT_ACKNOWLEDGED, alert)
    return alert


def alert_raise(
    *, kind: str, user: Any, organization: Any, count: int, window_minutes: int
) -> Alert | None:
    """Raise an alert for the organisation's auditors, once per user, kind and window (a
    second trip within the window adds nothing). Returns the new alert, if one was raised."""
    since = timezone.now() - timedelta(minutes=window_minutes)
    with transaction.atomic():
        if Alert.objects.filter(user=user, kind=kind, created_at__gte=since).exists():
            return None
        alert = Alert.objects.create(
            kind=kind,
            user=user,
            organization=organization,
            count=count,
            window_minutes=window_minutes,
        )
        log(None, actions.ALERT_RAISED, alert, organization=organization, count=count)
    return alert
