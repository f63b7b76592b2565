# No `from __future__ import annotations`: django-ninja reads the annotations at run time.
"""GET /api/v1/protection/reports/aggregate: the report page's tables as JSON, with the same
suppressed cells ("<5", "x" as text), the same readers and the same audit."""

from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from ninja import Router, Schema, Status

from caminantes.accounts.models import Organization
from caminantes.audit import actions
from caminantes.audit.log import Subject, log
from caminantes.lib.api import ErrorOut, InvalidOut
from caminantes.protection.reports import report, selectors

router = Router(tags=["protection"])


class RowOut(Schema):
    label: str
    cells: list[str]


class TableOut(Schema):
    name: str
    title: str
    unit: str
    corner: str
    columns: list[str]
    rows: list[RowOut]
    withheld: bool


class ReportOut(Schema):
    kind: str
    organization: str
    country: str
    start: str
    end: str
    legend: dict[str, str]
    tables: list[TableOut]


@router.get(
    "/aggregate",
    response={200: ReportOut, 403: ErrorOut, 422: InvalidOut},
    summary="Aggregate counts of consented incidents, small cells suppressed",
    description=(
        "For GBV and anti-trafficking officers: the organisation's consented incidents in "
        "one country over a calendar `year` (the running one by default), counted and suppressed: "
        '"<5" for 1 to 4, "x" for the cells hidden so that no "<5" can be worked out. '
        "`organization` (acronym) is needed only by someone in several."
    ),
)
def aggregate(
    request: HttpRequest,
    response: HttpResponse,
    kind: str = "",
    country: str = "",
    year: str = "",
    organization: str = "",
) -> Status[object]:
    response["Cache-Control"] = "no-store"
    subject = Subject(selectors.AUDIT_SUBJECT)
    mine = selectors.scopes(request.user)
    org_ids = {s.organization_id for s in mine}
    if organization:
        chosen = Organization.objects.filter(acronym=organization, pk__in=org_ids).first()
    else:
        chosen = Organization.objects.get(pk=next(iter(org_ids))) if len(org_ids) == 1 else None
    if not mine:
        log(request.user, actions.ACCESS_DENIED, subject, "denied", via="api")
        return Status(403, {"detail": _("You may not read protection reports.")})
    if chosen is None:
        errors = {"organization": [_("Name one of your organisations (acronym).")]}
        return Status(422, {"detail": _("Check the request."), "errors": errors})
    asked = {"kind": kind, "country": country.upper(), "year": year}
    form = report.ReportForm(asked, scopes=selectors.scopes_in(request.user, chosen))
    if not form.is_valid():
        errors = {k: [str(m) for m in v] for k, v in form.errors.items()}
        return Status(422, {"detail": _("Check the request."), "errors": errors})
    data = form.cleaned_data
    shown = report.build(scope=data["scope"], start=data["start"], end=data["end"])
    log(request.user, actions.PROTECTION_REPORT, subject, via="api", **report.audit_details(shown))
    return Status(
        200,
        {
            "kind": shown.kind,
            "organization": shown.organization.acronym,
            "country": shown.country.iso2,
            "start": f"{shown.start:%Y-%m}",
            "end": f"{shown.end:%Y-%m}",
            "legend": dict(report.legend()),
            "tables": [
                {
                    **t.__dict__,
                    "rows": [{"label": label, "cells": cells} for label, cells in t.rows],
                }
                for t in shown.tables
            ],
        },
    )
