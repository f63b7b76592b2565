"""Transport demo: FFS's bus Cúcuta -> Bogotá (stopping in Bucaramanga) run by the demo's
distribution officer. Tomorrow's trip has a manifest partly checked and boarded; this
morning's trip has arrived, so its passengers show as people transported (service
deliveries on their households' timelines). All through the services; idempotent: an
existing demo route is left as is.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import time, timedelta
from typing import Any

from django.db import transaction
from django.utils import timezone

from caminantes.accounts.models import Organization, User
from caminantes.assistance.transport import selectors, services
from caminantes.assistance.transport.models import Seat, Trip, TripStatus
from caminantes.geo.models import Country, Place
from caminantes.registry import consent
from caminantes.registry.models import Household

OFFICER = "distribucion.co@demo.caminantes.org"
ROUTE = "Cúcuta - Bogotá"


def _place(co: Country, name: str) -> Place | None:
    return selectors.place_named(country_id=co.pk, name=name)


def _households(org: Organization, co: Country, count: int) -> list[Household]:
    """The first families of FFS in Colombia whose members all consented (deterministic)."""
    found = []
    for hh in Household.objects.filter(
        organization=org, country=co, anonymised_at__isnull=True
    ).order_by("pk")[:200]:
        members = list(hh.members.filter(anonymised_at__isnull=True).order_by("pk"))
        if 1 <= len(members) <= 4 and all(
            consent.allowed(p, consent.Purpose.REGISTRATION) for p in members
        ):
            found.append(hh)
        if len(found) == count:
            break
    return found


def _book(officer: User, trip: Trip, households: list[Household]) -> list[Seat]:
    seats: list[Seat] = []
    for hh in households:
        result = services.booking_create(
            actor=officer,
            trip=trip,
            household=hh,
            people=list(hh.members.filter(anonymised_at__isnull=True).order_by("pk")),
        )
        seats.extend(result.booking.seats.order_by("seat_no"))
    return seats


def load(say: Callable[[str], None], **options: Any) -> None:
    org = Organization.objects.filter(acronym="FFS").first()
    co = Country.objects.filter(iso2="CO").first()
    officer = User.objects.filter(email=OFFICER).first()
    if org is None or co is None or officer is None:
        return
    cucuta, bogota = _place(co, "Cúcuta"), _place(co, "Bogotá")
    if cucuta is None or bogota is None:
        return
    from caminantes.assistance.transport.models import Route

    if Route.objects.filter(organization=org, country=co, name=ROUTE).exists():
        say("Transport: the demo route is already there.")
        return
    families = _households(org, co, 9)
    today = timezone.localdate()
    with transaction.atomic():
        stop = _place(co, "Bucaramanga")
        route = services.route_create(
            actor=officer,
            organization=org,
            country=co,
            name=ROUTE,
            origin=cucuta,
            destination=bogota,
            stops=[stop] if stop else [],
        )
        # This morning's bus: boarded, left and arrived.
        done = services.trip_create(
            actor=officer,
            route=route,
            departs_on=today,
            departs_at=time(5, 30),
            vehicle="TKR-482 · bus Mercedes 40 puestos",
            seats=40,
            escort="Diego Distribución, Marta Ruiz (enfermera)",
        )
        for seat in _book(officer, done, families[:3]):
            services.seat_check_documents(actor=officer, seat=seat)
            services.seat_board(actor=officer, seat=seat)
        services.trip_set_status(actor=officer, trip=done, status=TripStatus.DEPARTED)
        services.trip_set_status(actor=officer, trip=done, status=TripStatus.ARRIVED)
        # Tomorrow's bus: booked, documents partly checked, the first passengers boarded.
        next_trip = services.trip_create(
            actor=officer,
            route=route,
            departs_on=today + timedelta(days=1),
            departs_at=time(6, 0),
            vehicle="WDS-117 · buseta 19 puestos",
            seats=19,
            escort="Diego Distribución",
        )
        seats = _book(officer, next_trip, families[3:9])
        for i, seat in enumerate(seats):
            if i < len(seats) * 2 // 3:
                services.seat_check_documents(actor=officer, seat=seat)
            if i < len(seats) // 3:
                services.seat_board(actor=officer, seat=seat)
    say(
        f"Transport: route {ROUTE}, a trip arrived this morning and tomorrow's bus partly "
        f"boarded ({len(seats)} passengers); log in as {OFFICER}."
    )
