"""Writes to the shelters: sites, rooms and beds; check-in, arrival, extension, check-out and
no-show of a stay; the waiting list; the nightly headcount.

A check-in locks the beds it asks for (select_for_update, in primary-key order) before it
reads whether they are free; the partial unique constraints on `BedAssignment` (one open
row per person, one per bed) are the last guard, and an IntegrityError from them is
answered as the refusal it stands for. Each stay that is taken up is written as a service
delivery (sector "shelter") in the same transaction.

Writes a client may send again carry a request id: the same id with the same content
answers what the first call did and changes nothing; with other content it is refused.
"""

from __future__ import annotations

import uuid as uuid_lib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from functools import partial
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
from caminantes.assistance.shelter.models import (
    MAX_NIGHTS_LIMIT,
    Bed,
    BedAssignment,
    BedKind,
    Headcount,
    HeadcountLine,
    Room,
    ShelterRequest,
    Site,
    SiteKind,
    Stay,
    StayExtension,
    StayStatus,
    WaitingEntry,
)
from caminantes.assistance.shelter.rules import (
    Placement,
    check_nights,
    refuse_placement,
    validate_placements,
)
from caminantes.assistance.shelter.selectors import assignments_on
from caminantes.audit import actions
from caminantes.audit.log import log
from caminantes.geo.models import Country, Place
from caminantes.lib.idempotency import claim, note
from caminantes.registry.models import Household, Person

SECTOR = "shelter"
INDICATOR = "people_in_temporary_accommodation"
MAX_BEDS_AT_ONCE = 200
HEADCOUNT_DAYS_BACK = 31


@dataclass
class StayWritten:
    """The stay a write made or changed, and whether it was a re-send of an earlier one."""

    stay: Stay
    replayed: bool = False


@dataclass
class WaitingWritten:
    waiting: WaitingEntry
    replayed: bool = False


@dataclass
class HeadcountWritten:
    headcount: Headcount
    replayed: bool = False


def may_manage(user: Any, site: Site) -> bool:
    return policies.has_perm(
        user, Perm.MANAGE_SHELTER, organization_id=site.organization_id, country_id=site.country_id
    )


def _require(actor: User, site: Site) -> None:
    if not may_manage(actor, site):
        log(actor, actions.ACCESS_DENIED, site, "denied", permission=Perm.MANAGE_SHELTER.value)
        raise PermissionDenied


# A write's request id, claimed on the site it was sent to: `claim_request(request_id, content,
# site=site)` gives the request row for a new write, or the earlier request's row (what it made).
claim_request = partial(claim, ShelterRequest, conflict=RequestConflict)


def _earlier_stay(earlier: ShelterRequest) -> StayWritten:
    assert earlier.stay is not None  # every stay request names its stay
    return StayWritten(earlier.stay, replayed=True)


# --- sites, rooms, beds ---------------------------------------------------------------


def site_create(
    *, actor: User, organization: Organization, country: Country, name: str, kind: str,
    max_nights: int = 7, rules: str = "", place: Place | None = None,
) -> Site:  # fmt: skip
    if not policies.has_perm(
        actor, Perm.MANAGE_SHELTER, organization_id=organization.pk, country_id=country.pk
    ):
        log(actor, actions.ACCESS_DENIED, Site, "denied", permission=Perm.MANAGE_SHELTER.value)
        raise PermissionDenied
    name = name.strip()
    if not name:
        raise ValidationError({"name": [_("Enter the shelter's name.")]})
    if kind not in SiteKind.values:
        raise ValidationError({"kind": [_("Choose the kind of shelter.")]})
    if not 1 <= max_nights <= MAX_NIGHTS_LIMIT:
        raise ValidationError(
            {"max_nights": [_("Enter between 1 and %(max)s nights.") % {"max": MAX_NIGHTS_LIMIT}]}
        )
    with transaction.atomic():
        if Site.objects.filter(organization=organization, country=country, name=name).exists():
            raise ValidationError({"name": [_("A shelter of that name already exists here.")]})
        site = Site.objects.create(
            organization=organization, country=country, name=name, kind=kind,
            max_nights=max_nights, rules=rules.strip(), place=place,
        )  # fmt: skip
        log(actor, actions.CREATE, site, organization=organization)
    return site


