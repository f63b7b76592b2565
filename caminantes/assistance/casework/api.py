# No `from __future__ import annotations`: django-ninja reads the annotations at run time.
"""Casework API: voluntary relocation cases (open, read, move to a stage), health, food and
cash service records, livelihood activities and their outcomes, and the follow-ups due.

Reads go through `casework.selectors` (the policy door), writes through `casework.services`
and `casework.services_records`. A case, household or activity the caller may not see is
404, like one that does not exist; routes that take an id and a body find it before reading
the body. Writes that create something carry a `request_id` made by the client: the same id
with the same content answers 200 with what the first call made and changes nothing; with
different content 409 `request_id_reused`. A refusal is 409 with a machine-readable `code`
(`consent_missing`, `documents_missing`, `health_check_missing`, `stage_not_allowed`,
`case_open`, `outcome_recorded` …) and a translated `detail`; an invalid body is 422.

Cash and vouchers are recorded, not paid: `value`, `currency` (ISO 4217) and `mechanism`
(R4V's list: bank_account, mobile_money, prepaid_card, over_the_counter, cash_in_hand,
cardless_atm, voucher, other) say what was handed over by other means.
"""

from collections.abc import Callable
from datetime import date
from decimal import Decimal
from typing import Any, TypeVar, cast
from uuid import UUID

from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404, HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Field, Router, Schema, Status

from caminantes.accounts import policies
from caminantes.accounts.api_auth import require_scope
from caminantes.accounts.models import ApiToken, User
from caminantes.assistance.api import WRITE_ANSWERS, answers
from caminantes.assistance.casework import selectors, services, services_records
from caminantes.assistance.casework.models import (
    LivelihoodActivity,
    RelocationCase,
    ServiceRecord,
)
from caminantes.lib.api import ErrorOut, body_schema, parse_body
from caminantes.registry.models import Household, Person

router = Router(tags=["casework"])

V = TypeVar("V", bound=Callable[..., Any])


# --- answers --------------------------------------------------------------------------


class CaseOut(Schema):
    uuid: UUID
    household: UUID
    organization: str
    country: str
    modality: str
    stage: str
    destination: UUID
    destination_name: str
    host_name: str
    host_contact: str
    health_check_on: date | None
    trip: UUID | None
    departed_on: date | None
    arrived_on: date | None
    follow_up_30_due: date | None
    follow_up_30_on: date | None
    follow_up_30_outcome: str
    follow_up_90_due: date | None
    follow_up_90_on: date | None
    follow_up_90_outcome: str
    closed_on: date | None
    cancel_reason: str

    @staticmethod
    def resolve_household(obj: RelocationCase) -> UUID:
        return obj.household.uuid

    @staticmethod
    def resolve_organization(obj: RelocationCase) -> str:
        return obj.organization.acronym

    @staticmethod
    def resolve_country(obj: RelocationCase) -> str:
        return obj.country.iso2

    @staticmethod
    def resolve_destination(obj: RelocationCase) -> UUID:
        return obj.destination.uuid

    @staticmethod
    def resolve_destination_name(obj: RelocationCase) -> str:
        return obj.destination.name

    @staticmethod
    def resolve_trip(obj: RelocationCase) -> UUID | None:
        return obj.trip.uuid if obj.trip else None


class CaseWriteOut(Schema):
    replayed: bool = Field(description="True when this request id was already recorded.")
    case: CaseOut


class RecordOut(Schema):
    uuid: UUID
    household: UUID
    person: UUID | None
    kind: str
    served_on: date
    place: UUID | None
    quantity: int
    value: Decimal | None
    currency: str
    mechanism: str
    delivery: UUID

    @staticmethod
    def resolve_household(obj: ServiceRecord) -> UUID:
        return obj.household.uuid

    @staticmethod
    def resolve_person(obj: ServiceRecord) -> UUID | None:
        return obj.person.uuid if obj.person else None

    @staticmethod
    def resolve_place(obj: ServiceRecord) -> UUID | None:
        return obj.place.uuid if obj.place else None

    @staticmethod
    def resolve_delivery(obj: ServiceRecord) -> UUID:
        return obj.delivery.uuid


class RecordWriteOut(Schema):
    replayed: bool
    record: RecordOut


class ActivityOut(Schema):
    uuid: UUID
    household: UUID
    person: UUID
    kind: str
    title: str
    started_on: date
    follow_up_on: date
    value: Decimal | None
    currency: str
    mechanism: str
    outcome: str
    outcome_on: date | None
    months_employed: int | None

    @staticmethod
    def resolve_household(obj: LivelihoodActivity) -> UUID:
        return obj.household.uuid

    @staticmethod
    def resolve_person(obj: LivelihoodActivity) -> UUID:
        return obj.person.uuid


class ActivityWriteOut(Schema):
    replayed: bool
    activity: ActivityOut


