# No `from __future__ import annotations`: django-ninja reads the annotations at run time.
"""Regularization API: the schemes and their steps, free appointment slots, an enrolment,
booking and cancelling an appointment, advancing an enrolment, and the waiting counts.

Reads go through `regularization.selectors` (the policy door), writes through the services.
An enrolment or appointment the caller may not see is 404, like one that does not exist;
routes that take a body find it before reading the body. Every write carries a `request_id`
made by the client: the same id with the same content answers 200 and changes nothing (a
booking made the first time answers 201); with different content 409 `request_id_reused`.
A refusal is 409 with a machine-readable `code` (`slot_full`, `already_booked`,
`slot_past`, `step_passed`, `enrolment_closed`, `not_booked`, `step_not_skippable`,
`cannot_record_document` …) and a translated `detail`; an invalid body is 422.
"""

from collections.abc import Callable
from datetime import date, datetime
from typing import Any, TypeVar, cast
from uuid import UUID

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import F
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Field, Router, Schema, Status
from ninja.pagination import paginate

from caminantes.accounts import policies
from caminantes.accounts.api_auth import require_scope
from caminantes.accounts.models import ApiToken, User
from caminantes.assistance.api import WRITE_ANSWERS, answers
from caminantes.assistance.regularization import selectors, services, services_appointments
from caminantes.assistance.regularization.models import Appointment, Enrolment, Slot, Step
from caminantes.lib.api import body_schema, parse_body
from caminantes.lib.pagination import PageNumberPagination
from caminantes.registry.inputs import DocumentInput

router = Router(tags=["regularization"])

V = TypeVar("V", bound=Callable[..., Any])


# --- answers --------------------------------------------------------------------------


class StepOut(Schema):
    uuid: UUID
    position: int
    name: str
    needs_appointment: bool
    document_type: str
    may_skip: bool


class SchemeOut(Schema):
    uuid: UUID
    country: str
    code: str
    name: str
    description: str
    is_active: bool
    steps: list[StepOut]

    @staticmethod
    def resolve_country(obj: Any) -> str:
        return str(obj.country.iso2)

    @staticmethod
    def resolve_steps(obj: Any) -> list[Step]:
        return list(obj.steps.all())


class SlotOut(Schema):
    uuid: UUID
    office: UUID
    office_name: str
    step: UUID
    starts_at: datetime
    capacity: int
    booked: int
    free: int

    @staticmethod
    def resolve_office(obj: Slot) -> UUID:
        return obj.office.uuid

    @staticmethod
    def resolve_office_name(obj: Slot) -> str:
        return obj.office.name

    @staticmethod
    def resolve_step(obj: Slot) -> UUID:
        return obj.step.uuid


class AppointmentOut(Schema):
    uuid: UUID
    enrolment: UUID
    person: UUID
    slot: UUID
    step: UUID
    starts_at: datetime
    status: str
    booked_at: datetime
    closed_at: datetime | None

    @staticmethod
    def resolve_enrolment(obj: Appointment) -> UUID:
        return obj.enrolment.uuid

    @staticmethod
    def resolve_person(obj: Appointment) -> UUID:
        return obj.person.uuid

    @staticmethod
    def resolve_slot(obj: Appointment) -> UUID:
        return obj.slot.uuid

    @staticmethod
    def resolve_step(obj: Appointment) -> UUID:
        return obj.step.uuid

    @staticmethod
    def resolve_starts_at(obj: Appointment) -> datetime:
        return obj.slot.starts_at


class EnrolmentOut(Schema):
    uuid: UUID
    scheme: UUID
    person: UUID
    status: str
    step: StepOut
    step_since: datetime
    started_at: datetime
    closed_at: datetime | None
    appointments: list[AppointmentOut]

    @staticmethod
    def resolve_scheme(obj: Enrolment) -> UUID:
        return obj.scheme.uuid

    @staticmethod
    def resolve_person(obj: Enrolment) -> UUID:
        return obj.person.uuid

    @staticmethod
    def resolve_appointments(obj: Enrolment) -> list[Appointment]:
        return list(selectors.appointments_of(obj).select_related("person", "enrolment"))


class EnrolmentWriteOut(Schema):
    replayed: bool = Field(description="True when this request id was already recorded.")
    enrolment: EnrolmentOut


class AppointmentWriteOut(Schema):
    replayed: bool = Field(description="True when this request id was already recorded.")
    appointment: AppointmentOut


class WaitingOut(Schema):
    country: str
    scheme: UUID
    step: UUID
    position: int
    step_name: str
    waiting: int
    with_appointment: int
    waiting_since: datetime | None


# --- bodies ---------------------------------------------------------------------------


class WriteIn(Schema):
    request_id: UUID = Field(description="Made by the client; the same id is recorded once.")


class BookIn(WriteIn):
    slot: UUID


class CancelIn(WriteIn):
    reason: str = ""


class DocumentIn(Schema):
    number: str
    issued_on: date | None = None
    expires_on: date | None = None


class AdvanceIn(WriteIn):
    to_step: UUID | None = Field(
        None, description="Default: the next step. A later one only over steps that may be skipped."
    )
    document: DocumentIn | None = Field(
        None, description="Required when the current step produces a document."
    )


