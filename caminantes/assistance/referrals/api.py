# No `from __future__ import annotations`: django-ninja reads the annotations at run time.
"""Directory and referrals API, so a partner's own system can send and receive referrals.

The directory is searched by any member. A referral is created with a `request_id` made by
the client: the same id with the same content answers 200 with the first answer and
changes nothing, with different content 409 `request_id_reused`. A refusal is 409 with its
`code` (`no_consent`, `service_closed`, `other_country`, `referral_status`, `restricted`,
`restricted_unavailable`)
and a translated `detail`; an invalid body is 422. The inbox lists what the caller's
organisations received; `sent` what the caller sent. A status change to the status the
referral already has answers 200 with `replayed: true`. A referral the caller may not see
is 404, like one that does not exist.
"""

from datetime import date, datetime
from typing import Any, cast
from uuid import UUID

from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Field, Router, Schema, Status
from ninja.pagination import paginate

from caminantes.accounts.api_auth import require_scope
from caminantes.accounts.models import ApiToken, User
from caminantes.assistance.api import WRITE_ANSWERS, answers
from caminantes.assistance.referrals import selectors, services
from caminantes.assistance.referrals.models import Referral, Service
from caminantes.assistance.referrals.models import Status as RStatus
from caminantes.geo.models import AdminArea, Country
from caminantes.lib.api import ErrorOut, body_schema, parse_body
from caminantes.lib.pagination import PageNumberPagination
from caminantes.registry import selectors as registry

router = Router(tags=["referrals"])


class ServiceOut(Schema):
    uuid: UUID
    name: str
    type: str
    sector: str
    organization: str
    country: str
    area: str | None = None
    address: str
    hours: str
    contact: str
    eligibility: str
    languages: str
    accepts_referrals: bool
    capacity: int | None
    referral_fields: list[str] = Field(description="What a referral to it carries.")

    @staticmethod
    def resolve_organization(obj: Service) -> str:
        return obj.organization.acronym

    @staticmethod
    def resolve_country(obj: Service) -> str:
        return obj.country.iso2

    @staticmethod
    def resolve_area(obj: Service) -> str | None:
        return obj.admin_area.iso_code if obj.admin_area else None


class ReferralOut(Schema):
    uuid: UUID
    code: str
    service: UUID
    service_name: str
    sender_organization: str
    receiving_organization: str
    status: str
    urgent: bool
    due_on: date
    sent_at: datetime
    restricted: bool
    decline_reason: str

    @staticmethod
    def resolve_service(obj: Referral) -> UUID:
        return obj.service.uuid

    @staticmethod
    def resolve_service_name(obj: Referral) -> str:
        return obj.service.name

    @staticmethod
    def resolve_sender_organization(obj: Referral) -> str:
        return obj.sender_organization.acronym

    @staticmethod
    def resolve_receiving_organization(obj: Referral) -> str:
        return obj.receiving_organization.acronym

    @staticmethod
    def resolve_decline_reason(obj: Referral) -> str:
        return "" if obj.restricted else obj.decline_reason


class FieldOut(Schema):
    label: str
    value: str


class ReferralDetailOut(ReferralOut):
    fields: list[FieldOut] = Field(description="The snapshot the service asked for (audited).")

    @staticmethod
    def resolve_fields(obj: Referral) -> list[dict[str, str]]:
        return getattr(obj, "shared", [])


class ReferralWriteOut(Schema):
    replayed: bool = Field(description="True when this request was already recorded.")
    referral: ReferralOut


class ReferralIn(Schema):
    request_id: UUID = Field(description="Made by the client; the same id is recorded once.")
    service: UUID
    household: UUID
    person: UUID | None = Field(None, description="Default: the household's focal point.")
    reason: str
    urgent: bool = False
    due_on: date | None = Field(None, description="Default: 2 days if urgent, else 10.")


class StatusIn(Schema):
    status: str = Field(description="received, accepted, declined, in_progress, completed, "
                        "closed")  # fmt: skip
    note: str = Field("", description="Feedback for the referring caseworker.")
    reason: str = Field("", description="Required to decline.")


