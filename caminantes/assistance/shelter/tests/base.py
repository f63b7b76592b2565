"""The persona world plus shelter staff: sara, a shelter officer of IOM in Colombia, with a
collective shelter in Cúcuta (a women-only room, a family room with a cot, a general room);
fabi, a shelter officer of FFS in Colombia. The Pérez family (IOM, Colombia): a mother, a
father, a girl of 5 and a baby boy; Luis, a man travelling alone."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from django.utils import timezone

from caminantes.accounts.models import Membership, User
from caminantes.accounts.permissions import Role
from caminantes.assistance.shelter import services
from caminantes.assistance.shelter.models import Bed, BedKind, Room, Site, SiteKind
from caminantes.registry.models import Household, Person
from tests.personas import PASSWORD, PersonaTestCase


def shelter_officer(name: str, org: Any, country: Any) -> User:
    user = User.objects.create_user(f"{name}@example.org", PASSWORD, full_name=name.title())
    Membership.objects.create(user=user, organization=org, role=Role.SHELTER_OFFICER).countries.set(
        [country]
    )
    return user


def born(years: int) -> date:
    return timezone.localdate() - timedelta(days=365 * years + 40)


def household(org: Any, country: Any, people: list[tuple[str, str, int]]) -> Household:
    hh = Household.objects.create(organization=org, country=country, population_type="in_transit")
    for i, (name, sex, age) in enumerate(people):
        p = Person.objects.create(
            household=hh,
            relationship="focal_point" if i == 0 else "child",
            given_names=name,
            first_surname="Pérez",
            sex=sex,
            birth_date=born(age),
            search_name=f"{name} perez".lower(),
        )
        if i == 0:
            hh.focal_point = p
            hh.save()
    return hh


class ShelterTestCase(PersonaTestCase):
    sara: User
    fabi: User
    site: Site
    women: Room
    family: Room
    general: Room
    perez: Household
    luis_household: Household
    mother: Person
    father: Person
    girl: Person
    baby: Person
    luis: Person

    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        cls.sara = shelter_officer("sara", cls.iom, cls.co)
        cls.fabi = shelter_officer("fabi", cls.ffs, cls.co)
        cls.site = services.site_create(
            actor=cls.sara,
            organization=cls.iom,
            country=cls.co,
            name="Albergue Cúcuta",
            kind=SiteKind.COLLECTIVE,
            max_nights=5,
        )
        cls.women = services.room_create(
            actor=cls.sara, site=cls.site, name="Mujeres", women_only=True, beds=2
        )
        cls.family = services.room_create(
            actor=cls.sara, site=cls.site, name="Familias", families=True, beds=3
        )
        services.beds_add(actor=cls.sara, room=cls.family, count=1, kind=BedKind.COT)
        cls.general = services.room_create(actor=cls.sara, site=cls.site, name="General", beds=2)
        cls.perez = household(
            cls.iom,
            cls.co,
            [("Ana", "F", 34), ("Jorge", "M", 36), ("Lucía", "F", 5), ("Mateo", "M", 1)],
        )
        cls.mother, cls.father, cls.girl, cls.baby = list(cls.perez.members.order_by("pk"))
        cls.luis_household = household(cls.iom, cls.co, [("Luis", "M", 40)])
        cls.luis = cls.luis_household.members.get()

    def bed(self, room: Room, label: str) -> Bed:
        return room.beds.get(label=label)

    def check_in(self, placements: list[tuple[Person, Bed]], nights: int = 3, **kw: Any) -> Any:
        hh = placements[0][0].household
        return services.stay_check_in(
            actor=self.sara,
            site=self.site,
            household=hh,
            placements=placements,
            nights=nights,
            **kw,
        )
