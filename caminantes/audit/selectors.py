from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.db.models import QuerySet
from django.utils import timezone

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


def audit_events_filtered(
    *, events: QuerySet[AuditEvent], filters: EventFilter
) -> QuerySet[AuditEvent]:
    """The trail's filters applied to `events`: the events the reader may see, as the policy
    door gives them (`policies.visible(user, AuditEvent)`; audit sits below accounts)."""
    qs = events.select_related("organization")
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


def open_alerts(*, alerts: QuerySet[Alert]) -> QuerySet[Alert]:
    """The alerts nobody has acknowledged yet, among `alerts` (those the reader may see)."""
    return alerts.filter(acknowledged_at__isnull=True)