class DueOut(Schema):
    kind: str = Field(description="`relocation_30`, `relocation_90` or `livelihood`.")
    due_on: date
    overdue: bool
    household: UUID
    case: UUID | None
    activity: UUID | None


# --- bodies ---------------------------------------------------------------------------


class WriteIn(Schema):
    request_id: UUID = Field(description="Made by the client; the same id is recorded once.")


class CaseIn(WriteIn):
    household: UUID
    modality: str = Field(description="institutional_shelter, family_reunification, "
                                      "social_reunion or job_offer.")  # fmt: skip
    destination: UUID = Field(description="The destination city (a place of geo).")
    host_name: str
    host_contact: str


class StageIn(WriteIn):
    stage: str = Field(description="pre_departure, travel, arrived, follow_up_30, "
                                   "follow_up_90, closed or cancelled.")  # fmt: skip
    on: date | None = Field(None, description="The day it happened; default today.")
    trip: UUID | None = Field(None, description="travel: the humanitarian transport trip.")
    outcome: str = Field("", description="follow_up_30/90: settled, settled_working, "
                                         "moved_on or unreachable.")  # fmt: skip
    reason: str = Field("", description="cancelled: withdrew, not_eligible, host_withdrew, "
                                        "unreachable or other.")  # fmt: skip


class HealthCheckIn(Schema):
    on: date


class RecordIn(WriteIn):
    household: UUID
    person: UUID | None = Field(None, description="Empty: the whole household.")
    kind: str = Field(description="consultation, vaccination, hospital_referral, "
                                  "mhpss_session, hot_meals, food_kit, food_voucher or "
                                  "multipurpose_cash.")  # fmt: skip
    served_on: date
    place: UUID | None = None
    quantity: int = 1
    value: Decimal | None = Field(None, description="Cash and vouchers only; recorded, not "
                                                    "paid.")  # fmt: skip
    currency: str = Field("", description="ISO 4217 (COP, PEN, USD, VES, BRL ...).")
    mechanism: str = ""


class ActivityIn(WriteIn):
    person: UUID
    kind: str = Field(description="training, job_placement, seed_capital or certification.")
    title: str
    started_on: date
    follow_up_on: date | None = Field(None, description="Default: 90 days after the start.")
    value: Decimal | None = Field(None, description="Seed capital only.")
    currency: str = ""
    mechanism: str = ""


class OutcomeIn(Schema):
    outcome: str
    on: date | None = None
    months_employed: int | None = None


# --- helpers --------------------------------------------------------------------------


def _user(request: HttpRequest) -> User:
    return cast(User, request.user)


def _write(summary: str, path: str, body: type[Schema], out: type[Schema]) -> Callable[[V], V]:
    return router.post(
        path, response={200: out, 201: out, **WRITE_ANSWERS}, summary=summary,
        openapi_extra=body_schema(body),
    )  # fmt: skip


def _household(request: HttpRequest, uuid: UUID) -> Household:
    try:
        return selectors.household_for_casework(user=request.user, uuid=uuid)
    except Http404 as exc:  # named in the body: an invalid field
        raise DjangoValidationError({"household": [_("No household with this id.")]}) from exc


def _member(household: Household, uuid: UUID | None, field: str) -> Person | None:
    if uuid is None:
        return None
    found = selectors.members(household).filter(uuid=uuid).first()
    if found is None:
        raise DjangoValidationError({field: [_("Not a member of this household.")]})
    return found


def _place(household: Household, uuid: UUID | None, field: str) -> Any:
    if uuid is None:
        return None
    place = selectors.place_in(country_id=household.country_id, uuid=uuid)
    if place is None:
        raise DjangoValidationError({field: [_("No place with this id in the country.")]})
    return place


# --- routes ---------------------------------------------------------------------------


@_write("Open a voluntary relocation case for a household", "/relocations", CaseIn,
        CaseWriteOut)  # fmt: skip
@answers
def relocation_open(request: HttpRequest) -> Status[object]:
    require_scope(request, ApiToken.Scope.WRITE)
    d = parse_body(request, CaseIn)
    household = _household(request, d.household)
    destination = _place(household, d.destination, "destination")
    written = services.relocation_open(
        actor=_user(request), household=household, modality=d.modality,
        destination=destination, host_name=d.host_name, host_contact=d.host_contact,
        request_id=d.request_id,
    )  # fmt: skip
    return Status(200 if written.replayed else 201,
                  {"replayed": written.replayed, "case": written.case})  # fmt: skip


@router.get("/relocations/{uuid}", response=CaseOut, summary="A relocation case")
def relocation(request: HttpRequest, uuid: UUID) -> Any:
    return selectors.get_case_for_user(user=request.user, uuid=uuid)


@_write("Move a relocation case to its next stage (travel needs consent and documents)",
        "/relocations/{uuid}/stage", StageIn, CaseWriteOut)  # fmt: skip
