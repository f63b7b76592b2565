# No `from __future__ import annotations`: django-ninja reads the annotations at run time.
"""5W API: a partner's system lists its reports, sends rows, submits a month; anyone with a
5W permission reads the consolidated figures of validated reports.

Rows are the template's canonical rows (field names of `engine.fields`; "Yes"/"No" or
booleans, numbers or their text, month "YYYY-MM"), checked by the same rules as the pages:
a batch is stored whole or refused with 422 and, per row number (1-based, in the order
sent), the rules' messages in the caller's language. A report the caller may not see is 404.
"""

from datetime import date
from typing import Any, cast
from uuid import UUID

from django.core.exceptions import PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from ninja import Field, Router, Schema, Status
from ninja.errors import HttpError
from ninja.pagination import paginate

from caminantes.accounts import policies
from caminantes.accounts.api_auth import require_scope
from caminantes.accounts.models import ApiToken, Organization, User
from caminantes.accounts.permissions import Perm
from caminantes.assistance.api import WRITE_ANSWERS, answers
from caminantes.coordination.fivew import bridge, consolidate, selectors, services
from caminantes.coordination.fivew.engine import fields as F
from caminantes.coordination.fivew.engine import workbook
from caminantes.coordination.fivew.forms import parse_month
from caminantes.coordination.fivew.models import Activity, Report
from caminantes.coordination.fivew.models import Status as RStatus
from caminantes.lib.api import ErrorOut, body_schema, parse_body
from caminantes.lib.pagination import PageNumberPagination

router = Router(tags=["5W reporting"])


class ReportOut(Schema):
    uuid: UUID
    organization: str
    country: str = Field(description="ISO 3166-1 alpha-3")
    month: str = Field(description="YYYY-MM")
    status: str
    comment: str

    @staticmethod
    def resolve_organization(obj: Report) -> str:
        return obj.organization.acronym or obj.organization.name

    @staticmethod
    def resolve_country(obj: Report) -> str:
        return obj.country.iso3

    @staticmethod
    def resolve_month(obj: Report) -> str:
        return f"{obj.month:%Y-%m}"


class RowsIn(Schema):
    organization: UUID | None = Field(
        None, description="The appealing organisation; default: the caller's only one."
    )
    rows: list[dict[str, Any]] = Field(description="Canonical 5W rows (engine.fields names).")


class RowsOut(Schema):
    created: int
    reports: list[ReportOut]


class ProblemsOut(Schema):
    detail: str
    errors: dict[str, list[str]]


class ReturnIn(Schema):
    comment: str = ""


def _user(request: HttpRequest) -> User:
    return cast(User, request.user)


def _parse(values: dict[str, Any]) -> dict[str, Any]:
    """A JSON row as the reader would have read it from a cell."""
    out: dict[str, Any] = {}
    for name in F.FIELDS:
        value = values.get(name)
        if isinstance(value, str):
            value = workbook.clean_text(value)
        out[name] = workbook.parse_value(name, value) if value not in (None, "") else None
    return out


@router.get("/reports", response=list[ReportOut], summary="Your 5W reports (and the IMO's queue)")
@paginate(PageNumberPagination, page_size=50)
def report_list(request: HttpRequest, status: str = "") -> Any:
    return selectors.reports(user=request.user, status=status if status in RStatus.values else "")


@router.get("/reports/{uuid}/rows", response=list[dict[str, Any]], summary="A report's rows")
def report_rows(request: HttpRequest, uuid: UUID) -> Any:
    report = selectors.get_report(user=request.user, uuid=uuid)
    rows = bridge.rows_of(selectors.activities(user=request.user, report=report).order_by("pk"))
    return [bridge.jsonable(r) for r in rows]


def _organization(request: HttpRequest, uuid: UUID | None) -> Organization:
    org_ids = {
        g.organization_id for g in policies.grants(request.user) if Perm.REPORT_5W in g.perms
    }
    if uuid is not None:
        found = Organization.objects.filter(uuid=uuid, pk__in=org_ids).first()
        if found is None:
            raise HttpError(404, _("Not found."))
        return found
    if len(org_ids) != 1:
        raise DjangoValidationError({"organization": [_("Name the organisation you report for.")]})
    return Organization.objects.get(pk=next(iter(org_ids)))


