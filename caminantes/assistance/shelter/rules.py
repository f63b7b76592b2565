"""The rules of a stay that need no database write: which person may sleep in which bed,
and how many nights a site allows. Raised as the services' refusals (`Refused`, with a
machine-readable code) or as ValidationErrors of the field at fault."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from caminantes.assistance.errors import Refused
from caminantes.assistance.shelter.models import Bed, BedKind, Site
from caminantes.registry.models import Household, Person, Sex

# Our rule: boys under this age may sleep in a women-only room (with their mother).
WOMEN_ONLY_BOYS_UNDER = 12
CHILD_BED_UNDER = 14
COT_UNDER = 3

Placement = tuple[Person, Bed]


def refuse_placement(person: Person, bed: Bed, household_has_child: bool, on: date) -> None:
    age = person.age_on(on)
    name = person.full_name
    room = bed.room
    if (
        room.women_only
        and person.sex != Sex.FEMALE
        and not (age is not None and age < WOMEN_ONLY_BOYS_UNDER)
    ):
        raise Refused(
            _("%(name)s cannot take a bed in %(room)s: the room is for women only.")
            % {"name": name, "room": room.name},
            code="room_women_only", field="placements",
        )  # fmt: skip
    if room.families and not household_has_child:
        raise Refused(
            _("%(room)s is for families with children.") % {"room": room.name},
            code="room_families_only", field="placements",
        )  # fmt: skip
    limit = {BedKind.COT: COT_UNDER, BedKind.CHILD: CHILD_BED_UNDER}.get(BedKind(bed.kind))
    if limit is not None and not (age is not None and age < limit):
        raise Refused(
            _("Bed %(bed)s is a %(kind)s, for a child under %(age)s: choose another bed for "
              "%(name)s.")
            % {"bed": bed.label, "kind": BedKind(bed.kind).label.lower(), "age": limit,
               "name": name},
            code="bed_wrong_kind", field="placements",
        )  # fmt: skip


def check_nights(site: Site, nights: int, field: str = "nights") -> None:
    if nights < 1:
        raise ValidationError({field: [_("Enter at least 1 night.")]})
    if nights > site.max_nights:
        raise Refused(
            _("%(site)s takes guests for at most %(max)s nights at a time; extend the stay "
              "later, with a reason.") % {"site": site.name, "max": site.max_nights},
            code="stay_too_long", field=field,
        )  # fmt: skip


def validate_placements(site: Site, household: Household, placements: Sequence[Placement]) -> None:
    if not placements:
        raise ValidationError({"placements": [_("Choose a bed for at least one person.")]})
    people = [p for p, _b in placements]
    beds = [b for _p, b in placements]
    if len({p.pk for p in people}) != len(people):
        raise ValidationError({"placements": [_("Each person takes one bed.")]})
    if len({b.pk for b in beds}) != len(beds):
        raise ValidationError({"placements": [_("Each bed takes one person.")]})
    for p in people:
        if p.household_id != household.pk or p.anonymised_at is not None:
            raise ValidationError({"placements": [_("Choose members of this household.")]})
    for b in beds:
        if b.room.site_id != site.pk or not b.is_active:
            raise ValidationError({"placements": [_("Choose beds of this shelter.")]})
