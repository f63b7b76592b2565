"""Writes to routes, trips and their manifests.

Booking locks the trip row (select_for_update) before it counts the free seats, and the
seat rows are held unique by the database among active seats, per seat number and per
person: two desks booking the last seat never both get it. A booking may carry a request id
made by the client: the same id with the same content answers the first booking and changes
nothing; with other content it is refused (`request_id_reused`).

Each boarded passenger is written as a service delivery (sector `humanitarian_transport`,
indicator `people_transported`) in the same transaction, when they board: that is the
moment the seat is used, and a bus that breaks down on the way still carried them.
"""

from __future__ import annotations

import uuid as uuid_lib
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, time
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from caminantes.accounts import policies
from caminantes.accounts.models import Organization, User
from caminantes.accounts.permissions import Perm
from caminantes.assistance import delivery
from caminantes.assistance.errors import Refused, RequestConflict
from caminantes.assistance.models import Modality
from caminantes.assistance.transport.models import (
    OPEN,
    Booking,
    Route,
    RouteStop,
    Seat,
    Trip,
    TripStatus,
)
from caminantes.audit import actions
from caminantes.audit.log import log
from caminantes.geo.models import Country, Place
from caminantes.lib import idempotency
from caminantes.registry import consent
from caminantes.registry.models import Household, Person

SECTOR = "humanitarian_transport"
INDICATOR = "people_transported"
MAX_SEATS = 500


def may_manage(user: Any, organization_id: int, country_id: int) -> bool:
    return policies.has_perm(
        user, Perm.MANAGE_TRANSPORT, organization_id=organization_id, country_id=country_id
    )


def _require(actor: User, obj: Any, organization_id: int, country_id: int) -> None:
    if not may_manage(actor, organization_id, country_id):
        log(actor, actions.ACCESS_DENIED, obj, "denied", permission=Perm.MANAGE_TRANSPORT.value)
        raise PermissionDenied


def _require_trip(actor: User, trip: Trip) -> None:
    _require(actor, trip, trip.route.organization_id, trip.route.country_id)


# --- routes and trips -----------------------------------------------------------------


def route_create(
    *,
    actor: User,
    organization: Organization,
    country: Country,
    name: str,
    origin: Place,
    destination: Place,
    stops: Sequence[Place] = (),
) -> Route:
    _require(actor, Route, organization.pk, country.pk)
    name = name.strip()
    if not name:
        raise ValidationError({"name": [_("Enter the route's name.")]})
    if origin.pk == destination.pk:
        raise ValidationError({"destination": [_("The destination must differ from the origin.")]})
    if origin.country_id != country.pk:
        raise ValidationError({"origin": [_("Choose a place in the route's country.")]})
    with transaction.atomic():
        if Route.objects.filter(organization=organization, country=country, name=name).exists():
            raise ValidationError({"name": [_("A route of that name already exists here.")]})
        route = Route.objects.create(
            organization=organization,
            country=country,
            name=name,
            origin=origin,
            destination=destination,
        )
        RouteStop.objects.bulk_create(
            RouteStop(route=route, position=i, place=p) for i, p in enumerate(stops, start=1)
        )
        log(actor, actions.CREATE, route, organization=organization, stops=len(stops))
    return route


def trip_create(
    *,
    actor: User,
    route: Route,
    departs_on: date,
    departs_at: time,
    vehicle: str,
    seats: int,
    escort: str = "",
) -> Trip:
    _require(actor, route, route.organization_id, route.country_id)
    vehicle = vehicle.strip()
    if not vehicle:
        raise ValidationError({"vehicle": [_("Enter the vehicle's plate and description.")]})
    if not 1 <= seats <= MAX_SEATS:
        raise ValidationError({"seats": [_("Enter between 1 and 500 seats.")]})
    if departs_on < timezone.localdate():
        raise ValidationError({"departs_on": [_("A new trip cannot leave in the past.")]})
    if not route.is_active:
        raise ValidationError({"route": [_("This route is no longer in use.")]})
    with transaction.atomic():
        trip = Trip.objects.create(
            route=route,
            departs_on=departs_on,
            departs_at=departs_at,
            vehicle=vehicle,
            seats=seats,
            escort=escort.strip(),
            created_by=actor,
        )
        log(actor, actions.CREATE, trip, organization=route.organization, seats=seats)
    return trip