# --- helpers --------------------------------------------------------------------------


def _user(request: HttpRequest) -> User:
    return cast(User, request.user)


def _write(summary: str, path: str, body: type[Schema], out: type[Schema]) -> Callable[[V], V]:
    return router.post(
        path,
        response={200: out, 201: out, **WRITE_ANSWERS},
        summary=summary,
        openapi_extra=body_schema(body),
    )


def _enrolment(request: HttpRequest, uuid: UUID) -> Enrolment:
    return selectors.get_enrolment_for_user(user=request.user, uuid=uuid)


# --- routes ---------------------------------------------------------------------------


@router.get(
    "/schemes",
    response=list[SchemeOut],
    summary="The schemes of the countries you work in, with their steps",
)
def schemes(request: HttpRequest) -> Any:
    return list(selectors.schemes_for_user(user=request.user))


@router.get(
    "/slots",
    response=list[SlotOut],
    summary="Free appointment slots ahead at your offices (filter by office, step, day)",
)
@paginate(PageNumberPagination, page_size=100)
def slots(
    request: HttpRequest,
    office: UUID | None = None,
    step: UUID | None = None,
    day: date | None = None,
) -> Any:
    found = policies.visible(request.user, Slot).filter(
        starts_at__gt=timezone.now(), booked__lt=F("capacity"), office__is_active=True
    )
    if office is not None:
        found = found.filter(office__uuid=office)
    if step is not None:
        found = found.filter(step__uuid=step)
    if day is not None:
        if abs((day - timezone.localdate()).days) > 800:
            return found.none()
        start, end = selectors.day_bounds(day)
        found = found.filter(starts_at__gte=start, starts_at__lt=end)
    return found.select_related("office", "step").order_by("starts_at", "pk")


@router.get(
    "/enrolments/{uuid}",
    response=EnrolmentOut,
    summary="A person's enrolment: current step, status, appointments",
)
def enrolment(request: HttpRequest, uuid: UUID) -> Any:
    return _enrolment(request, uuid)


@_write(
    "Book an appointment for the enrolment's person (a full slot is 409 slot_full)",
    "/enrolments/{uuid}/appointments",
    BookIn,
    AppointmentWriteOut,
)
@answers
def book(request: HttpRequest, uuid: UUID) -> Status[object]:
    require_scope(request, ApiToken.Scope.WRITE)
    found = _enrolment(request, uuid)
    d = parse_body(request, BookIn)
    slot = policies.visible(request.user, Slot).filter(uuid=d.slot).first()
    if slot is None:
        raise DjangoValidationError({"slot": [_("No slot with this id here.")]})
    written = services_appointments.appointment_book(
        actor=_user(request), enrolment=found, slot=slot, request_id=d.request_id
    )
    return Status(
        200 if written.replayed else 201,
        {"replayed": written.replayed, "appointment": written.appointment},
    )


@_write(
    "Cancel a booked appointment: its place is free again",
    "/appointments/{uuid}/cancel",
    CancelIn,
    AppointmentWriteOut,
)
@answers
def cancel(request: HttpRequest, uuid: UUID) -> Status[object]:
    require_scope(request, ApiToken.Scope.WRITE)
    found = selectors.get_appointment_for_user(user=request.user, uuid=uuid)
    d = parse_body(request, CancelIn)
    written = services_appointments.appointment_cancel(
        actor=_user(request), appointment=found, reason=d.reason, request_id=d.request_id
    )
    return Status(200, {"replayed": written.replayed, "appointment": written.appointment})


@_write(
    "Complete the current step and move on (the last one ends the enrolment)",
    "/enrolments/{uuid}/advance",
    AdvanceIn,
    EnrolmentWriteOut,
)
@answers
def advance(request: HttpRequest, uuid: UUID) -> Status[object]:
    require_scope(request, ApiToken.Scope.WRITE)
    found = _enrolment(request, uuid)
    d = parse_body(request, AdvanceIn)
    to_step = None
    if d.to_step is not None:
        to_step = found.scheme.steps.filter(uuid=d.to_step).first()
        if to_step is None:
            raise DjangoValidationError({"to_step": [_("No step with this id in this scheme.")]})
    document = None
    if d.document is not None:
        document = DocumentInput(
            type=found.step.document_type or "other",
            number=d.document.number,
            issued_on=d.document.issued_on,
            expires_on=d.document.expires_on,
        )
    written = services.enrolment_advance(
        actor=_user(request),
        enrolment=found,
        to_step=to_step,
        document=document,
        request_id=d.request_id,
    )
    return Status(200, {"replayed": written.replayed, "enrolment": written.enrolment})


@router.get(
    "/waiting",
    response=list[WaitingOut],
    summary="People waiting at each step of each scheme (counts only)",
)
def waiting(request: HttpRequest) -> Any:
    return [
        {
            "country": r.scheme.country.iso2,
            "scheme": r.scheme.uuid,
            "step": r.step.uuid,
            "position": r.step.position,
            "step_name": r.step.name,
            "waiting": r.waiting,
            "with_appointment": r.booked,
            "waiting_since": r.oldest,
        }
        for r in selectors.waiting_counts(user=request.user)
    ]
