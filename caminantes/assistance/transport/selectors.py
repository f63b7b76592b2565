"""Reads of routes, trips and manifests, always through the access policy."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Q, QuerySet

from caminantes.accounts import policies
from caminantes.assistance.transport.models import Booking, Route, Seat, Trip
from caminantes.geo.models import Place
from caminantes.registry import consent
from caminantes.registry import selectors as registry
from caminantes.registry.models import Household, Person


def routes_for_user(*, user: Any) -> QuerySet[Route]:
    return (
        policies.visible(user, Route)
        .select_related("organization", "country", "origin", "destination")
        .prefetch_related("stops__place")
        .order_by("country__iso2", "name")
    )


def get_route_for_user(*, user: Any, uuid: Any) -> Route:
    return policies.get_for_user(user, Route, uuid)


def trips_for_user(*, user: Any) -> QuerySet[Trip]:
    return (
        policies.visible(user, Trip)
        .select_related("route", "route__origin", "route__destination", "route__organization")
        .annotate(booked=Count("seat_rows", filter=Q(seat_rows__active=True)))
        .order_by("-departs_on", "-departs_at")
    )


def get_trip_for_user(*, user: Any, uuid: Any) -> Trip:
    return policies.get_for_user(user, Trip, uuid)


def get_booking_for_user(*, user: Any, uuid: Any) -> Booking:
    return policies.get_for_user(user, Booking, uuid)


def get_seat_for_user(*, user: Any, uuid: Any) -> Seat:
    return policies.get_for_user(user, Seat, uuid)


def manifest(*, user: Any, trip: Trip) -> list[Seat]:
    """The trip's passengers on their seats (active bookings), their reads audited."""
    seats = list(
        Seat.objects.filter(trip=trip, active=True)
        .select_related("person", "person__household", "documents_checked_by", "booking")
        .order_by("seat_no")
    )
    policies.record_reads(user, Seat, seats)
    return seats


def bookings_of(trip: Trip) -> QuerySet[Booking]:
    return Booking.objects.filter(trip=trip).select_related("household").order_by("booked_at")


@dataclass(frozen=True)
class Traveller:
    person: Person
    consented: bool


def household_for_booking(*, user: Any, uuid: Any, trip: Trip) -> Household:
    """A household the user may see, of the trip's organisation and country; 404 otherwise."""
    from django.http import Http404

    household = registry.household_detail(user=user, uuid=uuid)
    if (household.organization_id, household.country_id) != (
        trip.route.organization_id,
        trip.route.country_id,
    ):
        raise Http404
    return household


def travellers(household: Household) -> list[Traveller]:
    return [
        Traveller(person=p, consented=consent.allowed(p, consent.Purpose.REGISTRATION))
        for p in registry.members_of(household).order_by("pk")
    ]


def find_households(*, user: Any, trip: Trip, text: str) -> list[Household]:
    """Households of the trip's organisation and country found by the registry's search."""
    people = registry.search_people(user=user, text=text, limit=20, country=trip.route.country)
    seen: dict[int, Household] = {}
    for p in people:
        if p.household.organization_id == trip.route.organization_id:
            seen.setdefault(p.household_id, p.household)
    found = list(seen.values())
    policies.record_reads(user, Household, found)
    return found


def free_seats(trip: Trip) -> int:
    return trip.seats - trip.seat_rows.filter(active=True).count()


def place_named(*, country_id: int, name: str) -> Place | None:
    """The place of this name in the country (the most populous when several share it)."""
    name = name.strip()
    if not name:
        return None
    return (
        Place.objects.filter(country_id=country_id, name__iexact=name)
        .order_by("-population", "pk")
        .first()
    )
