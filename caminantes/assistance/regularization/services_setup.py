"""Regularization set-up by country managers: the schemes and their steps, the offices and
their appointment slots. (Enrolments and their steps are in `services`, appointments in
`services_appointments`.)"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from caminantes.accounts.models import Organization, User
from caminantes.assistance.regularization import seeds, services
from caminantes.assistance.regularization.models import (
    MAX_CAPACITY,
    Office,
    Scheme,
    Slot,
    Step,
)
from caminantes.audit import actions
from caminantes.audit.log import log
from caminantes.geo.models import Country, Place
from caminantes.registry.models import Document

MAX_SLOTS_AT_ONCE = 500
MAX_DAYS_AHEAD = 366


# --- schemes (country managers) ---------------------------------------------------------


def schemes_seed() -> int:
    """The real schemes (seeds.SCHEMES) for the countries loaded and not yet holding them."""
    with transaction.atomic():
        made = seeds.seed(Scheme, Step, Country)
        if made:
            log(None, actions.CREATE, Scheme, count=made, actor_email="system:regularization")
    return made


def _clean_step(name: str, document_type: str) -> str:
    name = name.strip()
    errors: dict[str, list[str]] = {}
    if not name:
        errors["name"] = [_("Enter the step's name.")]
    if document_type and document_type not in Document.Type.values:
        errors["document_type"] = [_("Choose a document type from the list.")]
    if errors:
        raise ValidationError(errors)
    return name


def scheme_update(
    *, actor: User, scheme: Scheme, name: str, description: str, is_active: bool
) -> Scheme:
    services.require_manager(actor, scheme, scheme.country)
    name = name.strip()
    if not name:
        raise ValidationError({"name": [_("Enter the scheme's name.")]})
    with transaction.atomic():
        scheme.name, scheme.description, scheme.is_active = name, description.strip(), is_active
        scheme.save(update_fields=["name", "description", "is_active", "updated_at"])
        log(actor, actions.UPDATE, scheme, change="scheme")
    return scheme


def step_update(
    *,
    actor: User,
    step: Step,
    name: str,
    needs_appointment: bool,
    document_type: str,
    may_skip: bool,
) -> Step:
    services.require_manager(actor, step, step.scheme.country)
    name = _clean_step(name, document_type)
    with transaction.atomic():
        step.name, step.needs_appointment = name, needs_appointment
        step.document_type, step.may_skip = document_type, may_skip
        step.save(update_fields=["name", "needs_appointment", "document_type", "may_skip"])
        log(actor, actions.UPDATE, step, change="step")
    return step


def step_add(
    *,
    actor: User,
    scheme: Scheme,
    name: str,
    needs_appointment: bool = False,
    document_type: str = "",
    may_skip: bool = False,
) -> Step:
    """A new step at the end of the scheme."""
    services.require_manager(actor, scheme, scheme.country)
    name = _clean_step(name, document_type)
    with transaction.atomic():
        locked = Scheme.objects.select_for_update().get(pk=scheme.pk)
        last = locked.steps.order_by("-position").values_list("position", flat=True).first()
        step = Step.objects.create(
            scheme=locked,
            position=(last or 0) + 1,
            name=name,
            needs_appointment=needs_appointment,
            document_type=document_type,
            may_skip=may_skip,
        )
        log(actor, actions.CREATE, step)
    return step


# --- offices and slots -------------------------------------------------------------------


def office_create(
    *,
    actor: User,
    organization: Organization,
    country: Country,
    name: str,
    address: str = "",
    place: Place | None = None,
) -> Office:
    services.require_caseworker(actor, Office, organization.pk, country.pk)
    name = name.strip()
    if not name:
        raise ValidationError({"name": [_("Enter the office's name.")]})
    if place is not None and place.country_id != country.pk:
        raise ValidationError({"place": [_("Choose a place in the office's country.")]})
    with transaction.atomic():
        if Office.objects.filter(organization=organization, country=country, name=name).exists():
            raise ValidationError({"name": [_("An office of that name already exists here.")]})
        office = Office.objects.create(
            organization=organization,
            country=country,
            name=name,
            address=address.strip(),
            place=place,
        )
        log(actor, actions.CREATE, office, organization=organization)
    return office


def slot_times(
    first_day: date, last_day: date, start: time, end: time, every: int
) -> list[datetime]:
    """The start of each slot: every `every` minutes from `start` until before `end`, on each
    day from `first_day` to `last_day` (in the local time zone)."""
    zone = timezone.get_current_timezone()
    result = []
    day = first_day
    while day <= last_day:
        moment = datetime.combine(day, start, tzinfo=zone)
        stop = datetime.combine(day, end, tzinfo=zone)
        while moment < stop:
            result.append(moment)
            moment += timedelta(minutes=every)
        day += timedelta(days=1)
    return result


def slots_open(
    *,
    actor: User,
    office: Office,
    step: Step,
    first_day: date,
    last_day: date,
    start: time,
    end: time,
    every_minutes: int,
    capacity: int = 1,
) -> list[Slot]:
    """Open appointment slots for a step at an office: one every `every_minutes` between
    `start` and `end` on each day of the range. A time already open is left as it is."""
    services.require_caseworker(actor, office, office.organization_id, office.country_id)
    errors: dict[str, list[str]] = {}
    today = timezone.localdate()
    if step.scheme.country_id != office.country_id:
        errors["step"] = [_("Choose a step of a scheme of the office's country.")]
    elif not step.needs_appointment:
        errors["step"] = [_("This step takes no appointment.")]
    if first_day < today:
        errors["first_day"] = [_("Open slots from today on, not in the past.")]
    if last_day < first_day:
        errors["last_day"] = [_("The last day cannot be before the first.")]
    elif last_day > today + timedelta(days=MAX_DAYS_AHEAD):
        errors["last_day"] = [_("Open slots at most a year ahead.")]
    if end <= start:
        errors["end"] = [_("The end time must be after the start time.")]
    if not 5 <= every_minutes <= 480:
        errors["every_minutes"] = [_("Enter between 5 and 480 minutes.")]
    if not 1 <= capacity <= MAX_CAPACITY:
        errors["capacity"] = [_("Enter a capacity between 1 and %(max)s.") % {"max": MAX_CAPACITY}]
    if errors:
        raise ValidationError(errors)
    now = timezone.now()
    moments = [m for m in slot_times(first_day, last_day, start, end, every_minutes) if m > now]
    if not moments:
        raise ValidationError({"start": [_("These times have all passed: choose later ones.")]})
    if len(moments) > MAX_SLOTS_AT_ONCE:
        raise ValidationError(
            {
                "last_day": [
                    _("That makes %(n)s slots; open at most %(max)s at once.")
                    % {"n": len(moments), "max": MAX_SLOTS_AT_ONCE}
                ]
            }
        )
    with transaction.atomic():
        taken = set(
            Slot.objects.filter(office=office, step=step, starts_at__in=moments).values_list(
                "starts_at", flat=True
            )
        )
        made = Slot.objects.bulk_create(
            [
                Slot(office=office, step=step, starts_at=m, capacity=capacity, created_by=actor)
                for m in moments
                if m not in taken
            ]
        )
        log(
            actor,
            actions.CREATE,
            office,
            organization=office.organization,
            change="slots_opened",
            slots=len(made),
        )
    return made
