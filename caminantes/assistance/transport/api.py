# No `from __future__ import annotations`: django-ninja reads the annotations at run time.
"""Transport API: routes, trips, manifests, bookings, boarding and arrival.

Reads go through `transport.selectors` (the policy door), writes through
`transport.services`; an object the caller may not see is 404 like a missing one, found
before the body is read. A booking carries a `request_id` made by the client: the same id
with the same content answers 200 with the first booking and changes nothing, different
content 409 `request_id_reused`. Refusals are 409 with a machine-readable `code`:
`trip_full`, `seat_taken`, `no_consent`, `already_booked`, `documents_not_checked`,
`trip_closed`, `trip_status`, `already_boarded`, `not_boarded`, `trip_not_departed`.
"""

from datetime import date, datetime, time
from typing import Any, cast
from uuid import UUID

from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404, HttpRequest
from django.utils.translation import gettext as _
from ninja import Field, Router, Schema, Status
from ninja.pagination import paginate

from caminantes.accounts.api_auth import require_scope
from caminantes.accounts.models import ApiToken, User
from caminantes.assistance.api import WRITE_ANSWERS, answers
from caminantes.assistance.transport import selectors, services
from caminantes.assistance.transport.models import Booking, Route, Seat, Trip, TripStatus
from caminantes.lib.api import body_schema, parse_body
from caminantes.lib.pagination import PageNumberPagination
from caminantes.registry import selectors as registry

router = Router(tags=["transport"])


# --- answers --------------------------------------------------------------------------


class RouteOut(Schema):
    uuid: UUID
    name: str
    organization: str
    country: str
    origin: str
    destination: str
    stops: list[str]
    is_active: bool

    @staticmethod
    def resolve_organization(obj: Route) -> str:
        return obj.organization.acronym

    @staticmethod
    def resolve_country(obj: Route) -> str:
        return obj.country.iso2

    @staticmethod
    def resolve_origin(obj: Route) -> str:
        return obj.origin.name

    @staticmethod
    def resolve_destination(obj: Route) -> str:
        return obj.destination.name

    @staticmethod
    def resolve_stops(obj: Route) -> list[str]:
        return [s.place.name for s in obj.stops.all()]


class TripOut(Schema):
    uuid: UUID
    route: UUID
    route_name: str
    departs_on: date
    departs_at: time
    vehicle: str
    seats: int
    escort: str
    status: str
    booked: int

    @staticmethod
    def resolve_route(obj: Trip) -> UUID:
        return obj.route.uuid

    @staticmethod
    def resolve_route_name(obj: Trip) -> str:
        return obj.route.name

    @staticmethod
    def resolve_booked(obj: Trip) -> int:
        booked = getattr(obj, "booked", None)
        return booked if booked is not None else obj.seat_rows.filter(active=True).count()


class SeatOut(Schema):
    uuid: UUID
    seat_no: int
    person: UUID
    name: str
    household: UUID
    booking: UUID
    documents_checked_at: datetime | None
    boarding: str = Field(description="`pending`, `boarded` or `no_show`.")
    boarded_at: datetime | None
    arrived_at: datetime | None

    @staticmethod
    def resolve_person(obj: Seat) -> UUID:
        return obj.person.uuid

    @staticmethod
    def resolve_name(obj: Seat) -> str:
        return obj.person.full_name

    @staticmethod
    def resolve_household(obj: Seat) -> UUID:
        return obj.person.household.uuid

    @staticmethod
    def resolve_booking(obj: Seat) -> UUID:
        return obj.booking.uuid


class BookingOut(Schema):
    uuid: UUID
    trip: UUID
    household: UUID
    status: str
    replayed: bool = Field(False, description="True when this request id was already recorded.")
    seats: list[SeatOut]


# --- bodies ---------------------------------------------------------------------------


class BookingIn(Schema):
    request_id: UUID = Field(description="Made by the client; the same id is recorded once.")
    household: UUID
    people: list[UUID] = Field(description="The members travelling, each on one seat.")
    seats: list[int] = Field([], description="Seat numbers, one per person; empty: the first free.")


class DocumentsIn(Schema):
    checked: bool = True


class BoardingIn(Schema):
    boarded: bool = Field(True, description="False marks a no-show.")


class StatusIn(Schema):
    status: TripStatus


# --- helpers --------------------------------------------------------------------------


def _user(request: HttpRequest) -> User:
    return cast(User, request.user)


def _booking(booking: Booking, replayed: bool = False) -> dict[str, Any]:
    seats = list(booking.seats.select_related("person", "person__household", "booking"))
    return {
        "uuid": booking.uuid,
        "trip": booking.trip.uuid,
        "household": booking.household.uuid,
        "status": booking.status,
        "replayed": replayed,
        "seats": seats,
    }


def _seat(request: HttpRequest, uuid: UUID) -> Seat:
    return selectors.get_seat_for_user(user=request.user, uuid=uuid)


def _trip(request: HttpRequest, uuid: UUID) -> Trip:
    return selectors.get_trip_for_user(user=request.user, uuid=uuid)


# --- reads ----------------------------------------------------------------------------


@router.get("/routes", response=list[RouteOut], summary="Routes you may see")
@paginate(PageNumberPagination, page_size=50)
def routes(request: HttpRequest) -> Any:
    return selectors.routes_for_user(user=request.user)