def room_create(
    *, actor: User, site: Site, name: str, women_only: bool = False, families: bool = False,
    accessible: bool = False, beds: int = 0, bed_kind: str = BedKind.ADULT,
) -> Room:  # fmt: skip
    """A room, with `beds` beds of `bed_kind` in it (more can be added later)."""
    _require(actor, site)
    name = name.strip()
    if not name:
        raise ValidationError({"name": [_("Enter the room's name.")]})
    if women_only and families:
        raise ValidationError(
            {"families": [_("A room is either for women only or for families, not both.")]}
        )
    with transaction.atomic():
        if Room.objects.filter(site=site, name=name).exists():
            raise ValidationError({"name": [_("A room of that name already exists here.")]})
        room = Room.objects.create(site=site, name=name, women_only=women_only,
                                   families=families, accessible=accessible)  # fmt: skip
        log(actor, actions.CREATE, room, organization=site.organization)
        if beds:
            beds_add(actor=actor, room=room, count=beds, kind=bed_kind)
    return room


def beds_add(*, actor: User, room: Room, count: int, kind: str = BedKind.ADULT) -> list[Bed]:
    """`count` more beds (or voucher places) in the room, numbered after the last one."""
    _require(actor, room.site)
    if not 1 <= count <= MAX_BEDS_AT_ONCE:
        raise ValidationError(
            {"count": [_("Enter between 1 and %(max)s beds.") % {"max": MAX_BEDS_AT_ONCE}]}
        )
    if kind not in BedKind.values:
        raise ValidationError({"kind": [_("Choose the kind of bed.")]})
    with transaction.atomic():
        locked = Room.objects.select_for_update().get(pk=room.pk)
        taken = set(locked.beds.values_list("label", flat=True))
        prefix = "V" if kind == BedKind.VOUCHER else locked.name[:1].upper() or "C"
        labels: list[str] = []
        n = 1
        while len(labels) < count:
            label = f"{prefix}{n}"
            if label not in taken:
                labels.append(label)
            n += 1
        made = Bed.objects.bulk_create([Bed(room=locked, label=lb, kind=kind) for lb in labels])
        log(actor, actions.CREATE, locked, organization=room.site.organization,
            change="beds_added", beds=count)  # fmt: skip
    return made


# --- stays ----------------------------------------------------------------------------


def _lock_and_check_free(site: Site, placements: Sequence[Placement]) -> None:
    bed_ids = sorted(b.pk for _p, b in placements)
    locked = list(Bed.objects.select_for_update().filter(pk__in=bed_ids).order_by("pk"))
    out_of_use = next((b for b in locked if not b.is_active), None)
    if out_of_use is not None:  # taken out of use since the page was served
        raise Refused(
            _("Bed %(bed)s is out of use: choose another.") % {"bed": out_of_use.label},
            code="bed_out_of_use", field="placements",
        )  # fmt: skip
    taken = (
        BedAssignment.objects.filter(bed_id__in=bed_ids, released_at__isnull=True)
        .select_related("bed").order_by("bed__label").first()
    )  # fmt: skip
    if taken is not None:
        raise Refused(
            _("Bed %(bed)s is already taken: choose another.") % {"bed": taken.bed.label},
            code="bed_taken", field="placements",
        )  # fmt: skip
    held = (
        BedAssignment.objects.filter(
            person_id__in=[p.pk for p, _b in placements], released_at__isnull=True
        ).select_related("person").first()
    )  # fmt: skip
    if held is not None:
        raise Refused(
            _("%(name)s already holds a bed: check them out first.")
            % {"name": held.person.full_name},
            code="person_already_in_bed", field="placements",
        )  # fmt: skip


def _lost_race(household: Household, placements: Sequence[Placement]) -> Refused:
    """The refusal for a check-in whose rows a simultaneous one took first (the database's
    constraints said no after the checks had passed)."""
    people = [p.pk for p, _b in placements]
    if BedAssignment.objects.filter(person_id__in=people, released_at__isnull=True).exists():
        return Refused(_("A person of this household was given a bed by another check-in just "
                         "now."), code="person_already_in_bed", field="placements")  # fmt: skip
    if Stay.objects.filter(
        household=household, status__in=[StayStatus.RESERVED, StayStatus.CHECKED_IN]
    ).exists():
        return Refused(_("This household already has a stay open here."),
                       code="household_already_staying")  # fmt: skip
    return Refused(_("A bed was taken by another check-in just now: choose another."),
                   code="bed_taken", field="placements")  # fmt: skip


def _deliver(actor: User, stay: Stay, when: datetime) -> None:
    people = [
        delivery.Reached(person=a.person)
        for a in stay.assignments.select_related("person__household").order_by("pk")
    ]
    site = stay.site
    delivery.record(
        actor=actor, organization=site.organization, country=site.country, sector=SECTOR,
        indicator=INDICATOR, people=people, quantity=len(people), modality=Modality.SERVICE,
        place=site.place, when=when, ref=stay,
    )  # fmt: skip


