from __future__ import annotations

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from caminantes.accounts import policies
from caminantes.accounts.decorators import perm_required
from caminantes.accounts.permissions import Perm
from caminantes.audit import actions, selectors, services
from caminantes.audit.forms import AuditFilterForm
from caminantes.audit.log import log
from caminantes.audit.models import Alert, AuditEvent
from caminantes.lib.safecsv import csv_rows


def _filters(request: HttpRequest) -> tuple[AuditFilterForm, selectors.EventFilter]:
    form = AuditFilterForm(request.GET or None)
    filters = selectors.EventFilter()
    if form.is_valid():
        data = form.cleaned_data
        filters = selectors.EventFilter(
            since=data["since"],
            until=data["until"],
            user=data["user"],
            action=data["action"],
            outcome=data["outcome"],
            object_uuid=str(data["object_uuid"] or ""),
        )
    return form, filters


@perm_required(Perm.VIEW_AUDIT)
def events(request: HttpRequest) -> HttpResponse:
    form, filters = _filters(request)
    qs = selectors.audit_events_filtered(
        events=policies.visible(request.user, AuditEvent), filters=filters
    )
    page = Paginator(qs, 50).get_page(request.GET.get("page"))
    log(request.user, actions.AUDIT_VIEWED, AuditEvent)
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "audit/events.html",
        {
            "form": form,
            "page": page,
            "query": query.urlencode(),
        },
    )


@perm_required(Perm.VIEW_AUDIT)
def events_csv(request: HttpRequest) -> StreamingHttpResponse:
    _form, filters = _filters(request)
    qs = selectors.audit_events_filtered(
        events=policies.visible(request.user, AuditEvent), filters=filters
    )
    count = qs.count()
    log(request.user, actions.EXPORT, AuditEvent, rows=count)
    header = [
        "occurred_at_utc", "user", "organization", "role", "action", "object_type",
        "object_uuid", "ip_address", "request_id", "outcome", "hash",
    ]  # fmt: skip
    rows = (
        [
            e.occurred_at.isoformat(),
            e.actor_email,
            e.organization.acronym if e.organization else "",
            e.role,
            e.action,
            e.object_type,
            str(e.object_uuid or ""),
            e.ip_address or "",
            e.request_id,
            e.outcome,
            e.hash,
        ]
        for e in qs.iterator(chunk_size=2000)
    )
    response = StreamingHttpResponse(csv_rows(header, rows), content_type="text/csv")
    response["Content-Disposition"] = 'attachment; filename="audit-events.csv"'
    return response


@perm_required(Perm.VIEW_ALERTS)
def alerts(request: HttpRequest) -> HttpResponse:
    qs = policies.visible(request.user, Alert).select_related("user", "acknowledged_by")
    page = Paginator(qs, 50).get_page(request.GET.get("page"))
    return render(request, "audit/alerts.html", {"page": page})


@perm_required(Perm.VIEW_ALERTS)
@require_POST
def alert_acknowledge(request: HttpRequest, uuid: str) -> HttpResponse:
    alert = policies.get_for_user(request.user, Alert, uuid)
    services.alert_acknowledge(user=request.user, alert=alert)
    messages.success(request, _("Alert acknowledged."))
    return redirect("alerts")
