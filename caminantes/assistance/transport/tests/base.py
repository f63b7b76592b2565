"""The persona world plus transport staff: tito, a shelter officer of IOM in Colombia who runs
the buses from Cúcuta; fede, a distribution officer of FFS in Colombia. A route Cúcuta ->
Bogotá with a stop, a 3-seat trip, and two IOM families: the Pérez (mother and son, both
consented) and the Rojas (one adult, no consent recorded)."""

from __future__ import annotations

from datetime import date, time, timedelta
from decimal import Decimal

from django.utils import timezone

from caminantes.accounts.models import Membership, Organization, User
from caminantes.accounts.permissions import Role
from caminantes.assistance.transport import services
from caminantes.assistance.transport.models import Route, Seat, Trip
from caminantes.geo.models import Country, Place
from caminantes.lib import names
from caminantes.registry.models import Consent, Household, Person
from tests.personas import PASSWORD, PersonaTestCase


def transport_officer(name: str, org: Organization, country: Country, role: str) -> User:
    user = User.objects.create_user(f"{name}@example.org", PASSWORD, full_name=name.title())
    Membership.objects.create(user=user, organization=org, role=role).countries.set([country])
    return user


def town(country: Country, name: str, slug: str, population: int = 1000) -> Place:
    return Place.objects.create(
        kind="town",
        name=name,
        slug=slug,
        country=country,
        latitude=Decimal("7.9"),
        longitude=Decimal("-72.5"),
        population=population,
    )


def family(org: Organization, country: Country, *givens: str, consented: bool = True) -> Household:
    household = Household.objects.create(
        organization=org, country=country, population_type="in_transit"
    )
    for i, given in enumerate(givens):
        surname = "Pérez" if consented else "Rojas"
        full = names.full_name(given, surname)
        person = Person.objects.create(
            household=household,
            relationship="focal_point" if i == 0 else "child",
            given_names=given,
            first_surname=surname,
            sex="F",
            birth_date=date(1990 + i * 20, 3, 1),
            search_name=names.fold(full),
            search_tokens=sorted(names.search_keys(full)),
        )
        if i == 0:
            household.focal_point = person
            household.save()
        if consented:
            Consent.objects.create(person=person, purpose=Consent.Purpose.REGISTRATION)
    return household


class TransportTestCase(PersonaTestCase):
    tito: User
    fede: User
    cucuta: Place
    bogota: Place
    bucaramanga: Place
    route: Route
    trip: Trip
    perez: Household
    rojas: Household

    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        cls.tito = transport_officer("tito", cls.iom, cls.co, Role.SHELTER_OFFICER)
        cls.fede = transport_officer("fede", cls.ffs, cls.co, Role.DISTRIBUTION_OFFICER)
        cls.cucuta = town(cls.co, "Cúcuta", "co-cucuta", 700_000)
        cls.bogota = town(cls.co, "Bogotá", "co-bogota", 7_000_000)
        cls.bucaramanga = town(cls.co, "Bucaramanga", "co-bucaramanga", 500_000)
        cls.route = services.route_create(
            actor=cls.tito,
            organization=cls.iom,
            country=cls.co,
            name="Cúcuta - Bogotá",
            origin=cls.cucuta,
            destination=cls.bogota,
            stops=[cls.bucaramanga],
        )
        cls.trip = services.trip_create(
            actor=cls.tito,
            route=cls.route,
            departs_on=timezone.localdate() + timedelta(days=1),
            departs_at=time(6, 30),
            vehicle="TKR-482 bus",
            seats=3,
            escort="Ana, Luis",
        )
        cls.perez = family(cls.iom, cls.co, "Yolimar", "Kevin")
        cls.rojas = family(cls.iom, cls.co, "Wilmer", consented=False)

    def members(self, household: Household) -> list[Person]:
        return list(household.members.order_by("pk"))

    def book(
        self,
        household: Household,
        people: list[Person] | None = None,
        seat_numbers: list[int] | None = None,
    ) -> list[Seat]:
        result = services.booking_create(
            actor=self.tito,
            trip=self.trip,
            household=household,
            people=people or self.members(household),
            seat_numbers=seat_numbers,
        )
        return list(result.booking.seats.order_by("seat_no"))
