# No `from __future__ import annotations`: django-ninja reads the annotations at run time.
"""DTM API: operations, their points and rounds, tally sheets (write and read) and the
flow aggregates, with the tokens and the policy door of the rest of the API.

A tally sheet is written with the client's own `uuid` (the ODK instance id, or any UUID it
makes): the same uuid with the same figures answers 200 and changes nothing (a resend), with
other figures 409 `conflict`; a new sheet 201. Its fields are those of the tally page and of
the import (`caminantes/dtm/intake/flow.py`): breakdowns as objects (`{"nationality":
{"VE": 8}}`) or flat keys (`nationality_VE`). An invalid sheet is 422 with messages by field.
Aggregates come from the daily rollup, by period (day, ISO week or month), point, direction,
flow type (pendular commuters apart from migrants) and country; only analysts (DTM_ANALYSE)
read them.
"""

import datetime as dt
from typing import Any
from uuid import UUID

from django.core.exceptions import PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import Sum
from django.db.models.functions import TruncMonth, TruncWeek
from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Query, Router, Schema, Status
from ninja.errors import HttpError
from ninja.pagination import paginate

from caminantes.accounts import policies
from caminantes.accounts.api_auth import require_scope
from caminantes.accounts.models import ApiToken
from caminantes.accounts.permissions import Perm
from caminantes.dtm import selectors
from caminantes.dtm.choices import SEX_AGE_FIELDS, Source
from caminantes.dtm.intake import Conflict, submit_flow_count
from caminantes.dtm.models import FlowCount, FlowDaily, FlowMonitoringPoint, Operation, Round
from caminantes.lib.api import ErrorOut, InvalidOut
from caminantes.lib.pagination import PageNumberPagination

router = Router(tags=["dtm"])

TOTALS = ("sheets", "individuals", "groups", "unaccompanied_children", *SEX_AGE_FIELDS)
GROUPS = {
    "point": "point__code", "direction": "direction", "flow_type": "flow_type",
    "country": "country__iso2",
}  # fmt: skip


class OperationOut(Schema):
    uuid: UUID
    code: str
    name: str
    organization: str
    countries: list[str]
    starts_on: dt.date | None
    ends_on: dt.date | None = None

    @staticmethod
    def resolve_organization(obj: Operation) -> str:
        return obj.organization.acronym

    @staticmethod
    def resolve_countries(obj: Operation) -> list[str]:
        return sorted(c.iso2 for c in obj.countries.all())


class PointOut(Schema):
    uuid: UUID
    code: str
    name: str
    country: str
    country_iso3: str
    admin_area: str | None
    admin_area_pcode: str | None
    point_type: str
    movement_types: list[str]
    latitude: float | None
    longitude: float | None

    @staticmethod
    def resolve_country(obj: FlowMonitoringPoint) -> str:
        return obj.country.iso2

    @staticmethod
    def resolve_country_iso3(obj: FlowMonitoringPoint) -> str:
        return obj.country.iso3

    @staticmethod
    def resolve_admin_area(obj: FlowMonitoringPoint) -> str | None:
        return obj.admin_area.iso_code if obj.admin_area else None

    @staticmethod
    def resolve_admin_area_pcode(obj: FlowMonitoringPoint) -> str | None:
        return obj.admin_area.pcode if obj.admin_area else None


class RoundOut(Schema):
    uuid: UUID
    number: int
    starts_on: dt.date
    ends_on: dt.date


