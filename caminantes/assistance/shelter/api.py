# No `from __future__ import annotations`: django-ninja reads the annotations at run time.
"""Shelter API: sites with their rooms and beds (and each bed's status), check-in, arrival,
no-show, extension and check-out of a stay, the waiting list, the nightly headcount and the
occupancy by night.

Reads go through `shelter.selectors` (the policy door), writes through `shelter.services`.
A site or stay the caller may not see is 404, like one that does not exist; routes that take
a body find it before reading the body. Every write carries a `request_id` made by the
client: the same id with the same content answers 200 and changes nothing, with different
content 409 `request_id_reused`. A refusal is 409 with a machine-readable `code`
(`bed_taken`, `bed_held`, `bed_out_of_use`, `person_already_in_bed`, `room_women_only`,
`room_families_only`, `bed_wrong_kind`, `stay_too_long`, `stay_closed`, `already_waiting` …)
and a translated `detail`; an invalid body is 422.
"""

from collections.abc import Callable
from datetime import date, datetime, timedelta
from typing import Any, TypeVar, cast
from uuid import UUID

from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Field, Router, Schema, Status
from ninja.pagination import paginate

from caminantes.accounts import policies
from caminantes.accounts.api_auth import require_scope
from caminantes.accounts.models import ApiToken, User
from caminantes.assistance.api import WRITE_ANSWERS, answers
from caminantes.assistance.shelter import selectors, services, services_beds
from caminantes.assistance.shelter.models import Bed, Site, Stay, WaitingEntry
from caminantes.lib.api import ErrorOut, body_schema, parse_body
from caminantes.lib.pagination import PageNumberPagination
from caminantes.registry.models import Household, Person

router = Router(tags=["shelter"])

V = TypeVar("V", bound=Callable[..., Any])


# --- answers --------------------------------------------------------------------------


class SiteOut(Schema):
    uuid: UUID
    name: str
    kind: str
    organization: str
    country: str
    max_nights: int
    rules: str
    is_active: bool

    @staticmethod
    def resolve_organization(obj: Site) -> str:
        return obj.organization.acronym

    @staticmethod
    def resolve_country(obj: Site) -> str:
        return obj.country.iso2


class BedOut(Schema):
    uuid: UUID
    label: str
    kind: str
    status: str = Field(description="`free`, `reserved` or `occupied`.")
    stay: UUID | None = None
    due_out: date | None = None


class BedStateOut(Schema):
    uuid: UUID
    room: UUID
    label: str
    kind: str
    is_active: bool
    deactivated_at: datetime | None

    @staticmethod
    def resolve_room(obj: Bed) -> UUID:
        return obj.room.uuid


class BedWriteOut(Schema):
    replayed: bool
    bed: BedStateOut


class RoomOut(Schema):
    uuid: UUID
    name: str
    women_only: bool
    families: bool
    accessible: bool
    beds: list[BedOut]


class SiteDetailOut(Schema):
    uuid: UUID
    name: str
    kind: str
    organization: str
    country: str
    max_nights: int
    rules: str
    is_active: bool
    beds: int
    free: int
    rooms: list[RoomOut]


class PlacementOut(Schema):
    person: UUID
    bed: UUID
    released_at: datetime | None


class StayOut(Schema):
    uuid: UUID
    site: UUID
    household: UUID
    status: str
    arrives_on: date
    leaves_on: date
    reserved_until: datetime | None
    checked_in_at: datetime | None
    checked_out_at: datetime | None
    placements: list[PlacementOut]

    @staticmethod
    def resolve_site(obj: Stay) -> UUID:
        return obj.site.uuid

    @staticmethod
    def resolve_household(obj: Stay) -> UUID:
        return obj.household.uuid

    @staticmethod
    def resolve_placements(obj: Stay) -> list[dict[str, Any]]:
        return [
            {"person": a.person.uuid, "bed": a.bed.uuid, "released_at": a.released_at}
            for a in obj.assignments.select_related("person", "bed").order_by("pk")
        ]


