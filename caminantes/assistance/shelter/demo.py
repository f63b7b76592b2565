"""Shelter demo: FFS's collective shelter in Cúcuta, two-thirds full.

Four rooms (women only, two for families, a general one) with 24 beds; FFS's registered
families of Colombia are checked in through the services as the demo's shelter officer,
some days ago (so the occupancy chart has a past and some guests are due out today, one
household overdue), a few already gone; three households on the waiting list; last night's
headcount with one guest absent. Deterministic (households in registration order) and
idempotent: an existing demo shelter is left as is.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime, time, timedelta
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from caminantes.accounts.models import Organization, User
from caminantes.assistance.shelter import selectors, services, services_beds
from caminantes.assistance.shelter.models import Bed, BedAssignment, Room, Site, SiteKind
from caminantes.geo.models import Country, Place
from caminantes.registry.models import Household, Person, Sex

OFFICER = "albergue.co@demo.caminantes.org"
SITE = "Albergue Frontera Cúcuta"
RULES = (
    "Entrada hasta las 21:00. Desayuno 6:30 a 8:00, cena 18:00 a 19:30.\n"
    "Se respeta el descanso de 22:00 a 6:00. No se permiten bebidas alcohólicas."
)
# (room, women only, families, beds)
ROOMS = [("Mujeres", True, False, 6), ("Familias A", False, True, 6),
         ("Familias B", False, True, 6), ("General", False, False, 6)]  # fmt: skip
# Households checked in: (days ago, nights, days ago they left or None). Two-thirds of the
# 24 beds end up taken tonight; those who came 3 days ago for 3 nights leave today.
STAYS = [(20, 5, 15), (18, 6, 12), (14, 7, 8), (10, 5, 5), (6, 5, None), (3, 3, None),
         (3, 3, None), (2, 5, None), (2, 4, None), (1, 6, None), (1, 7, None), (0, 4, None),
         (0, 5, None), (0, 3, None)]  # fmt: skip
TARGET = 16


def _moment(now: datetime, today: date, days_ago: int, hour: int) -> datetime:
    """`days_ago` days before today at `hour` o'clock, local time, and never after now. The
    day a stay starts must not depend on the hour the demo is loaded: "two hours before now"
    was yesterday just after midnight, and no one was then due to leave today."""
    moment = timezone.make_aware(datetime.combine(today - timedelta(days=days_ago), time(hour)))
    return min(moment, now)


def _room_for(people: list[Person], rooms: dict[str, Room], today: Any) -> list[Room]:
    ages = [p.age_on(today) for p in people]
    if any(a is not None and a < 18 for a in ages):
        return [rooms["Familias A"], rooms["Familias B"]]
    if all(p.sex == Sex.FEMALE for p in people):
        return [rooms["Mujeres"], rooms["General"]]
    return [rooms["General"]]


def _free_beds(room: Room) -> list[Bed]:
    held = BedAssignment.objects.filter(released_at__isnull=True).values("bed_id")
    return list(room.beds.filter(is_active=True).exclude(pk__in=held).order_by("label"))


def load(say: Callable[[str], None], **options: Any) -> None:
    org = Organization.objects.filter(acronym="FFS").first()
    co = Country.objects.filter(iso2="CO").first()
    officer = User.objects.filter(email=OFFICER).first()
    if org is None or co is None or officer is None:
        return
    if Site.objects.filter(organization=org, country=co, name=SITE).exists():
        say("Shelter: the demo shelter is already there.")
        return
    now = timezone.now()
    today = timezone.localdate()
    households = list(
        Household.objects.filter(organization=org, country=co, anonymised_at__isnull=True)
        .exclude(members__isnull=True).distinct().order_by("pk")[:60]
    )  # fmt: skip
    with transaction.atomic():
        site = services.site_create(
            actor=officer, organization=org, country=co, name=SITE, kind=SiteKind.COLLECTIVE,
            max_nights=7, rules=RULES,
            place=Place.objects.filter(country=co, name="Cúcuta").first(),
        )  # fmt: skip
        rooms = {
            name: services.room_create(
                actor=officer, site=site, name=name, women_only=women, families=families, beds=beds
            )
            for name, women, families, beds in ROOMS
        }
        # The beds were there before the first guest came: the chart starts full-sized.
        Bed.objects.filter(room__site=site).update(created_at=now - timedelta(days=30))
        # A broken bed, out of use for a week: the chart's capacity drops by one from then.
        broken = rooms["General"].beds.order_by("-label").first()
        if broken is not None:
            services_beds.bed_deactivate(actor=officer, bed=broken)
            Bed.objects.filter(pk=broken.pk).update(deactivated_at=now - timedelta(days=7))
        plans = iter(STAYS)
        plan = next(plans)
        used: list[Household] = []
        for household in households:
            people = list(household.members.filter(anonymised_at__isnull=True).order_by("pk"))
            if not 1 <= len(people) <= 5:
                continue
            ago, nights, left = plan
            placed = None
            for room in _room_for(people, rooms, today):
                free = _free_beds(room)
                if len(free) >= len(people):
                    placed = list(zip(people, free, strict=False))
                    break
            if placed is None:
                continue
            try:
                stay = services.stay_check_in(
                    actor=officer, site=site, household=household, placements=placed,
                    nights=nights, when=_moment(now, today, ago, 8),
                ).stay  # fmt: skip
            except ValidationError:
                continue  # a rule of the room refuses this family: the next one
            used.append(household)
            if left is not None:
                services.stay_check_out(actor=officer, stay=stay,
                                        when=_moment(now, today, left, 10))  # fmt: skip
            plan = next(plans, (1, 5, None))  # then more guests of yesterday, up to the target
            occupied = sum(r.beds.filter(is_active=True).count() for r in rooms.values()) - sum(
                len(_free_beds(r)) for r in rooms.values()
            )
            if occupied >= TARGET:
                break
        waiting = [h for h in households if h not in used][:3]
        needs = ["Silla de ruedas", "Bebé de meses", ""]
        for priority, household in enumerate(waiting, start=1):
            services.waiting_add(actor=officer, site=site, household=household,
                                 priority=priority, needs=needs[priority - 1])  # fmt: skip
        yesterday = today - timedelta(days=1)
        guests = [a.person for a in selectors.assignments_on(site, yesterday)]
        services.headcount_record(actor=officer, site=site, night=yesterday, present=guests[1:])
    in_use = sum(r.beds.filter(is_active=True).count() for r in rooms.values())
    taken = in_use - sum(len(_free_beds(r)) for r in rooms.values())
    say(f"Shelter: {SITE} with {taken} of {in_use} beds taken (one out of use), "
        f"{len(waiting)} households waiting; "
        f"log in as {OFFICER}.")  # fmt: skip