ALLOWED_FROM: dict[str, tuple[str, ...]] = {
    TripStatus.BOARDING: (TripStatus.PLANNED,),
    TripStatus.DEPARTED: (TripStatus.PLANNED, TripStatus.BOARDING),
    TripStatus.ARRIVED: (TripStatus.DEPARTED,),
    TripStatus.CANCELLED: (TripStatus.PLANNED, TripStatus.BOARDING),
}


def trip_set_status(*, actor: User, trip: Trip, status: str) -> Trip:
    """Move a trip on: planned -> boarding -> departed -> arrived, or cancelled before it
    leaves. At departure, passengers not boarded become no-shows; arrival of the whole trip
    marks every boarded passenger arrived."""
    _require_trip(actor, trip)
    if status not in ALLOWED_FROM:
        raise ValidationError({"status": [_("Choose a valid status.")]})
    with transaction.atomic():
        locked = Trip.objects.select_for_update().get(pk=trip.pk)
        if locked.status == status:
            return locked
        if locked.status not in ALLOWED_FROM[status]:
            raise Refused(
                _("A trip that is %(now)s cannot become %(next)s.")
                % {
                    "now": locked.get_status_display().lower(),
                    "next": TripStatus(status).label.lower(),
                },
                code="trip_status",
            )
        if (
            status == TripStatus.CANCELLED
            and locked.seat_rows.filter(active=True, boarding=Seat.Boarding.BOARDED).exists()
        ):
            raise Refused(
                _("Passengers have boarded: the trip cannot be cancelled."), code="trip_status"
            )
        before = locked.status
        locked.status = status
        locked.save(update_fields=["status"])
        now = timezone.now()
        arrived = missed = 0
        if status == TripStatus.DEPARTED:  # whoever has not boarded by now missed the bus
            missed = locked.seat_rows.filter(active=True, boarding=Seat.Boarding.PENDING).update(
                boarding=Seat.Boarding.NO_SHOW
            )
        if status == TripStatus.ARRIVED:
            arrived = locked.seat_rows.filter(
                active=True, boarding=Seat.Boarding.BOARDED, arrived_at__isnull=True
            ).update(arrived_at=now)
        if status == TripStatus.CANCELLED:
            Booking.objects.filter(trip=locked, status=Booking.Status.ACTIVE).update(
                status=Booking.Status.CANCELLED, cancelled_at=now
            )
            locked.seat_rows.filter(active=True).update(active=False)
        log(
            actor,
            actions.UPDATE,
            locked,
            organization=locked.route.organization,
            status_from=before,
            status_to=status,
            arrived=arrived,
            no_shows=missed,
        )
    return locked


# --- bookings -------------------------------------------------------------------------


def _booking_reused() -> RequestConflict:
    return RequestConflict(
        _("This request id was already used for a different booking. Send a new id.")
    )


@dataclass
class BookingResult:
    booking: Booking
    replayed: bool = False


def _earlier(request_id: uuid_lib.UUID | None, sha: str) -> BookingResult | None:
    found = idempotency.earlier(Booking, request_id, sha, conflict=_booking_reused,
                                id_field="request_id", digest_field="request_sha256")  # fmt: skip
    return None if found is None else BookingResult(booking=found, replayed=True)


def _check_passengers(trip: Trip, household: Household, people: Sequence[Person]) -> None:
    if not people:
        raise ValidationError({"people": [_("Choose at least one person travelling.")]})
    if len({p.pk for p in people}) != len(people):
        raise ValidationError({"people": [_("Each person travels on one seat only.")]})
    if any(p.household_id != household.pk or p.anonymised_at is not None for p in people):
        raise ValidationError({"people": [_("Everyone travelling must belong to the household.")]})
    if household.organization_id != trip.route.organization_id or (
        household.country_id != trip.route.country_id
    ):
        raise PermissionDenied
    without = [p for p in people if not consent.allowed(p, consent.Purpose.REGISTRATION)]
    if without:
        raise Refused(
            _("No valid consent for %(names)s: record the household's consent first.")
            % {"names": ", ".join(p.full_name for p in without)},
            code="no_consent",
        )