class SheetOut(Schema):
    uuid: UUID
    point: str
    date: dt.date
    shift_start: str
    shift_end: str
    direction: str
    flow_type: str
    individuals: int
    groups: int
    unaccompanied_children: int
    sex_age: dict[str, int]
    breakdowns: dict[str, dict[str, int]]
    source: str
    voided: bool

    @staticmethod
    def resolve_point(obj: FlowCount) -> str:
        return obj.point.code

    @staticmethod
    def resolve_date(obj: FlowCount) -> dt.date:
        return obj.observed_on

    @staticmethod
    def resolve_shift_start(obj: FlowCount) -> str:
        return obj.shift_start.strftime("%H:%M")

    @staticmethod
    def resolve_shift_end(obj: FlowCount) -> str:
        return obj.shift_end.strftime("%H:%M")

    @staticmethod
    def resolve_sex_age(obj: FlowCount) -> dict[str, int]:
        return {f: getattr(obj, f) for f in SEX_AGE_FIELDS}

    @staticmethod
    def resolve_breakdowns(obj: FlowCount) -> dict[str, dict[str, int]]:
        found: dict[str, dict[str, int]] = {}
        for part in obj.breakdowns.all():
            found.setdefault(part.dimension, {})[part.code] = part.individuals
        return found

    @staticmethod
    def resolve_voided(obj: FlowCount) -> bool:
        return obj.voided_at is not None


class SheetWritten(Schema):
    uuid: UUID
    created: bool


class AggregateFilters(Schema):
    operation: UUID
    start: dt.date
    end: dt.date
    period: str = "month"
    by: str = "period,point,direction,flow_type"


def _user(request: HttpRequest) -> Any:
    return request.user


def _operation(request: HttpRequest, uuid: UUID) -> Operation:
    return selectors.get_dtm_for_user(request.user, Operation, uuid)


def _sheets(request: HttpRequest) -> Any:
    """Every sheet for an analyst; for an enumerator, the ones she entered."""
    user = request.user
    analysed = policies.visible(user, FlowCount, Perm.DTM_ANALYSE)
    own = policies.visible(user, FlowCount, Perm.DTM_COLLECT).filter(enumerator=_user(request))
    return FlowCount.objects.filter(
        pk__in=analysed.order_by().values("pk").union(own.order_by().values("pk"))
    )


@router.get("/operations", response=list[OperationOut], summary="Operations you work in")
@paginate(PageNumberPagination, page_size=100)
def operations(request: HttpRequest) -> Any:
    qs = selectors.operations_for_user(user=request.user)
    return qs.prefetch_related("countries")


@router.get("/operations/{uuid}/points", response=list[PointOut],
            summary="The flow monitoring points of an operation")  # fmt: skip
@paginate(PageNumberPagination, page_size=200)
def points(request: HttpRequest, uuid: UUID) -> Any:
    operation = _operation(request, uuid)
    return selectors.points_for_user(user=request.user, operation=operation).select_related(
        "admin_area"
    )


@router.get("/operations/{uuid}/rounds", response=list[RoundOut],
            summary="The rounds of an operation")  # fmt: skip
def rounds(request: HttpRequest, uuid: UUID) -> Any:
    operation = _operation(request, uuid)
    return Round.objects.filter(operation=operation).order_by("number")


@router.post(
    "/flow-counts",
    response={200: SheetWritten, 201: SheetWritten, 403: ErrorOut, 409: ErrorOut,
              422: InvalidOut},
    summary="Send a tally sheet (idempotent on its uuid)",
    openapi_extra={"requestBody": {"required": True, "content": {"application/json": {
        "schema": {"type": "object", "required": ["uuid", "point", "date", "shift_start",
                                                  "shift_end", "direction"],
                   "additionalProperties": True,
                   "properties": {"uuid": {"type": "string", "format": "uuid"},
                                  "point": {"type": "string"},
                                  "date": {"type": "string", "format": "date"},
                                  "shift_start": {"type": "string"},
                                  "shift_end": {"type": "string"},
                                  "direction": {"type": "string"},
                                  "individuals": {"type": "integer", "minimum": 0}}}}}}},
)  # fmt: skip
def flow_count_send(request: HttpRequest) -> Status[object]:
    require_scope(request, ApiToken.Scope.WRITE)
    import json

    try:
        data = json.loads(request.body or b"{}")
    except (ValueError, UnicodeDecodeError):
        data = None
    if not isinstance(data, dict):
        message = _("The body must be a JSON object.")
        return Status(422, {"detail": message, "errors": {"__all__": [message]}})
    if not data.get("uuid"):
        return Status(422, {"detail": _("Some fields need attention."),
                            "errors": {"uuid": [_("The sheet needs its own uuid.")]}})  # fmt: skip
    try:
        result = submit_flow_count(data, source=Source.API, user=_user(request))
    except Conflict as exc:
        return Status(409, {"detail": exc.messages[0]})
    except PermissionDenied as exc:
        return Status(403, {"detail": str(exc) or _("Your roles do not allow this here.")})
    except DjangoValidationError as exc:
        errors = exc.message_dict if hasattr(exc, "error_dict") else {"__all__": exc.messages}
        return Status(422, {"detail": _("Some fields need attention."), "errors": errors})
    return Status(201 if result.created else 200,
                  {"uuid": result.obj.uuid, "created": result.created})  # fmt: skip