def stay_check_in(
    *, actor: User, site: Site, household: Household, placements: Sequence[Placement],
    nights: int, reserved_until: datetime | None = None,
    request_id: uuid_lib.UUID | None = None, when: datetime | None = None,
) -> StayWritten:  # fmt: skip
    """Put members of the household on beds for `nights` nights from today. With
    `reserved_until`, the beds are only held for the household until then (a reservation:
    `stay_arrive` takes it up, `stay_no_show` lets it go). `when` records a check-in made
    earlier (written down at the door while the link was down), never in the future."""
    _require(actor, site)
    if not site.is_active:
        raise Refused(_("This shelter is closed."), code="site_closed")
    if (
        household.organization_id != site.organization_id
        or household.country_id != site.country_id
        or household.anonymised_at is not None
    ):
        raise ValidationError({"household": [_("Choose a household registered here.")]})
    now = _past(when)
    if reserved_until is not None and when is not None:
        raise ValidationError({"reserved_until": [_("A reservation starts now.")]})
    if reserved_until is not None and not now < reserved_until <= now + timedelta(days=7):
        raise ValidationError(
            {"reserved_until": [_("Hold the reservation until a time within the next 7 days.")]}
        )
    content = {
        "op": "check_in", "household": str(household.uuid), "nights": nights,
        "placements": sorted((str(p.uuid), str(b.uuid)) for p, b in placements),
        "reserved_until": reserved_until.isoformat() if reserved_until else None,
    }  # fmt: skip
    with transaction.atomic():
        request, earlier = claim_request(request_id, content, site=site)
        if earlier is not None:
            return _earlier_stay(earlier)
        check_nights(site, nights)
        validate_placements(site, household, placements)
        today = timezone.localdate(now)
        has_child = any(
            (age := p.age_on(today)) is not None and age < 18
            for p in household.members.filter(anonymised_at__isnull=True)
        )
        for person, bed in placements:
            refuse_placement(person, bed, has_child, today)
        _lock_and_check_free(site, placements)
        open_statuses = [StayStatus.RESERVED, StayStatus.CHECKED_IN]
        if Stay.objects.filter(site=site, household=household, status__in=open_statuses).exists():
            raise Refused(_("This household already has a stay open here."),
                          code="household_already_staying")  # fmt: skip
        reserved = reserved_until is not None
        try:
            with transaction.atomic():
                stay = Stay.objects.create(
                    site=site, household=household, arrives_on=today,
                    leaves_on=today + timedelta(days=nights), actor=actor,
                    reserved_until=reserved_until, checked_in_at=None if reserved else now,
                    status=StayStatus.RESERVED if reserved else StayStatus.CHECKED_IN,
                )  # fmt: skip
                BedAssignment.objects.bulk_create([
                    BedAssignment(stay=stay, bed=b, person=p, assigned_at=now)
                    for p, b in placements
                ])  # fmt: skip
        except IntegrityError as exc:  # another check-in took the person, bed or stay meanwhile
            raise _lost_race(household, placements) from exc
        WaitingEntry.objects.filter(site=site, household=household, closed_at__isnull=True).update(
            closed_at=now, closed_reason=WaitingEntry.Closed.CHECKED_IN, stay=stay
        )
        if not reserved:
            _deliver(actor, stay, now)
        log(actor, actions.CREATE, stay, organization=site.organization,
            change="reserved" if reserved else "checked_in", people=len(placements))  # fmt: skip
        note(request, stay=stay)
        return StayWritten(stay)


def _past(when: datetime | None) -> datetime:
    """`when`, or now: a moment of the last days, not in the future."""
    now = timezone.now()
    if when is None:
        return now
    if when > now + timedelta(minutes=5) or when < now - timedelta(days=HEADCOUNT_DAYS_BACK):
        raise ValidationError(
            {"when": [_("Enter a time of the last %(days)s days.") % {"days": HEADCOUNT_DAYS_BACK}]}
        )
    return when


def _locked(stay: Stay) -> Stay:
    return Stay.objects.select_for_update().select_related("site").get(pk=stay.pk)


def _stay_write(
    actor: User, stay: Stay, content: dict[str, Any], request_id: uuid_lib.UUID | None
) -> tuple[Stay, ShelterRequest | None, ShelterRequest | None]:
    _require(actor, stay.site)
    request, earlier = claim_request(
        request_id, {**content, "stay": str(stay.uuid)}, site=stay.site
    )
    return _locked(stay), request, earlier


def _release(stay: Stay, when: datetime) -> None:
    stay.assignments.filter(released_at__isnull=True).update(released_at=when)


