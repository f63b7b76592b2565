"""Reads of regularization, always through the access policy: schemes, offices and their
slots by day, a person's enrolments, the day's appointments, and how many people wait at
each step."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from django.db.models import Count, F, Q, QuerySet
from django.http import Http404
from django.utils import timezone

from caminantes.accounts import policies
from caminantes.accounts.permissions import Perm
from caminantes.assistance.regularization.models import (
    Appointment,
    AppointmentStatus,
    Enrolment,
    EnrolmentStatus,
    Office,
    Reminder,
    Scheme,
    Slot,
    Step,
)
from caminantes.geo.models import Country
from caminantes.registry import selectors as registry
from caminantes.registry.models import Person


def day_bounds(day: date) -> tuple[datetime, datetime]:
    zone = timezone.get_current_timezone()
    start = datetime.combine(day, datetime.min.time(), tzinfo=zone)
    return start, start + timedelta(days=1)


def work_countries(user: Any) -> QuerySet[Country]:
    """The countries where the user follows people (REFER) or configures schemes."""
    ids: set[int] = set()
    for g in policies.grants(user):
        if Perm.REFER in g.perms or Perm.MANAGE_SCHEMES in g.perms:
            ids |= g.country_ids
    return Country.objects.filter(pk__in=ids).order_by("iso2")


def schemes_for_user(*, user: Any) -> QuerySet[Scheme]:
    """The schemes of the countries the user works in, with their steps."""
    return (
        policies.visible(user, Scheme)
        .filter(country__in=work_countries(user))
        .select_related("country")
        .prefetch_related("steps")
        .order_by("country__iso2", "name")
    )


def get_scheme_for_user(*, user: Any, uuid: Any) -> Scheme:
    return policies.get_for_user(user, Scheme, uuid)


def get_step_for_user(*, user: Any, uuid: Any) -> Step:
    return policies.get_for_user(user, Step, uuid)


def offices_for_user(*, user: Any) -> QuerySet[Office]:
    return (
        policies.visible(user, Office)
        .select_related("organization", "country", "place")
        .order_by("country__iso2", "name")
    )


def get_office_for_user(*, user: Any, uuid: Any) -> Office:
    return policies.get_for_user(user, Office, uuid)


def get_slot_for_user(*, user: Any, uuid: Any) -> Slot:
    return policies.get_for_user(user, Slot, uuid)


def get_enrolment_for_user(*, user: Any, uuid: Any) -> Enrolment:
    """An enrolment (personal data: the read is audited by the policy door), 404 otherwise."""
    return policies.get_for_user(user, Enrolment, uuid)


def get_appointment_for_user(*, user: Any, uuid: Any) -> Appointment:
    return policies.get_for_user(user, Appointment, uuid)


def person_for_user(*, user: Any, uuid: Any) -> Person:
    """A registered person the user may follow: visible in the registry and in a household
    where the user holds REFER. 404 otherwise (the two look the same)."""
    person = registry.person_detail(user=user, uuid=uuid)
    household = person.household
    if not policies.has_perm(
        user,
        Perm.REFER,
        organization_id=household.organization_id,
        country_id=household.country_id,
    ):
        raise Http404
    return person


def enrolments_of(*, user: Any, person: Person) -> list[Enrolment]:
    """The person's enrolments the user may see, newest first; the read is audited."""
    found = list(
        policies.visible(user, Enrolment)
        .filter(person=person)
        .select_related("scheme", "step")
        .prefetch_related("changes__from_step", "changes__to_step", "changes__actor")
        .order_by("-started_at")
    )
    policies.record_reads(user, Enrolment, found)
    return found


def appointments_of(enrolment: Enrolment) -> QuerySet[Appointment]:
    return enrolment.appointments.select_related("slot__office", "step").order_by("slot__starts_at")


def slots_for_booking(*, user: Any, enrolment: Enrolment, limit: int = 60) -> list[Slot]:
    """Free slots ahead for the enrolment's steps that need an appointment (the current one
    and those still to come), at the user's offices of its organisation and country."""
    return list(
        policies.visible(user, Slot)
        .filter(
            office__organization=enrolment.organization_id,
            office__country=enrolment.country_id,
            office__is_active=True,
            step__scheme=enrolment.scheme_id,
            step__position__gte=enrolment.step.position,
            starts_at__gt=timezone.now(),
            booked__lt=F("capacity"),
        )
        .select_related("office", "step")
        .order_by("starts_at", "office__name")[:limit]
    )