@router.get("/trips", response=list[TripOut], summary="Trips, the latest first")
@paginate(PageNumberPagination, page_size=50)
def trips(request: HttpRequest) -> Any:
    return selectors.trips_for_user(user=request.user)


@router.get("/trips/{uuid}", response=TripOut, summary="A trip")
def trip(request: HttpRequest, uuid: UUID) -> Any:
    return _trip(request, uuid)


@router.get("/trips/{uuid}/manifest", response=list[SeatOut], summary="A trip's passengers")
def manifest(request: HttpRequest, uuid: UUID) -> Any:
    return selectors.manifest(user=request.user, trip=_trip(request, uuid))


# --- writes ---------------------------------------------------------------------------


@router.post(
    "/trips/{uuid}/bookings",
    response={200: BookingOut, 201: BookingOut, **WRITE_ANSWERS},
    summary="Book seats for members of a household (same request_id again: 200, unchanged)",
    openapi_extra=body_schema(BookingIn),
)
@answers
def booking_create(request: HttpRequest, uuid: UUID) -> Status[object]:
    require_scope(request, ApiToken.Scope.WRITE)
    found = _trip(request, uuid)
    d = parse_body(request, BookingIn)
    try:
        household = selectors.household_for_booking(user=request.user, uuid=d.household, trip=found)
    except Http404:
        raise DjangoValidationError({"household": [_("No household with this id.")]}) from None
    members = {p.uuid: p for p in registry.members_of(household)}
    missing = [str(u) for u in d.people if u not in members]
    if missing:
        raise DjangoValidationError(
            {"people": [_("Everyone travelling must belong to the household.")]}
        )
    result = services.booking_create(
        actor=_user(request),
        trip=found,
        household=household,
        people=[members[u] for u in d.people],
        seat_numbers=d.seats or None,
        request_id=d.request_id,
    )
    return Status(200 if result.replayed else 201, _booking(result.booking, result.replayed))


@router.post(
    "/bookings/{uuid}/cancel",
    response={200: BookingOut, **WRITE_ANSWERS},
    summary="Cancel a booking before departure (its seats are free again)",
)
@answers
def booking_cancel(request: HttpRequest, uuid: UUID) -> Status[object]:
    require_scope(request, ApiToken.Scope.WRITE)
    found = selectors.get_booking_for_user(user=request.user, uuid=uuid)
    return Status(200, _booking(services.booking_cancel(actor=_user(request), booking=found)))


@router.post(
    "/seats/{uuid}/documents",
    response={200: SeatOut, **WRITE_ANSWERS},
    summary="Mark a passenger's documents checked (or not)",
    openapi_extra=body_schema(DocumentsIn),
)
@answers
def seat_documents(request: HttpRequest, uuid: UUID) -> Status[object]:
    require_scope(request, ApiToken.Scope.WRITE)
    seat = _seat(request, uuid)
    d = parse_body(request, DocumentsIn)
    return Status(
        200, services.seat_check_documents(actor=_user(request), seat=seat, checked=d.checked)
    )


@router.post(
    "/seats/{uuid}/boarding",
    response={200: SeatOut, **WRITE_ANSWERS},
    summary="Mark a passenger boarded (a service delivery) or a no-show",
    openapi_extra=body_schema(BoardingIn),
)
@answers
def seat_boarding(request: HttpRequest, uuid: UUID) -> Status[object]:
    require_scope(request, ApiToken.Scope.WRITE)
    seat = _seat(request, uuid)
    d = parse_body(request, BoardingIn)
    return Status(200, services.seat_board(actor=_user(request), seat=seat, boarded=d.boarded))


@router.post(
    "/seats/{uuid}/arrival",
    response={200: SeatOut, **WRITE_ANSWERS},
    summary="Confirm one passenger arrived at the destination",
)
@answers
def seat_arrival(request: HttpRequest, uuid: UUID) -> Status[object]:
    require_scope(request, ApiToken.Scope.WRITE)
    return Status(200, services.seat_arrive(actor=_user(request), seat=_seat(request, uuid)))


@router.post(
    "/trips/{uuid}/status",
    response={200: TripOut, **WRITE_ANSWERS},
    summary="Move a trip on: boarding, departed, arrived (every boarded passenger), cancelled",
    openapi_extra=body_schema(StatusIn),
)
@answers
def trip_status(request: HttpRequest, uuid: UUID) -> Status[object]:
    require_scope(request, ApiToken.Scope.WRITE)
    found = _trip(request, uuid)
    d = parse_body(request, StatusIn)
    return Status(
        200, services.trip_set_status(actor=_user(request), trip=found, status=d.status.value)
    )


@router.post(
    "/trips/{uuid}/arrival",
    response={200: TripOut, **WRITE_ANSWERS},
    summary="Confirm the whole trip arrived: every boarded passenger arrives",
)
@answers
def trip_arrival(request: HttpRequest, uuid: UUID) -> Status[object]:
    require_scope(request, ApiToken.Scope.WRITE)
    return Status(
        200,
        services.trip_set_status(
            actor=_user(request), trip=_trip(request, uuid), status=TripStatus.ARRIVED
        ),
    )