class StayWriteOut(Schema):
    replayed: bool = Field(description="True when this request id was already recorded.")
    stay: StayOut


class WaitingOut(Schema):
    uuid: UUID
    household: UUID
    size: int
    needs: str
    priority: int
    added_on: date

    @staticmethod
    def resolve_household(obj: WaitingEntry) -> UUID:
        return obj.household.uuid


class WaitingWriteOut(Schema):
    replayed: bool
    entry: WaitingOut


class HeadcountOut(Schema):
    replayed: bool
    night: date
    present: list[UUID]
    absent: list[UUID]


class NightOut(Schema):
    night: date
    beds: int
    occupied: int
    rate: float


# --- bodies ---------------------------------------------------------------------------


class WriteIn(Schema):
    request_id: UUID = Field(description="Made by the client; the same id is recorded once.")


class PlacementIn(Schema):
    person: UUID
    bed: UUID


class CheckInIn(WriteIn):
    household: UUID
    placements: list[PlacementIn]
    nights: int = Field(description="Up to the site's maximum.")
    reserved_until: datetime | None = Field(
        None, description="Only hold the beds until then (a reservation, up to 7 days ahead)."
    )


class ExtensionIn(WriteIn):
    nights: int
    reason: str


class WaitingIn(WriteIn):
    household: UUID
    size: int | None = Field(None, description="Default: the household's members.")
    needs: str = ""
    priority: int = Field(2, description="1 (urgent) to 3.")


class HeadcountIn(WriteIn):
    night: date
    present: list[UUID] = Field(description="The guests present; every other guest is absent.")


# --- helpers --------------------------------------------------------------------------


def _user(request: HttpRequest) -> User:
    return cast(User, request.user)


def _site(request: HttpRequest, uuid: UUID) -> Site:
    return selectors.get_site_for_user(user=request.user, uuid=uuid)


def _stay(request: HttpRequest, uuid: UUID) -> Stay:
    return selectors.get_stay_for_user(user=request.user, uuid=uuid)


def _household(request: HttpRequest, site: Site, uuid: UUID) -> Household:
    found = selectors.find_household_for_site(user=request.user, site=site, uuid=uuid)
    if found is None:
        raise DjangoValidationError({"household": [_("No household with this id here.")]})
    return found


def _stay_written(written: services.StayWritten, created: int = 200) -> Status[object]:
    return Status(200 if written.replayed else created,
                  {"replayed": written.replayed, "stay": written.stay})  # fmt: skip


def _write(summary: str, path: str, body: type[Schema], out: type[Schema]) -> Callable[[V], V]:
    return router.post(
        path, response={200: out, 201: out, **WRITE_ANSWERS}, summary=summary,
        openapi_extra=body_schema(body),
    )  # fmt: skip


def _detail(site: Site) -> dict[str, Any]:
    rooms = selectors.rooms_with_beds(site)
    out_rooms = []
    for row in rooms:
        beds = []
        for b in row.beds:
            a = b.assignment
            status = "free" if a is None else ("reserved" if a.stay.status == "reserved"
                                               else "occupied")  # fmt: skip
            beds.append({"uuid": b.bed.uuid, "label": b.bed.label, "kind": b.bed.kind,
                         "status": status, "stay": a.stay.uuid if a else None,
                         "due_out": a.stay.leaves_on if a else None})  # fmt: skip
        r = row.room
        out_rooms.append({
            "uuid": r.uuid, "name": r.name, "women_only": r.women_only, "families": r.families,
            "accessible": r.accessible, "beds": beds,
        })  # fmt: skip
    total = sum(len(r.beds) for r in rooms)
    return {
        "uuid": site.uuid, "name": site.name, "kind": site.kind, "max_nights": site.max_nights,
        "organization": site.organization.acronym, "country": site.country.iso2,
        "rules": site.rules, "is_active": site.is_active, "beds": total,
        "free": sum(r.free for r in rooms), "rooms": out_rooms,
    }  # fmt: skip