def choose_seats(trip: Trip, wanted: Sequence[int] | None, count: int) -> list[int]:
    taken = set(trip.seat_rows.filter(active=True).values_list("seat_no", flat=True))
    free = [n for n in range(1, trip.seats + 1) if n not in taken]
    if len(free) < count:
        raise Refused(
            _("Not enough seats: %(free)s left on this trip.") % {"free": len(free)},
            code="trip_full",
        )
    if not wanted:
        return free[:count]
    if len(wanted) != count or len(set(wanted)) != count:
        raise ValidationError({"seats": [_("Give one different seat number per person.")]})
    if any(not 1 <= n <= trip.seats for n in wanted):
        raise ValidationError(
            {"seats": [_("Seats are numbered 1 to %(seats)s.") % {"seats": trip.seats}]}
        )
    clash = sorted(set(wanted) & taken)
    if clash:
        raise Refused(_("Seat %(seat)s is already taken.") % {"seat": clash[0]}, code="seat_taken")
    return list(wanted)


def booking_create(
    *,
    actor: User,
    trip: Trip,
    household: Household,
    people: Sequence[Person],
    seat_numbers: Sequence[int] | None = None,
    request_id: uuid_lib.UUID | None = None,
) -> BookingResult:
    """Book seats on a trip for members of a household (see the module docstring)."""
    _require_trip(actor, trip)
    sha = idempotency.content_digest(
        {
            "trip": trip.uuid,
            "household": household.uuid,
            "people": sorted(str(p.uuid) for p in people),
            "seats": list(seat_numbers or []),
        }
    )
    earlier = _earlier(request_id, sha)
    if earlier is not None:
        return earlier
    try:
        with transaction.atomic():
            locked = Trip.objects.select_for_update().select_related("route").get(pk=trip.pk)
            earlier = _earlier(request_id, sha)  # a re-send that waited for our lock
            if earlier is not None:
                return earlier
            if locked.status not in OPEN:
                raise Refused(_("This trip takes no more bookings."), code="trip_closed")
            _check_passengers(locked, household, people)
            on_board = set(
                locked.seat_rows.filter(active=True, person__in=people).values_list(
                    "person_id", flat=True
                )
            )
            if (
                on_board
                or Booking.objects.filter(
                    trip=locked, household=household, status=Booking.Status.ACTIVE
                ).exists()
            ):
                raise Refused(
                    _("This household is already booked on this trip."), code="already_booked"
                )
            numbers = choose_seats(locked, seat_numbers, len(people))
            booking = Booking.objects.create(
                trip=locked,
                household=household,
                request_id=request_id,
                request_sha256=sha if request_id else "",
                booked_by=actor,
            )
            Seat.objects.bulk_create(
                Seat(booking=booking, trip=locked, person=p, seat_no=n)
                for p, n in zip(people, numbers, strict=True)
            )
            log(
                actor,
                actions.CREATE,
                booking,
                organization=locked.route.organization,
                seats=len(people),
            )
    except IntegrityError:
        # Only a backend without row locks gets here: a simultaneous request took the seat,
        # or the same request id was stored by a simultaneous re-send.
        earlier = _earlier(request_id, sha)
        if earlier is not None:
            return earlier
        raise Refused(_("That seat was just taken. Try again."), code="seat_taken") from None
    return BookingResult(booking=booking)


def booking_cancel(*, actor: User, booking: Booking) -> Booking:
    """Cancel a booking before departure: its seats are free again."""
    _require_trip(actor, booking.trip)
    with transaction.atomic():
        trip = Trip.objects.select_for_update().get(pk=booking.trip_id)
        locked = Booking.objects.select_for_update().get(pk=booking.pk)
        if locked.status == Booking.Status.CANCELLED:
            return locked
        if trip.status not in OPEN:
            raise Refused(
                _("The trip has left: the booking can no longer be cancelled."), code="trip_closed"
            )
        if locked.seats.filter(boarding=Seat.Boarding.BOARDED).exists():
            raise Refused(_("A passenger of this booking has boarded."), code="already_boarded")
        locked.status = Booking.Status.CANCELLED
        locked.cancelled_at = timezone.now()
        locked.save(update_fields=["status", "cancelled_at"])
        freed = locked.seats.filter(active=True).update(active=False)
        log(
            actor,
            actions.UPDATE,
            locked,
            organization=trip.route.organization,
            status_to="cancelled",
            seats_freed=freed,
        )
    return locked