def stay_arrive(*, actor: User, stay: Stay, request_id: uuid_lib.UUID | None = None) -> StayWritten:
    """The household of a reservation has come: the stay starts (and is delivered)."""
    with transaction.atomic():
        stay, request, earlier = _stay_write(actor, stay, {"op": "arrive"}, request_id)
        if earlier is not None:
            return _earlier_stay(earlier)
        if stay.status != StayStatus.RESERVED:
            raise Refused(_("Only a reservation can be taken up."), code="not_reserved")
        now = timezone.now()
        stay.status, stay.checked_in_at = StayStatus.CHECKED_IN, now
        stay.save(update_fields=["status", "checked_in_at"])
        _deliver(actor, stay, now)
        log(actor, actions.UPDATE, stay, organization=stay.site.organization, change="arrived")
        note(request, stay=stay)
        return StayWritten(stay)


def stay_no_show(
    *, actor: User, stay: Stay, request_id: uuid_lib.UUID | None = None
) -> StayWritten:
    """A reservation not taken up by its time: its beds are free again."""
    with transaction.atomic():
        stay, request, earlier = _stay_write(actor, stay, {"op": "no_show"}, request_id)
        if earlier is not None:
            return _earlier_stay(earlier)
        if stay.status != StayStatus.RESERVED:
            raise Refused(_("Only a reservation can be a no-show."), code="not_reserved")
        now = timezone.now()
        if stay.reserved_until is not None and stay.reserved_until > now:
            raise Refused(
                _("The reservation is held until %(time)s: wait until then.")
                % {"time": timezone.localtime(stay.reserved_until).strftime("%d/%m/%Y %H:%M")},
                code="reservation_still_held",
            )  # fmt: skip
        stay.status, stay.checked_out_at = StayStatus.NO_SHOW, now
        stay.save(update_fields=["status", "checked_out_at"])
        _release(stay, now)
        log(actor, actions.UPDATE, stay, organization=stay.site.organization, change="no_show")
        note(request, stay=stay)
        return StayWritten(stay)


def stay_extend(
    *, actor: User, stay: Stay, nights: int, reason: str,
    request_id: uuid_lib.UUID | None = None,
) -> StayWritten:  # fmt: skip
    """Keep the household `nights` more nights, with a reason (kept, and the extension
    audited): each extension at most the site's maximum."""
    reason = reason.strip()
    content = {"op": "extend", "nights": nights, "reason": reason}
    with transaction.atomic():
        stay, request, earlier = _stay_write(actor, stay, content, request_id)
        if earlier is not None:
            return _earlier_stay(earlier)
        if stay.status != StayStatus.CHECKED_IN:
            raise Refused(_("Only a stay in progress can be extended."), code="stay_closed")
        if not reason:
            raise ValidationError({"reason": [_("Say why the stay is extended.")]})
        check_nights(stay.site, nights)
        previous = stay.leaves_on
        stay.leaves_on = max(previous, timezone.localdate()) + timedelta(days=nights)
        stay.save(update_fields=["leaves_on"])
        StayExtension.objects.create(
            stay=stay, previous_leaves_on=previous, leaves_on=stay.leaves_on, reason=reason,
            actor=actor,
        )  # fmt: skip
        log(actor, actions.UPDATE, stay, organization=stay.site.organization, change="extended",
            nights=nights)  # fmt: skip
        note(request, stay=stay)
        return StayWritten(stay)


def stay_check_out(
    *, actor: User, stay: Stay, request_id: uuid_lib.UUID | None = None,
    when: datetime | None = None,
) -> StayWritten:  # fmt: skip
    """The household leaves: its beds are free again (`when`: it left earlier)."""
    with transaction.atomic():
        stay, request, earlier = _stay_write(actor, stay, {"op": "check_out"}, request_id)
        if earlier is not None:
            return _earlier_stay(earlier)
        if stay.status != StayStatus.CHECKED_IN:
            raise Refused(_("This household is not staying here now."), code="stay_closed")
        now = _past(when)
        if stay.checked_in_at is not None and now < stay.checked_in_at:
            raise ValidationError({"when": [_("The household cannot leave before it arrived.")]})
        stay.status, stay.checked_out_at = StayStatus.CHECKED_OUT, now
        stay.save(update_fields=["status", "checked_out_at"])
        _release(stay, now)
        log(actor, actions.UPDATE, stay, organization=stay.site.organization, change="checked_out")
        note(request, stay=stay)
        return StayWritten(stay)


# --- waiting list ---------------------------------------------------------------------


