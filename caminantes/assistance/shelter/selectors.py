"""Reads of the shelters, always through the access policy: sites, the occupancy board, the
households that may be checked in, and occupancy over time (`occupancy_by_night`, which the
reports chart)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from django.db.models import Q, QuerySet
from django.http import Http404
from django.utils import timezone

from caminantes.accounts import policies
from caminantes.assistance.shelter.models import (
    Bed,
    BedAssignment,
    Headcount,
    Room,
    Site,
    Stay,
    StayStatus,
    WaitingEntry,
)
from caminantes.lib import names
from caminantes.registry import selectors as registry
from caminantes.registry.models import Household, Person

MAX_RANGE_DAYS = 366
TAKEN_UP = (StayStatus.CHECKED_IN, StayStatus.CHECKED_OUT)


def sites_for_user(*, user: Any) -> QuerySet[Site]:
    return (
        policies.visible(user, Site)
        .select_related("organization", "country", "place")
        .order_by("country__iso2", "name")
    )


def get_site_for_user(*, user: Any, uuid: Any) -> Site:
    return policies.get_for_user(user, Site, uuid)


def get_room_for_user(*, user: Any, uuid: Any) -> Room:
    return policies.get_for_user(user, Room, uuid)


def get_stay_for_user(*, user: Any, uuid: Any) -> Stay:
    return policies.get_for_user(user, Stay, uuid)


def get_waiting_for_user(*, user: Any, uuid: Any) -> WaitingEntry:
    return policies.get_for_user(user, WaitingEntry, uuid)


def households_for_site(*, user: Any, site: Site, query: str = "") -> QuerySet[Household]:
    """The households the user may see that are registered where the site is (only they can
    stay there), found by their code or the focal point's name."""
    found = registry.households_for_user(user=user).filter(
        organization=site.organization_id, country=site.country_id
    )
    query = query.strip()
    if not query:
        return found.none()
    code = query.lower()
    if len(code) == 8 and all(c in "0123456789abcdef" for c in code):
        return registry.households_by_code(found, code)
    return found.filter(focal_point__search_name__contains=names.fold(query)).select_related(
        "focal_point"
    )[:20]


def get_household_for_site(*, user: Any, site: Site, uuid: Any) -> Household:
    """A household that may stay at the site (registered there, visible): 404 otherwise."""
    household = registry.household_detail(user=user, uuid=uuid)
    if household.organization_id != site.organization_id or household.country_id != site.country_id:
        raise Http404
    return household


def find_household_for_site(*, user: Any, site: Site, uuid: Any) -> Household | None:
    """The same, or None (for an id named in a body, answered as an invalid field)."""
    try:
        return get_household_for_site(user=user, site=site, uuid=uuid)
    except Http404:
        return None


def members(household: Household) -> QuerySet[Person]:
    return household.members.filter(anonymised_at__isnull=True).order_by("pk")


def beds_of(site: Site) -> QuerySet[Bed]:
    return Bed.objects.filter(room__site=site, is_active=True).select_related("room")


def open_assignments(site: Site) -> QuerySet[BedAssignment]:
    return BedAssignment.objects.filter(stay__site=site, released_at__isnull=True).select_related(
        "person", "stay", "bed__room"
    )


def assignments_on(site: Site, night: date) -> list[BedAssignment]:
    """Who held a bed on `night`, in a stay that was taken up, by room and bed."""
    return list(
        BedAssignment.objects.filter(
            stay__site=site, stay__status__in=TAKEN_UP, assigned_at__date__lte=night
        )
        .filter(Q(released_at__isnull=True) | Q(released_at__date__gt=night))
        .select_related("person", "bed__room", "stay")
        .order_by("bed__room__name", "bed__label")
    )


@dataclass
class BedRow:
    bed: Bed
    assignment: BedAssignment | None = None


@dataclass
class RoomRow:
    room: Room
    beds: list[BedRow] = field(default_factory=list)

    @property
    def free(self) -> int:
        return sum(1 for b in self.beds if b.assignment is None)


@dataclass
class Board:
    rooms: list[RoomRow]
    due_today: list[Stay]
    overdue: list[Stay]
    reservations: list[Stay]
    no_shows: list[Stay]
    waiting: list[WaitingEntry]
    headcount: Headcount | None
    absent: list[Person]

    @property
    def beds(self) -> int:
        return sum(len(r.beds) for r in self.rooms)

    @property
    def free(self) -> int:
        return sum(r.free for r in self.rooms)

    @property
    def occupied(self) -> int:
        return self.beds - self.free


def rooms_with_beds(site: Site) -> list[RoomRow]:
    held = {a.bed_id: a for a in open_assignments(site)}
    rows: dict[int, RoomRow] = {}
    for room in site.rooms.order_by("name"):
        rows[room.pk] = RoomRow(room)
    for bed in beds_of(site).order_by("room__name", "label"):
        rows[bed.room_id].beds.append(BedRow(bed, held.get(bed.pk)))
    return list(rows.values())