# --- documents, boarding, arrival -----------------------------------------------------


def _locked_seat(seat: Seat) -> tuple[Trip, Seat]:
    trip = Trip.objects.select_for_update().select_related("route").get(pk=seat.trip_id)
    locked = Seat.objects.select_for_update().select_related("person").get(pk=seat.pk)
    if not locked.active:
        raise Refused(_("This booking was cancelled."), code="booking_cancelled")
    return trip, locked


def seat_check_documents(*, actor: User, seat: Seat, checked: bool = True) -> Seat:
    """The officer saw the passenger's documents (or takes the mark back before boarding)."""
    _require_trip(actor, seat.trip)
    with transaction.atomic():
        trip, locked = _locked_seat(seat)
        if locked.boarding == Seat.Boarding.BOARDED:
            raise Refused(_("The passenger has boarded already."), code="already_boarded")
        if checked:
            locked.documents_checked_at = locked.documents_checked_at or timezone.now()
            locked.documents_checked_by = locked.documents_checked_by or actor
        else:
            locked.documents_checked_at = None
            locked.documents_checked_by = None
        locked.save(update_fields=["documents_checked_at", "documents_checked_by"])
        log(
            actor,
            actions.UPDATE,
            locked,
            organization=trip.route.organization,
            documents_checked=checked,
        )
    return locked


def seat_board(*, actor: User, seat: Seat, boarded: bool = True) -> Seat:
    """Mark a passenger boarded (written as a service delivery) or a no-show. A boarded
    passenger stays boarded; a no-show may still board while the trip has not left."""
    _require_trip(actor, seat.trip)
    with transaction.atomic():
        trip, locked = _locked_seat(seat)
        if trip.status not in OPEN:
            raise Refused(_("The trip has left: boarding is closed."), code="trip_closed")
        if locked.boarding == Seat.Boarding.BOARDED:
            if boarded:
                return locked
            raise Refused(_("The passenger has boarded already."), code="already_boarded")
        now = timezone.now()
        if boarded:
            if locked.documents_checked_at is None:
                raise Refused(
                    _("Check %(name)s's documents before boarding.")
                    % {"name": locked.person.full_name},
                    code="documents_not_checked",
                )
            locked.delivery = delivery.record(
                actor=actor,
                organization=trip.route.organization,
                country=trip.route.country,
                sector=SECTOR,
                indicator=INDICATOR,
                place=trip.route.origin,
                when=now,
                people=[delivery.Reached(person=locked.person)],
                quantity=1,
                modality=Modality.IN_KIND,
                ref=locked,
            )
            locked.boarding = Seat.Boarding.BOARDED
            locked.boarded_at = now
        else:
            locked.boarding = Seat.Boarding.NO_SHOW
            locked.boarded_at = None
        locked.save(update_fields=["boarding", "boarded_at", "delivery"])
        if trip.status == TripStatus.PLANNED:
            Trip.objects.filter(pk=trip.pk).update(status=TripStatus.BOARDING)
        log(
            actor,
            actions.UPDATE,
            locked,
            organization=trip.route.organization,
            boarding=locked.boarding,
        )
    return locked


def seat_arrive(*, actor: User, seat: Seat) -> Seat:
    """Confirm one passenger arrived at the destination (the trip must have left)."""
    _require_trip(actor, seat.trip)
    with transaction.atomic():
        trip, locked = _locked_seat(seat)
        if trip.status not in (TripStatus.DEPARTED, TripStatus.ARRIVED):
            raise Refused(_("The trip has not left yet."), code="trip_not_departed")
        if locked.boarding != Seat.Boarding.BOARDED:
            raise Refused(_("Only a passenger who boarded can arrive."), code="not_boarded")
        if locked.arrived_at is None:
            locked.arrived_at = timezone.now()
            locked.save(update_fields=["arrived_at"])
            log(actor, actions.UPDATE, locked, organization=trip.route.organization, arrived=True)
    return locked
