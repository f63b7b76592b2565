# No `from __future__ import annotations`: django-ninja reads the annotations at run time.
"""Distribution API: plans, their distribution list, a household's entitlement, handovers.

Reads go through `assistance.distribution` (the policy door: a plan, or a household, the
caller may not see is 404), writes through `assistance.services_distribution`. A handover's
`request_id` is made by the client (the desk makes it in the browser, offline if need be):
the same id with the same content answers 200 with the first handover and changes nothing,
with other content 409 `request_id_reused`; a refusal is 409 with its `code`
(`inside_interval`, `not_entitled`, `daily_cap_reached`, `out_of_stock`,
`proxy_without_consent`, `plan_not_open`) and a translated `detail`.
"""

from datetime import date, datetime
from typing import Any, cast
from uuid import UUID

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import Prefetch
from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Field, Router, Schema, Status
from ninja.pagination import paginate

from caminantes.accounts.api_auth import require_scope
from caminantes.accounts.models import ApiToken, User
from caminantes.assistance import distribution as reads
from caminantes.assistance import services_distribution as sd
from caminantes.assistance.api import WRITE_ANSWERS, answers
from caminantes.assistance.models import DistributionPlan, Handover
from caminantes.lib.api import body_schema, parse_body
from caminantes.lib.pagination import PageNumberPagination
from caminantes.registry.models import Household, Person

router = Router(tags=["distribution"])


class BandOut(Schema):
    min_size: int
    max_size: int | None
    quantity: int


class PlanOut(Schema):
    uuid: UUID
    name: str
    organization: str
    country: str
    site: str
    warehouse: UUID
    kit: str
    status: str
    starts_on: date
    ends_on: date
    population_types: list[str]
    specific_needs: list[str]
    min_household_size: int
    max_household_size: int | None
    area: str | None
    interval_days: int
    daily_cap: int | None
    bands: list[BandOut]

    @staticmethod
    def resolve_organization(obj: DistributionPlan) -> str:
        return obj.organization.acronym

    @staticmethod
    def resolve_country(obj: DistributionPlan) -> str:
        return obj.country.iso2

    @staticmethod
    def resolve_site(obj: DistributionPlan) -> str:
        return obj.site.name

    @staticmethod
    def resolve_warehouse(obj: DistributionPlan) -> UUID:
        return obj.warehouse.uuid

    @staticmethod
    def resolve_kit(obj: DistributionPlan) -> str:
        return obj.kit.code

    @staticmethod
    def resolve_area(obj: DistributionPlan) -> str | None:
        return obj.area.name if obj.area_id else None  # type: ignore[union-attr]

    @staticmethod
    def resolve_bands(obj: DistributionPlan) -> list[Any]:
        return reads.bands_of(obj)


class MemberOut(Schema):
    uuid: UUID
    name: str


class EntitlementOut(Schema):
    household: UUID
    code: str = Field(description="The short code printed on the household's card.")
    focal_point: str
    size: int
    quantity: int = Field(description="Kits due when the household may collect.")
    standing: str = Field(description="`entitled`, `served_today`, `inside_interval`, "
                                      "`not_entitled`.")  # fmt: skip
    may_collect: bool
    last_served: date | None
    next_on: date | None
    message: str
    members: list[MemberOut]


class HandoverIn(Schema):
    request_id: UUID = Field(description="The handover's id, made by the client.")
    household: UUID
    collected_by: UUID | None = Field(None, description="The member who collects; or a proxy.")
    proxy_name: str = ""
    proxy_consent: bool = Field(False, description="The household agreed to this proxy.")


class HandoverOut(Schema):
    uuid: UUID
    replayed: bool
    plan: UUID
    household: UUID
    quantity: int
    collected_by: UUID | None
    proxy_name: str
    day: date
    handed_at: datetime


class PlanPatchIn(Schema):
    """Only the fields sent change; `bands`, when sent, replaces the plan's bands."""

    request_id: UUID = Field(description="The change's id, made by the client.")
    name: str | None = None
    warehouse: UUID | None = Field(None, description="Not once kits were handed out.")
    site: UUID | None = None
    kit: str | None = Field(None, description="The kit's code; not once kits were handed out.")
    starts_on: date | None = None
    ends_on: date | None = None
    population_types: list[str] | None = None
    specific_needs: list[str] | None = None
    min_household_size: int | None = None
    max_household_size: int | None = None
    area: UUID | None = None
    interval_days: int | None = None
    daily_cap: int | None = None
    bands: list[BandOut] | None = None


class PlanPatchOut(Schema):
    replayed: bool
    changed: list[str]
    plan: PlanOut


# Sent as null, these are emptied; the others are left as they are.
NULLABLE = {"max_household_size", "area", "daily_cap"}


def _patch_fields(request: HttpRequest, plan: DistributionPlan, d: PlanPatchIn) -> dict[str, Any]:
    fields: dict[str, Any] = {}
    for key in d.model_fields_set - {"request_id"}:
        value = getattr(d, key)
        if value is None and key not in NULLABLE:
            raise DjangoValidationError({key: [_("This field cannot be empty.")]})
        fields[key] = value
    lookups = {
        "warehouse": lambda v: reads.warehouse_for_plan(user=request.user, plan=plan, uuid=v),
        "site": lambda v: reads.site_for_plan(plan=plan, uuid=v),
        "area": lambda v: reads.area_for_plan(plan=plan, uuid=v),
        "kit": lambda v: reads.kit_by_code(code=v),
    }
    for key, find in lookups.items():
        if fields.get(key) is not None:
            found = find(fields[key])
            if found is None:
                raise DjangoValidationError({key: [_("Not found: check the id.")]})
            fields[key] = found
    if "bands" in fields:
        fields["bands"] = [sd.Band(b.min_size, b.max_size, b.quantity) for b in fields["bands"]]
    return fields