# --- routes ---------------------------------------------------------------------------


@router.get("/sites", response=list[SiteOut], summary="Shelters you may see")
@paginate(PageNumberPagination, page_size=50)
def sites(request: HttpRequest) -> Any:
    return selectors.sites_for_user(user=request.user)


@router.get("/sites/{uuid}", response=SiteDetailOut, summary="A shelter's rooms and beds")
def site(request: HttpRequest, uuid: UUID) -> Any:
    return _detail(_site(request, uuid))


@router.get(
    "/sites/{uuid}/occupancy", response={200: list[NightOut], 404: ErrorOut, 422: ErrorOut},
    summary="Beds, occupied beds and rate per night (at most a year; default the last 30)",
)  # fmt: skip
def occupancy(
    request: HttpRequest, uuid: UUID, start: date | None = None, end: date | None = None
) -> Any:
    found = _site(request, uuid)
    end = end or timezone.localdate()
    start = start or end - timedelta(days=29)
    try:
        nights = selectors.occupancy_by_night(found, start, end)
    except ValueError:
        return Status(422, {"detail": _("Choose a start before the end, at most a year apart.")})
    return [{"night": n.night, "beds": n.beds, "occupied": n.occupied, "rate": round(n.rate, 4)}
            for n in nights]  # fmt: skip


@_write("Check a household in onto beds (or reserve them)", "/sites/{uuid}/check-ins",
        CheckInIn, StayWriteOut)  # fmt: skip
@answers
def check_in(request: HttpRequest, uuid: UUID) -> Status[object]:
    require_scope(request, ApiToken.Scope.WRITE)
    found = _site(request, uuid)
    d = parse_body(request, CheckInIn)
    household = _household(request, found, d.household)
    people = {p.uuid: p for p in selectors.members(household)}
    beds: dict[UUID, Bed] = {b.uuid: b for b in selectors.beds_of(found)}
    placements: list[tuple[Person, Bed]] = []
    for i, pl in enumerate(d.placements):
        if pl.person not in people:
            raise DjangoValidationError({f"placements-{i}-person": [_("Not a member of this "
                                                                     "household.")]})  # fmt: skip
        if pl.bed not in beds:
            raise DjangoValidationError({f"placements-{i}-bed": [_("No bed with this id here.")]})
        placements.append((people[pl.person], beds[pl.bed]))
    return _stay_written(services.stay_check_in(
        actor=_user(request), site=found, household=household, placements=placements,
        nights=d.nights, reserved_until=d.reserved_until, request_id=d.request_id,
    ), 201)  # fmt: skip


@router.get("/stays/{uuid}", response=StayOut, summary="A stay and its beds")
def stay(request: HttpRequest, uuid: UUID) -> Any:
    return _stay(request, uuid)


@_write("The household of a reservation has arrived", "/stays/{uuid}/arrival", WriteIn,
        StayWriteOut)  # fmt: skip
@answers
def arrival(request: HttpRequest, uuid: UUID) -> Status[object]:
    require_scope(request, ApiToken.Scope.WRITE)
    found = _stay(request, uuid)
    d = parse_body(request, WriteIn)
    return _stay_written(
        services.stay_arrive(actor=_user(request), stay=found, request_id=d.request_id)
    )


@_write("A reservation not taken up by its time: free its beds", "/stays/{uuid}/no-show",
        WriteIn, StayWriteOut)  # fmt: skip
@answers
def no_show(request: HttpRequest, uuid: UUID) -> Status[object]:
    require_scope(request, ApiToken.Scope.WRITE)
    found = _stay(request, uuid)
    d = parse_body(request, WriteIn)
    return _stay_written(
        services.stay_no_show(actor=_user(request), stay=found, request_id=d.request_id)
    )


