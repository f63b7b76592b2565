"""Writes that correct a shelter's rooms and beds: rename a room, take a bed (or every bed of
a room) out of use, and put a bed back in use.

A bed taken out of use is no longer offered at check-in and is not counted in the capacity
from the night it was taken out (`Bed.deactivated_at`, read by
`selectors.occupancy_by_night`). A bed held by a guest or a reservation cannot be taken out of
use: the beds are locked (select_for_update, primary-key order, as a check-in locks them)
before their assignments are read, and a check-in re-reads `is_active` once it holds the lock.
"""

from __future__ import annotations

import uuid as uuid_lib
from dataclasses import dataclass
from datetime import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from caminantes.accounts.models import User
from caminantes.accounts.permissions import Perm
from caminantes.assistance.errors import Refused
from caminantes.assistance.shelter.models import Bed, BedAssignment, Room, Site
from caminantes.assistance.shelter.services import claim_request, may_manage
from caminantes.audit import actions
from caminantes.audit.log import log


def _require(actor: User, site: Site) -> None:
    if not may_manage(actor, site):
        log(actor, actions.ACCESS_DENIED, site, "denied", permission=Perm.MANAGE_SHELTER.value)
        raise PermissionDenied


def room_rename(*, actor: User, room: Room, name: str) -> Room:
    """Give the room another name (unique in its site); the beds keep their labels."""
    _require(actor, room.site)
    name = name.strip()
    if not name:
        raise ValidationError({"name": [_("Enter the room's name.")]})
    if len(name) > 60:
        raise ValidationError({"name": [_("Enter at most 60 characters.")]})
    with transaction.atomic():
        locked = Room.objects.select_for_update().get(pk=room.pk)
        if name == locked.name:
            return locked
        if Room.objects.filter(site_id=locked.site_id, name=name).exclude(pk=locked.pk).exists():
            raise ValidationError({"name": [_("A room of that name already exists here.")]})
        old = locked.name
        locked.name = name
        try:
            with transaction.atomic():
                locked.save(update_fields=["name"])
        except IntegrityError:  # renamed the same way at the same moment elsewhere
            raise ValidationError(
                {"name": [_("A room of that name already exists here.")]}
            ) from None
        log(actor, actions.UPDATE, locked, organization=room.site.organization,
            change="renamed", old=old, new=name)  # fmt: skip
    room.name = name
    return locked


@dataclass
class BedsWritten:
    beds: list[Bed]
    replayed: bool = False


def _take_out_of_use(actor: User, site: Site, beds: list[Bed], now: datetime) -> list[Bed]:
    """Lock `beds` (primary-key order, as a check-in does), refuse if a guest or a reservation
    holds one, then take them out of use from `now`."""
    ids = sorted(b.pk for b in beds)
    locked = list(Bed.objects.select_for_update().filter(pk__in=ids).order_by("pk"))
    held = (
        BedAssignment.objects.filter(bed_id__in=ids, released_at__isnull=True)
        .select_related("bed").order_by("bed__label").first()
    )  # fmt: skip
    if held is not None:
        raise Refused(
            _("Bed %(bed)s is held by a guest or a reservation: check them out, or move them, "
              "before taking it out of use.") % {"bed": held.bed.label},
            code="bed_held",
        )  # fmt: skip
    changed = [b for b in locked if b.is_active]
    for bed in changed:
        bed.is_active = False
        bed.deactivated_at = now
    Bed.objects.bulk_update(changed, ["is_active", "deactivated_at"])
    for bed in changed:
        log(actor, actions.UPDATE, bed, organization=site.organization, change="deactivated")
    return locked


def bed_deactivate(
    *, actor: User, bed: Bed, request_id: uuid_lib.UUID | None = None
) -> BedsWritten:
    """Take a bed out of use: no longer offered at check-in, not counted in the capacity from
    tonight. Refused while a guest or a reservation holds it."""
    site = bed.room.site
    _require(actor, site)
    with transaction.atomic():
        content = {"op": "bed_deactivate", "bed": str(bed.uuid)}
        _request, earlier = claim_request(request_id, content, site=site)
        if earlier is not None:
            bed.refresh_from_db()
            return BedsWritten([bed], replayed=True)
        locked = _take_out_of_use(actor, site, [bed], timezone.now())
    bed.refresh_from_db()
    return BedsWritten(locked)


def bed_reactivate(*, actor: User, bed: Bed) -> Bed:
    """Put a bed back in use (offered and counted again; its night-by-night history then
    counts it from its creation, as before it was taken out of use)."""
    site = bed.room.site
    _require(actor, site)
    with transaction.atomic():
        locked = Bed.objects.select_for_update().get(pk=bed.pk)
        if not locked.is_active:
            locked.is_active = True
            locked.deactivated_at = None
            locked.save(update_fields=["is_active", "deactivated_at"])
            log(actor, actions.UPDATE, locked, organization=site.organization,
                change="reactivated")  # fmt: skip
    bed.refresh_from_db()
    return locked


def room_deactivate(*, actor: User, room: Room) -> list[Bed]:
    """Take every bed of the room out of use at once; refused, changing nothing, while a guest
    or a reservation holds any of them."""
    site = room.site
    _require(actor, site)
    with transaction.atomic():
        beds = list(room.beds.filter(is_active=True))
        if not beds:
            raise Refused(_("This room has no bed in use."), code="room_out_of_use")
        return _take_out_of_use(actor, site, beds, timezone.now())