def _user(request: HttpRequest) -> User:
    return cast(User, request.user)


@router.get("/services", response=list[ServiceOut], summary="Search the service directory")
@paginate(PageNumberPagination, page_size=50)
def service_search(
    request: HttpRequest, country: str = "", area: str = "", type: str = "", q: str = ""
) -> Any:
    found_country = Country.objects.filter(iso2=country.upper()).first() if country else None
    found_area = AdminArea.objects.filter(iso_code=area).first() if area else None
    if (country and found_country is None) or (area and found_area is None):
        return Service.objects.none()
    return selectors.directory(user=request.user, country=found_country, area=found_area,
                               type=type, text=q[:100])  # fmt: skip


@router.post(
    "/referrals", response={200: ReferralWriteOut, 201: ReferralWriteOut, **WRITE_ANSWERS},
    summary="Refer a household or person to a service (consent first)",
    openapi_extra=body_schema(ReferralIn),
)  # fmt: skip
@answers
def referral_create(request: HttpRequest) -> Status[object]:
    require_scope(request, ApiToken.Scope.WRITE)
    d = parse_body(request, ReferralIn)
    household = registry.household_detail(user=request.user, uuid=d.household)
    service = selectors.referrable_service(user=request.user, uuid=d.service,
                                           country=household.country)  # fmt: skip
    if service is None:
        raise DjangoValidationError({"service": [_("No service taking referrals with this id "
                                                   "in the household's country.")]})  # fmt: skip
    person = None
    if d.person is not None:
        person = registry.members_of(household).filter(uuid=d.person).first()
        if person is None:
            raise DjangoValidationError({"person": [_("Not a member of this household.")]})
    result = services.referral_create(
        actor=_user(request), service=service, household=household, person=person,
        reason=d.reason, urgent=d.urgent, due_on=d.due_on, request_id=d.request_id,
    )  # fmt: skip
    return Status(200 if result.replayed else 201,
                  {"replayed": result.replayed, "referral": result.referral})  # fmt: skip


@router.get(
    "/inbox",
    response=list[ReferralOut],
    summary="Referrals your organisations received (open ones unless a status is named)",
)
@paginate(PageNumberPagination, page_size=50)
def inbox(request: HttpRequest, status: str = "") -> Any:
    status = status if status in RStatus.values else ""
    return selectors.inbox(user=request.user, status=status, open_only=not status)


@router.get("/sent", response=list[ReferralOut], summary="Referrals you sent")
@paginate(PageNumberPagination, page_size=50)
def sent(request: HttpRequest, status: str = "") -> Any:
    return selectors.sent(user=request.user, status=status if status in RStatus.values else "")


def _detail(request: HttpRequest, referral: Referral) -> Referral:
    fields = selectors.snapshot(user=request.user, referral=referral)
    referral.shared = [{"label": k, "value": v} for k, v in fields]  # type: ignore[attr-defined]
    return referral


@router.get(
    "/referrals/{uuid}",
    response={200: ReferralDetailOut, 404: ErrorOut},
    summary="A referral with the fields shared with the service (read audited)",
)
def referral(request: HttpRequest, uuid: UUID) -> Any:
    return _detail(request, selectors.get_referral_for_user(user=request.user, uuid=uuid))


@router.post(
    "/referrals/{uuid}/status", response={200: ReferralWriteOut, **WRITE_ANSWERS},
    summary="Move a referral on (the same status again changes nothing)",
    openapi_extra=body_schema(StatusIn),
)  # fmt: skip
@answers
def referral_status(request: HttpRequest, uuid: UUID) -> Status[object]:
    require_scope(request, ApiToken.Scope.WRITE)
    found = selectors.get_referral_for_user(user=request.user, uuid=uuid)
    d = parse_body(request, StatusIn)
    result = services.referral_set_status(
        actor=_user(request), referral=found, status=d.status, note=d.note, reason=d.reason
    )
    return Status(200, {"replayed": result.replayed, "referral": result.referral})
