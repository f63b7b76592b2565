from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any

from django.db.models import QuerySet
from django.utils import timezone

from caminantes.accounts import policies
from caminantes.audit.models import Alert, AuditEvent


@dataclass
class EventFilter:
    since: date | None = None
    until: date | None = None
    user: str = ""
    action: str = ""
    outcome: str = ""
    object_uuid: str = ""


def _day_start(d: date) -> datetime:
    return timezone.make_aware(datetime.combine(d, time.min))


def audit_events_for_user(*, user: Any, filters: EventFilter) -> QuerySet[AuditEvent]:
    qs = policies.visible(user, AuditEvent).select_related("organization")
    if filters.since:
        qs = qs.filter(occurred_at__gte=_day_start(filters.since))
    if filters.until:
        qs = qs.filter(occurred_at__lt=_day_start(filters.until + timedelta(days=1)))
    if filters.user:
        qs = qs.filter(actor_email__icontains=filters.user.strip())
    if filters.action:
        qs = qs.filter(action=filters.action)
    if filters.outcome:
        qs = qs.filter(outcome=filters.outcome)
    if filters.object_uuid:
        qs = qs.filter(object_uuid=filters.object_uuid)
    return qs.order_by("-id")


def open_alerts_for_user(*, user: Any) -> QuerySet[Alert]:
    return policies.visible(user, Alert).filter(acknowledged_at__isnull=True)