def _user(request: HttpRequest) -> User:
    return cast(User, request.user)


def _plan(request: HttpRequest, uuid: UUID) -> DistributionPlan:
    return reads.get_plan_for_user(user=request.user, uuid=uuid)


def _members(household: Household) -> list[dict[str, Any]]:
    people = getattr(household, "listed_members", None)
    if people is None:
        people = reads.members(household)
    return [{"uuid": p.uuid, "name": p.full_name} for p in people]


def _entitlement(e: reads.Entitlement) -> dict[str, Any]:
    h = e.household
    return {
        "household": h.uuid, "code": h.code,
        "focal_point": h.focal_point.full_name if h.focal_point else "",
        "size": e.size, "quantity": e.quantity, "standing": e.standing,
        "may_collect": e.may_collect, "last_served": e.last_served, "next_on": e.next_on,
        "message": e.message, "members": _members(h),
    }  # fmt: skip


def _handover(h: Handover, replayed: bool) -> dict[str, Any]:
    return {
        "uuid": h.uuid, "replayed": replayed, "plan": h.plan.uuid, "household": h.household.uuid,
        "quantity": h.quantity, "collected_by": h.collected_by.uuid if h.collected_by else None,
        "proxy_name": h.proxy_name, "day": h.day, "handed_at": h.handed_at,
    }  # fmt: skip


class ListPagination(PageNumberPagination):
    """The distribution list: entitlements computed for the page only."""

    class Input(PageNumberPagination.Input):
        pass

    def paginate_queryset(self, queryset: Any, pagination: Any, request: HttpRequest,
                          **params: Any) -> Any:  # fmt: skip
        page = super().paginate_queryset(queryset, pagination, request, **params)
        plan = request.__dict__["_distribution_plan"]
        households = list(page["items"])
        page["items"] = [
            _entitlement(e)
            for e in reads.standings(user=request.user, plan=plan, households=households)
        ]
        return page


@router.get("/plans", response=list[PlanOut], summary="Distribution plans you may see")
@paginate(PageNumberPagination, page_size=50)
def plans(request: HttpRequest) -> Any:
    return reads.plans_for_user(user=request.user)


@router.get(
    "/plans/{uuid}", response=PlanOut, summary="A distribution plan and its rules",
    url_name="distribution_plan",
)  # fmt: skip
def plan(request: HttpRequest, uuid: UUID) -> Any:
    return _plan(request, uuid)


@router.get(
    "/plans/{uuid}/list", response=list[EntitlementOut],
    summary="The distribution list: the households the plan's rules cover, with what each "
    "may collect today",
)  # fmt: skip
@paginate(ListPagination, page_size=200)
def distribution_list(request: HttpRequest, uuid: UUID) -> Any:
    found = _plan(request, uuid)
    request.__dict__["_distribution_plan"] = found
    return reads.distribution_list(user=request.user, plan=found).prefetch_related(
        Prefetch("members", queryset=reads.members_queryset(), to_attr="listed_members")
    )


@router.get(
    "/plans/{uuid}/households/{household}", response=EntitlementOut,
    summary="What one household may collect under the plan today",
)  # fmt: skip
def entitlement(request: HttpRequest, uuid: UUID, household: UUID) -> Any:
    found = _plan(request, uuid)
    family = reads.get_household(user=request.user, plan=found, uuid=household)
    return _entitlement(reads.entitlement(found, family))


@router.post(
    "/plans/{uuid}/handovers",
    response={200: HandoverOut, 201: HandoverOut, **WRITE_ANSWERS},
    summary="Record a handover (issues the kits and writes the service delivery)",
    openapi_extra=body_schema(HandoverIn),
)  # fmt: skip
@answers
def handover(request: HttpRequest, uuid: UUID) -> Status[object]:
    require_scope(request, ApiToken.Scope.WRITE)
    found = _plan(request, uuid)
    d = parse_body(request, HandoverIn)
    family = reads.get_household(user=request.user, plan=found, uuid=d.household)
    collector: Person | None = None
    if d.collected_by is not None:
        collector = next((p for p in reads.members(family) if p.uuid == d.collected_by), None)
        if collector is None:
            raise DjangoValidationError({"collected_by": [_("Choose a member of this household.")]})
    result = sd.handover_record(
        actor=_user(request), plan=found, household=family, request_id=d.request_id,
        collected_by=collector, proxy_name=d.proxy_name, proxy_consent=d.proxy_consent,
    )  # fmt: skip
    return Status(200 if result.replayed else 201, _handover(result.handover, result.replayed))


@router.patch(
    "/plans/{uuid}", response={200: PlanPatchOut, **WRITE_ANSWERS},
    summary="Correct a plan's rules (kit and warehouse only before the first handover)",
    openapi_extra=body_schema(PlanPatchIn),
)  # fmt: skip
@answers
def plan_update(request: HttpRequest, uuid: UUID) -> Status[object]:
    require_scope(request, ApiToken.Scope.WRITE)
    found = _plan(request, uuid)
    d = parse_body(request, PlanPatchIn)
    result = sd.plan_update(actor=_user(request), plan=found, request_id=d.request_id,
                            **_patch_fields(request, found, d))  # fmt: skip
    return Status(200, {"replayed": result.replayed, "changed": result.changed,
                        "plan": _plan(request, uuid)})  # fmt: skip