@router.get(
    "/flow-counts",
    response=list[SheetOut],
    summary="Tally sheets: every one for an analyst, your own for an enumerator",
)
@paginate(PageNumberPagination, page_size=100)
def flow_counts(
    request: HttpRequest, operation: UUID, start: dt.date | None = None, end: dt.date | None = None,
    point: str | None = None,
) -> Any:  # fmt: skip
    found = _operation(request, operation)
    qs = _sheets(request).filter(operation=found)
    if start:
        qs = qs.filter(observed_on__gte=start)
    if end:
        qs = qs.filter(observed_on__lte=end)
    if point:
        qs = qs.filter(point__code=point)
    return (
        qs.select_related("point")
        .prefetch_related("breakdowns")
        .order_by("observed_on", "created_at")
    )


@router.get("/flow-counts/{uuid}", response={200: SheetOut, 404: ErrorOut},
            summary="One tally sheet")  # fmt: skip
def flow_count(request: HttpRequest, uuid: UUID) -> Any:
    sheet = _sheets(request).filter(uuid=uuid).select_related("point").first()
    if sheet is None:
        raise HttpError(404, _("Not found."))
    return sheet


@router.get(
    "/aggregates",
    response=list[dict[str, Any]],
    summary="People counted by period (day, week, month), point, direction, flow type, country",
)
def aggregates(request: HttpRequest, filters: Query[AggregateFilters]) -> Any:
    if not policies.has_perm(request.user, Perm.DTM_ANALYSE):
        raise HttpError(403, _("Your roles do not allow this here."))
    operation = selectors.get_dtm_for_user(request.user, Operation, filters.operation)
    if filters.end < filters.start:
        raise HttpError(422, _("The end comes before the start."))
    wanted = [w.strip() for w in filters.by.split(",") if w.strip()]
    unknown = [w for w in wanted if w != "period" and w not in GROUPS]
    if unknown or filters.period not in ("day", "week", "month"):
        raise HttpError(422, _("Group by period, point, direction, flow_type or country; the "
                               "period is day, week or month."))  # fmt: skip
    qs = policies.visible(request.user, FlowDaily, Perm.DTM_ANALYSE).filter(
        operation=operation, day__gte=filters.start, day__lte=filters.end
    )
    keys = [GROUPS[w] for w in wanted if w in GROUPS]
    if "period" in wanted:
        trunc = {"day": None, "week": TruncWeek("day"), "month": TruncMonth("day")}
        if trunc[filters.period] is None:
            keys.insert(0, "day")
        else:
            qs = qs.annotate(period=trunc[filters.period])
            keys.insert(0, "period")
    rows = qs.order_by().values(*keys).annotate(**{t: Sum(t) for t in TOTALS}).order_by(*keys)
    names = {v: k for k, v in GROUPS.items()} | {"day": "period"}
    out = []
    for row in rows:
        item = {names.get(k, k): row[k] for k in keys}
        if "period" in item and hasattr(item["period"], "isoformat"):
            item["period"] = item["period"].isoformat()[:10]
        item.update({t: row[t] or 0 for t in TOTALS})
        out.append(item)
    return out