def slots_on(*, user: Any, office: Office, day: date) -> list[Slot]:
    """An office's slots of one day with their booked appointments (persons audited by the
    caller when shown)."""
    start, end = day_bounds(day)
    return list(
        policies.visible(user, Slot)
        .filter(office=office, starts_at__gte=start, starts_at__lt=end)
        .select_related("step__scheme")
        .prefetch_related("appointments__person", "appointments__enrolment")
        .order_by("starts_at", "step__position")
    )


def days_with_slots(office: Office, start: date, days: int = 14) -> list[tuple[date, int, int]]:
    """For each day of the next `days`, (day, places, booked) at the office."""
    first, _end = day_bounds(start)
    rows: dict[date, tuple[int, int]] = {}
    for slot in Slot.objects.filter(
        office=office, starts_at__gte=first, starts_at__lt=first + timedelta(days=days)
    ).only("starts_at", "capacity", "booked"):
        d = timezone.localdate(slot.starts_at)
        places, booked = rows.get(d, (0, 0))
        rows[d] = (places + slot.capacity, booked + slot.booked)
    return [
        (start + timedelta(days=i), *rows.get(start + timedelta(days=i), (0, 0)))
        for i in range(days)
    ]


def appointments_on(*, user: Any, day: date) -> list[Appointment]:
    """The appointments of one day at the user's offices, booked or closed, by time."""
    start, end = day_bounds(day)
    return list(
        policies.visible(user, Appointment)
        .filter(slot__starts_at__gte=start, slot__starts_at__lt=end)
        .exclude(status=AppointmentStatus.CANCELLED)
        .select_related("slot__office", "step__scheme", "person", "enrolment", "reminder")
        .order_by("slot__starts_at", "slot__office__name", "pk")
    )


def my_reminders(*, user: Any) -> list[Reminder]:
    """The user's unread reminders of appointments still ahead or of today."""
    start, _end = day_bounds(timezone.localdate())
    visible = policies.visible(user, Appointment)
    return list(
        Reminder.objects.filter(
            user=user,
            read_at__isnull=True,
            appointment__in=visible,
            appointment__slot__starts_at__gte=start,
        )
        .select_related("appointment__slot__office", "appointment__person", "appointment__step")
        .order_by("appointment__slot__starts_at")
    )


@dataclass
class WaitingRow:
    scheme: Scheme
    step: Step
    waiting: int
    booked: int  # of them, with an appointment booked for this step
    oldest: datetime | None


def waiting_counts(*, user: Any, country: Country | None = None) -> list[WaitingRow]:
    """People at each step of each scheme (active enrolments the user may see), with how many
    of them have an appointment booked for it and since when the longest has waited. Counts
    only: no person is named, so nothing is audited."""
    enrolments = policies.visible(user, Enrolment).filter(status=EnrolmentStatus.ACTIVE)
    if country is not None:
        enrolments = enrolments.filter(country=country)
    counted = {
        row["step"]: row
        for row in enrolments.values("step")
        .annotate(
            n=Count("pk"),
            booked=Count(
                "appointments",
                filter=Q(
                    appointments__status=AppointmentStatus.BOOKED, appointments__step=F("step")
                ),
                distinct=True,
            ),
        )
        .order_by()
    }
    oldest: dict[int, datetime] = {}
    for step_id, since in enrolments.values_list("step", "step_since").order_by("step_since"):
        oldest.setdefault(step_id, since)
    rows = []
    schemes = schemes_for_user(user=user)
    if country is not None:
        schemes = schemes.filter(country=country)
    for scheme in schemes:
        for step in scheme.steps.all():
            row = counted.get(step.pk, {"n": 0, "booked": 0})
            rows.append(WaitingRow(scheme, step, row["n"], row["booked"], oldest.get(step.pk)))
    return rows