@answers
def relocation_stage(request: HttpRequest, uuid: UUID) -> Status[object]:
    require_scope(request, ApiToken.Scope.WRITE)
    case = selectors.get_case_for_user(user=request.user, uuid=uuid)
    d = parse_body(request, StageIn)
    trip = None
    if d.trip is not None:
        trips = selectors.trips_for_case(user=request.user, case=case, today=timezone.localdate())
        trip = trips.filter(uuid=d.trip).first()
        if trip is None:
            raise DjangoValidationError({"trip": [_("No open trip with this id.")]})
    written = services.relocation_advance(
        actor=_user(request), case=case, stage=d.stage, on=d.on, trip=trip, outcome=d.outcome,
        reason=d.reason, request_id=d.request_id,
    )  # fmt: skip
    return Status(200, {"replayed": written.replayed, "case": written.case})


@router.post(
    "/relocations/{uuid}/health-check", response={200: CaseOut, **WRITE_ANSWERS},
    summary="The household's health check before departure was done",
    openapi_extra=body_schema(HealthCheckIn),
)  # fmt: skip
@answers
def relocation_health_check(request: HttpRequest, uuid: UUID) -> Status[object]:
    require_scope(request, ApiToken.Scope.WRITE)
    case = selectors.get_case_for_user(user=request.user, uuid=uuid)
    d = parse_body(request, HealthCheckIn)
    return Status(200, services.relocation_health_check(actor=_user(request), case=case,
                                                         on=d.on))  # fmt: skip


@_write("Record a health, food or cash service (cash is recorded, not paid)", "/records",
        RecordIn, RecordWriteOut)  # fmt: skip
@answers
def record(request: HttpRequest) -> Status[object]:
    require_scope(request, ApiToken.Scope.WRITE)
    d = parse_body(request, RecordIn)
    household = _household(request, d.household)
    written = services_records.service_record(
        actor=_user(request), household=household, kind=d.kind, served_on=d.served_on,
        quantity=d.quantity, person=_member(household, d.person, "person"),
        place=_place(household, d.place, "place"), value=d.value, currency=d.currency,
        mechanism=d.mechanism, request_id=d.request_id,
    )  # fmt: skip
    return Status(200 if written.replayed else 201,
                  {"replayed": written.replayed, "record": written.record})  # fmt: skip


@_write("Enrol a person in a training, job placement, seed capital or certification",
        "/livelihoods", ActivityIn, ActivityWriteOut)  # fmt: skip
@answers
def livelihood_enrol(request: HttpRequest) -> Status[object]:
    require_scope(request, ApiToken.Scope.WRITE)
    d = parse_body(request, ActivityIn)
    person = selectors.people_for_casework(user=request.user).filter(uuid=d.person).first()
    if person is None:
        raise DjangoValidationError({"person": [_("No person with this id.")]})
    written = services_records.livelihood_enrol(
        actor=_user(request), person=person, kind=d.kind, title=d.title,
        started_on=d.started_on, follow_up_on=d.follow_up_on, value=d.value,
        currency=d.currency, mechanism=d.mechanism, request_id=d.request_id,
    )  # fmt: skip
    return Status(200 if written.replayed else 201,
                  {"replayed": written.replayed, "activity": written.activity})  # fmt: skip


@router.get("/livelihoods/{uuid}", response=ActivityOut, summary="A livelihood activity")
def livelihood(request: HttpRequest, uuid: UUID) -> Any:
    return selectors.get_activity_for_user(user=request.user, uuid=uuid)


@router.post(
    "/livelihoods/{uuid}/outcome", response={200: ActivityOut, **WRITE_ANSWERS},
    summary="What came of the activity at follow-up (once; again is 409 outcome_recorded)",
    openapi_extra=body_schema(OutcomeIn),
)  # fmt: skip
@answers
def livelihood_outcome(request: HttpRequest, uuid: UUID) -> Status[object]:
    require_scope(request, ApiToken.Scope.WRITE)
    activity = selectors.get_activity_for_user(user=request.user, uuid=uuid)
    d = parse_body(request, OutcomeIn)
    return Status(200, services_records.livelihood_follow_up(
        actor=_user(request), activity=activity, outcome=d.outcome, on=d.on,
        months_employed=d.months_employed,
    ))  # fmt: skip


@router.get(
    "/follow-ups", response={200: list[DueOut], 403: ErrorOut},
    summary="Relocation visits and livelihood outcomes due within a week, or overdue",
)  # fmt: skip
def follow_ups(request: HttpRequest) -> Any:
    today = timezone.localdate()
    items = selectors.due_follow_ups(user=request.user, today=today)
    policies.record_reads(request.user, Household, [d.household for d in items])
    return [{
        "kind": d.kind, "due_on": d.due_on, "overdue": d.is_overdue(today),
        "household": d.household.uuid, "case": d.case.uuid if d.case else None,
        "activity": d.activity.uuid if d.activity else None,
    } for d in items]  # fmt: skip