@router.post(
    "/rows",
    response={201: RowsOut, 403: ErrorOut, 404: ErrorOut, 422: ProblemsOut},
    summary="Add 5W rows (all or none), each to the draft of its country and month",
    openapi_extra=body_schema(RowsIn),
)
def rows_create(request: HttpRequest) -> Status[object]:
    require_scope(request, ApiToken.Scope.WRITE)
    try:
        d = parse_body(request, RowsIn)
        org = _organization(request, d.organization)
        created = services.activities_add(
            actor=_user(request),
            organization=org,
            rows=[_parse(r) for r in d.rows],
            source=Activity.Source.API,
            language=get_language(),
        )
    except services.RowsInvalid as exc:
        return Status(
            422,
            {
                "detail": str(exc.message),
                "errors": {str(n): ms for n, ms in sorted(exc.problems.items())},
            },
        )
    except DjangoValidationError as exc:
        errors = exc.message_dict if hasattr(exc, "error_dict") else {"rows": exc.messages}
        return Status(422, {"detail": _("Some fields need attention."), "errors": errors})
    except PermissionDenied:
        return Status(403, {"detail": _("Your roles do not allow this here.")})
    reports = {a.report_id: a.report for a in created}
    return Status(201, {"created": len(created), "reports": list(reports.values())})


@router.post(
    "/reports/{uuid}/{action}",
    response={200: ReportOut, **WRITE_ANSWERS},
    summary="submit (the partner), validate or return (the IMO, with a comment)",
    openapi_extra=body_schema(ReturnIn),
)
@answers
def report_transition(request: HttpRequest, uuid: UUID, action: str) -> Status[object]:
    require_scope(request, ApiToken.Scope.WRITE)
    report = selectors.get_report(user=request.user, uuid=uuid)
    comment = ""
    if request.body:
        comment = parse_body(request, ReturnIn).comment
    try:
        done = services.report_transition(
            actor=_user(request),
            report=report,
            action=action,
            comment=comment,
            language=get_language(),
        )
    except services.RowsInvalid as exc:
        raise DjangoValidationError(
            {f"row {n}": ms for n, ms in sorted(exc.problems.items())}
        ) from exc
    return Status(200, done)


class FiguresOut(Schema):
    start: str
    end: str
    totals: dict[str, Any]
    max_sector: dict[str, Any]
    by_country: list[dict[str, Any]]
    by_sector: list[dict[str, Any]]
    cva: list[dict[str, Any]]


@router.get(
    "/figures",
    response={200: FiguresOut, 403: ErrorOut, 422: ProblemsOut},
    summary="Consolidated figures of validated reports (country ISO3, months YYYY-MM)",
)
def figures(
    request: HttpRequest, country: str = "", start: str = "", end: str = ""
) -> Status[object]:
    user = request.user
    if not any(
        policies.has_perm(user, p)
        for p in (Perm.REPORT_5W, Perm.VALIDATE_5W, Perm.EXPORT_AGGREGATES)
    ):
        return Status(403, {"detail": _("Your roles do not allow this here.")})
    errors: dict[str, list[str]] = {}
    today = timezone.localdate().replace(day=1)
    months: dict[str, date] = {}
    for key, text, default in (
        ("start", start, date(today.year, 1, 1)),
        ("end", end, today),
    ):
        try:
            months[key] = parse_month(text) if text else default
        except Exception as exc:
            errors[key] = list(getattr(exc, "messages", [str(exc)]))
    if not errors and months["start"] > months["end"]:
        errors["end"] = [_("The range ends before it starts.")]
    if not errors and months["end"] > today:
        errors["end"] = [_("The month has not started yet.")]
    countries = selectors.dashboard_countries(user=user)
    if country:
        countries = countries.filter(iso3=country.upper()[:3])
        if not countries.exists():
            errors["country"] = [_("Unknown country, or not one of yours.")]
    if errors:
        return Status(422, {"detail": _("Some fields need attention."), "errors": errors})
    qs = consolidate.filtered(
        selectors.validated_activities(user=user),
        countries=list(countries),
        start=months["start"],
        end=months["end"],
    )
    return Status(
        200,
        {
            "start": f"{months['start']:%Y-%m}",
            "end": f"{months['end']:%Y-%m}",
            "totals": consolidate.totals(qs),
            "max_sector": consolidate.max_sector(qs)[0],
            "by_country": consolidate.by(qs, "country"),
            "by_sector": consolidate.by(qs, "sector"),
            "cva": [
                {**c, "value_usd": str(c["value_usd"])} for c in consolidate.cva_by_mechanism(qs)
            ],
        },
    )
