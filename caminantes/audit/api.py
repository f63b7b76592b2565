# No `from __future__ import annotations`: django-ninja reads the annotations at run time.
from datetime import date, datetime
from uuid import UUID

from django.http import HttpRequest
from ninja import Router, Schema
from ninja.pagination import paginate

from caminantes.accounts import policies
from caminantes.audit import actions, selectors
from caminantes.audit.log import log
from caminantes.audit.models import Alert, AuditEvent
from caminantes.lib.pagination import PageNumberPagination

router = Router(tags=["audit"])


class EventOut(Schema):
    uuid: UUID
    occurred_at: datetime
    actor_email: str
    organization: str | None
    role: str
    action: str
    object_type: str
    object_uuid: UUID | None
    ip_address: str | None
    request_id: str
    outcome: str
    hash: str
    prev_hash: str

    @staticmethod
    def resolve_organization(obj: AuditEvent) -> str | None:
        return obj.organization.acronym if obj.organization else None


class AlertOut(Schema):
    uuid: UUID
    kind: str
    created_at: datetime
    user_email: str
    count: int
    window_minutes: int
    acknowledged_at: datetime | None

    @staticmethod
    def resolve_user_email(obj: Alert) -> str:
        return obj.user.email


@router.get("/events", response=list[EventOut], summary="Audit events the caller may read")
@paginate(PageNumberPagination, page_size=100)
def event_list(
    request: HttpRequest,
    since: date | None = None,
    until: date | None = None,
    user: str = "",
    action: str = "",
    outcome: str = "",
) -> object:
    filters = selectors.EventFilter(
        since=since, until=until, user=user, action=action, outcome=outcome
    )
    log(request.user, actions.AUDIT_VIEWED, AuditEvent, via="api")
    return selectors.audit_events_filtered(
        events=policies.visible(request.user, AuditEvent), filters=filters
    )


@router.get("/events/{uuid}", response=EventOut)
def event_get(request: HttpRequest, uuid: UUID) -> AuditEvent:
    return policies.get_for_user(request.user, AuditEvent, uuid)


@router.get("/alerts", response=list[AlertOut])
def alert_list(request: HttpRequest) -> object:
    return policies.visible(request.user, Alert).select_related("user")