def waiting_add(
    *, actor: User, site: Site, household: Household, needs: str = "", priority: int = 2,
    size: int | None = None, request_id: uuid_lib.UUID | None = None,
) -> WaitingWritten:  # fmt: skip
    _require(actor, site)
    if household.organization_id != site.organization_id or household.country_id != site.country_id:
        raise ValidationError({"household": [_("Choose a household registered here.")]})
    if priority not in (1, 2, 3):
        raise ValidationError({"priority": [_("Choose a priority from 1 (highest) to 3.")]})
    members = household.members.filter(anonymised_at__isnull=True).count()
    size = members if size is None else size
    if not 1 <= size <= 50:
        raise ValidationError({"size": [_("Enter between 1 and 50 people.")]})
    needs = needs.strip()
    content = {"op": "wait", "household": str(household.uuid), "needs": needs,
               "priority": priority, "size": size}  # fmt: skip
    with transaction.atomic():
        request, earlier = claim_request(request_id, content, site=site)
        if earlier is not None and earlier.waiting is not None:
            return WaitingWritten(earlier.waiting, replayed=True)
        if WaitingEntry.objects.filter(site=site, household=household,
                                       closed_at__isnull=True).exists():  # fmt: skip
            raise Refused(_("This household is already on the waiting list."),
                          code="already_waiting", field="household")  # fmt: skip
        entry = WaitingEntry.objects.create(
            site=site, household=household, size=size, needs=needs, priority=priority,
            added_on=timezone.localdate(), actor=actor,
        )  # fmt: skip
        log(actor, actions.CREATE, entry, organization=site.organization)
        note(request, waiting=entry)
        return WaitingWritten(entry)


def waiting_remove(*, actor: User, entry: WaitingEntry) -> WaitingEntry:
    """The household no longer waits (found another place, moved on)."""
    _require(actor, entry.site)
    with transaction.atomic():
        locked = WaitingEntry.objects.select_for_update().get(pk=entry.pk)
        if locked.closed_at is not None:
            raise Refused(_("This household is no longer on the waiting list."),
                          code="not_waiting")  # fmt: skip
        locked.closed_at, locked.closed_reason = timezone.now(), WaitingEntry.Closed.WITHDRAWN
        locked.save(update_fields=["closed_at", "closed_reason"])
        log(actor, actions.UPDATE, locked, organization=entry.site.organization,
            change="withdrawn")  # fmt: skip
    return locked


# --- nightly headcount ----------------------------------------------------------------


def headcount_record(
    *, actor: User, site: Site, night: date, present: Iterable[Person],
    request_id: uuid_lib.UUID | None = None,
) -> HeadcountWritten:  # fmt: skip
    """Who is present on `night` among the guests holding a bed: everybody else is absent.
    One list per site and night; recording the night again corrects it."""
    _require(actor, site)
    today = timezone.localdate()
    if night > today:
        raise ValidationError({"night": [_("The night cannot be in the future.")]})
    if night < today - timedelta(days=HEADCOUNT_DAYS_BACK):
        raise ValidationError(
            {
                "night": [
                    _("Record a night of the last %(days)s days.") % {"days": HEADCOUNT_DAYS_BACK}
                ]
            }
        )
    present_ids = {p.pk for p in present}
    content = {"op": "headcount", "night": night.isoformat(),
               "present": sorted(str(p.uuid) for p in present)}  # fmt: skip
    with transaction.atomic():
        request, earlier = claim_request(request_id, content, site=site)
        if earlier is not None and earlier.headcount is not None:
            return HeadcountWritten(earlier.headcount, replayed=True)
        guests = assignments_on(site, night)
        if present_ids - {a.person_id for a in guests}:
            raise ValidationError({"present": [_("Mark only guests who held a bed that night.")]})
        headcount, created = Headcount.objects.select_for_update().get_or_create(
            site=site, night=night, defaults={"recorded_by": actor, "recorded_at": timezone.now()}
        )
        if not created:
            headcount.recorded_by, headcount.recorded_at = actor, timezone.now()
            headcount.save(update_fields=["recorded_by", "recorded_at"])
            headcount.lines.all().delete()
        HeadcountLine.objects.bulk_create([
            HeadcountLine(headcount=headcount, person_id=a.person_id, stay_id=a.stay_id,
                          present=a.person_id in present_ids)
            for a in guests
        ])  # fmt: skip
        log(actor, actions.CREATE if created else actions.UPDATE, headcount,
            organization=site.organization, present=len(present_ids),
            absent=len(guests) - len(present_ids))  # fmt: skip
        note(request, headcount=headcount)
        return HeadcountWritten(headcount)