@_write("Extend a stay, with a reason", "/stays/{uuid}/extensions", ExtensionIn, StayWriteOut)
@answers
def extension(request: HttpRequest, uuid: UUID) -> Status[object]:
    require_scope(request, ApiToken.Scope.WRITE)
    found = _stay(request, uuid)
    d = parse_body(request, ExtensionIn)
    return _stay_written(services.stay_extend(
        actor=_user(request), stay=found, nights=d.nights, reason=d.reason,
        request_id=d.request_id,
    ))  # fmt: skip


@_write("Check a household out: its beds are free again", "/stays/{uuid}/check-out", WriteIn,
        StayWriteOut)  # fmt: skip
@answers
def check_out(request: HttpRequest, uuid: UUID) -> Status[object]:
    require_scope(request, ApiToken.Scope.WRITE)
    found = _stay(request, uuid)
    d = parse_body(request, WriteIn)
    return _stay_written(
        services.stay_check_out(actor=_user(request), stay=found, request_id=d.request_id)
    )


@router.get("/sites/{uuid}/waiting-list", response=list[WaitingOut],
            summary="Households waiting for a place, by priority and date")  # fmt: skip
def waiting_list(request: HttpRequest, uuid: UUID) -> Any:
    entries = list(selectors.waiting_list(_site(request, uuid)))
    policies.record_reads(request.user, Household, [e.household for e in entries])
    return entries


@_write("Put a household on the waiting list", "/sites/{uuid}/waiting-list", WaitingIn,
        WaitingWriteOut)  # fmt: skip
@answers
def waiting_add(request: HttpRequest, uuid: UUID) -> Status[object]:
    require_scope(request, ApiToken.Scope.WRITE)
    found = _site(request, uuid)
    d = parse_body(request, WaitingIn)
    written = services.waiting_add(
        actor=_user(request), site=found, household=_household(request, found, d.household),
        needs=d.needs, priority=d.priority, size=d.size, request_id=d.request_id,
    )  # fmt: skip
    return Status(200 if written.replayed else 201,
                  {"replayed": written.replayed, "entry": written.waiting})  # fmt: skip


@_write("Record who is present on a night (one list per site and night; again corrects it)",
        "/sites/{uuid}/headcounts", HeadcountIn, HeadcountOut)  # fmt: skip
@answers
def headcount(request: HttpRequest, uuid: UUID) -> Status[object]:
    require_scope(request, ApiToken.Scope.WRITE)
    found = _site(request, uuid)
    d = parse_body(request, HeadcountIn)
    guests = {a.person.uuid: a.person for a in selectors.assignments_on(found, d.night)}
    strangers = [str(p) for p in d.present if p not in guests]
    if strangers:
        raise DjangoValidationError({"present": [_("Mark only guests who held a bed that night.")]})
    written = services.headcount_record(
        actor=_user(request), site=found, night=d.night,
        present=[guests[p] for p in d.present], request_id=d.request_id,
    )  # fmt: skip
    lines = list(written.headcount.lines.select_related("person"))
    return Status(200 if written.replayed else 201, {
        "replayed": written.replayed, "night": written.headcount.night,
        "present": [ln.person.uuid for ln in lines if ln.present],
        "absent": [ln.person.uuid for ln in lines if not ln.present],
    })  # fmt: skip


@_write("Take a bed out of use (refused while a guest or a reservation holds it)",
        "/beds/{uuid}/deactivate", WriteIn, BedWriteOut)  # fmt: skip
@answers
def bed_deactivate(request: HttpRequest, uuid: UUID) -> Status[object]:
    require_scope(request, ApiToken.Scope.WRITE)
    found = selectors.get_bed_for_user(user=request.user, uuid=uuid)
    d = parse_body(request, WriteIn)
    written = services_beds.bed_deactivate(actor=_user(request), bed=found,
                                           request_id=d.request_id)  # fmt: skip
    return Status(200, {"replayed": written.replayed, "bed": found})