def beds_in_room(room: Room) -> list[BedRow]:
    """Every bed of the room, in use or not, with the stay holding it if any."""
    held = {
        a.bed_id: a
        for a in BedAssignment.objects.filter(
            bed__room=room, released_at__isnull=True
        ).select_related("stay")
    }
    return [BedRow(b, held.get(b.pk)) for b in room.beds.order_by("label")]


def get_bed_for_user(*, user: Any, uuid: Any) -> Bed:
    return policies.get_for_user(user, Bed, uuid)


def board(site: Site, today: date | None = None) -> Board:
    """What the officer needs at a glance: beds by room, who is due out today or overdue,
    reservations and those past their time (no-shows to confirm), the waiting list, and
    last night's headcount with the people who were absent."""
    today = today or timezone.localdate()
    now = timezone.now()
    open_stays = list(
        Stay.objects.filter(site=site, status__in=[StayStatus.RESERVED, StayStatus.CHECKED_IN])
        .select_related("household__focal_point")
        .order_by("leaves_on", "pk")
    )
    checked_in = [s for s in open_stays if s.status == StayStatus.CHECKED_IN]
    reserved = [s for s in open_stays if s.status == StayStatus.RESERVED]
    headcount = Headcount.objects.filter(site=site, night=today - timedelta(days=1)).first()
    absent = (
        [line.person for line in headcount.lines.filter(present=False).select_related("person")]
        if headcount else []
    )  # fmt: skip
    return Board(
        rooms=rooms_with_beds(site),
        due_today=[s for s in checked_in if s.leaves_on == today],
        overdue=[s for s in checked_in if s.leaves_on < today],
        reservations=[s for s in reserved if not (s.reserved_until and s.reserved_until < now)],
        no_shows=[s for s in reserved if s.reserved_until and s.reserved_until < now],
        waiting=list(waiting_list(site)),
        headcount=headcount,
        absent=absent,
    )


def waiting_list(site: Site) -> QuerySet[WaitingEntry]:
    return WaitingEntry.objects.filter(site=site, closed_at__isnull=True).select_related(
        "household__focal_point"
    )


def stays_of(site: Site) -> QuerySet[Stay]:
    return Stay.objects.filter(site=site).select_related("household__focal_point")


@dataclass(frozen=True)
class NightOccupancy:
    night: date
    beds: int
    occupied: int

    @property
    def rate(self) -> float:
        """Occupied beds over beds, 0 to 1 (0 when there were no beds)."""
        return self.occupied / self.beds if self.beds else 0.0

    @property
    def free(self) -> int:
        return max(self.beds - self.occupied, 0)

    @property
    def percent(self) -> float:
        return round(self.rate * 100, 1)


def _local_date(moment: datetime) -> date:
    return timezone.localdate(moment)


def occupancy_by_night(site: Site, start: date, end: date) -> list[NightOccupancy]:
    """Per night from `start` to `end` (both included, at most a year): the beds the site
    had, the beds held by guests of a stay that was taken up, and the rate. Two queries."""
    if end < start:
        raise ValueError("end before start")
    if (end - start).days >= MAX_RANGE_DAYS:
        raise ValueError("range longer than a year")
    # A bed counts from the night it was made until the night before it was taken out of
    # use; one out of use with no date (before dates were kept) never counts.
    bed_days = [
        (_local_date(created), _local_date(gone) if gone else None)
        for created, gone in Bed.objects.filter(room__site=site)
        .filter(Q(is_active=True) | Q(deactivated_at__isnull=False))
        .values_list("created_at", "deactivated_at")
    ]
    spans = [
        (_local_date(a), _local_date(r) if r else None)
        for a, r in BedAssignment.objects.filter(
            stay__site=site, stay__status__in=TAKEN_UP, assigned_at__date__lte=end
        )
        .filter(Q(released_at__isnull=True) | Q(released_at__date__gt=start))
        .values_list("assigned_at", "released_at")
    ]
    result = []
    night = start
    while night <= end:
        result.append(
            NightOccupancy(
                night=night,
                beds=sum(1 for d, g in bed_days if d <= night and (g is None or g > night)),
                occupied=sum(1 for a, r in spans if a <= night and (r is None or r > night)),
            )
        )
        night += timedelta(days=1)
    return result


@dataclass(frozen=True)
class Bar:
    night: date
    x: int
    y: int
    height: int
    occupied: int
    beds: int
    percent: int


CHART_HEIGHT = 100
BAR_WIDTH = 10


def chart_bars(nights: list[NightOccupancy]) -> list[Bar]:
    """The occupancy rate of each night as a bar of an SVG drawn by the template."""
    bars = []
    for i, n in enumerate(nights):
        height = round(min(n.rate, 1.0) * CHART_HEIGHT)
        bars.append(
            Bar(night=n.night, x=i * BAR_WIDTH, y=CHART_HEIGHT - height, height=height,
                occupied=n.occupied, beds=n.beds, percent=round(n.rate * 100))
        )  # fmt: skip
    return bars
