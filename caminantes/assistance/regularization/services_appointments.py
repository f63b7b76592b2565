"""Appointments: booking a slot for a person's enrolment, cancelling, attended or no-show,
and the reminders of tomorrow's appointments.

A booking locks the slot row (select_for_update) and then takes a place with a conditional
increment (`booked < capacity`), under the CHECK `booked <= capacity`; the person's one
booked appointment per step is a partial unique constraint, and an IntegrityError from it is
answered as the refusal it stands for. So two desks (or two API calls) booking the last
place, or the same person twice, at the same moment: one wins, the other is told why.
"""

from __future__ import annotations

import uuid as uuid_lib
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from caminantes.accounts.models import User
from caminantes.assistance.errors import Refused
from caminantes.assistance.regularization.models import (
    Appointment,
    AppointmentStatus,
    Enrolment,
    Reminder,
    Slot,
)
from caminantes.assistance.regularization.services import claim_request, require_caseworker
from caminantes.audit import actions
from caminantes.audit.log import log
from caminantes.lib.idempotency import note
from caminantes.registry import consent


@dataclass
class AppointmentWritten:
    appointment: Appointment
    replayed: bool = False


def _refuse_booking(enrolment: Enrolment, slot: Slot, now: datetime) -> None:
    if not enrolment.is_active:
        raise Refused(_("This enrolment is closed."), code="enrolment_closed")
    if (
        slot.office.organization_id != enrolment.organization_id
        or slot.office.country_id != enrolment.country_id
    ):
        raise ValidationError({"slot": [_("Choose a slot of one of your offices here.")]})
    if slot.step.scheme_id != enrolment.scheme_id:
        raise ValidationError({"slot": [_("Choose a slot for a step of this person's scheme.")]})
    if slot.step.position < enrolment.step.position:
        raise Refused(
            _("The person has passed this step already."), code="step_passed", field="slot"
        )
    if slot.starts_at <= now:
        raise Refused(
            _("This slot has passed: choose a later one."), code="slot_past", field="slot"
        )
    if not slot.office.is_active:
        raise Refused(_("This office is closed."), code="office_closed", field="slot")


def _already_booked(enrolment: Enrolment, slot: Slot) -> Refused:
    return Refused(
        _("%(name)s already has an appointment for this step: cancel it first.")
        % {"name": enrolment.person.full_name},
        code="already_booked",
        field="slot",
    )


def appointment_book(
    *, actor: User, enrolment: Enrolment, slot: Slot, request_id: uuid_lib.UUID | None = None
) -> AppointmentWritten:
    """Book a place in `slot` for the enrolment's person (the slot's step is the current one
    or one still ahead)."""
    require_caseworker(actor, enrolment, enrolment.organization_id, enrolment.country_id)
    content = {"op": "book", "slot": str(slot.uuid)}
    with transaction.atomic():
        request, earlier = claim_request(request_id, content, enrolment=enrolment)
        if earlier is not None:
            assert earlier.appointment is not None  # every booking request names what it made
            return AppointmentWritten(earlier.appointment, replayed=True)
        now = timezone.now()
        locked = (
            Slot.objects.select_for_update(of=("self",))
            .select_related("office__organization", "step")
            .get(pk=slot.pk)
        )
        enrolment = Enrolment.objects.select_related("step", "person").get(pk=enrolment.pk)
        _refuse_booking(enrolment, locked, now)
        taken = Slot.objects.filter(pk=locked.pk, booked__lt=F("capacity")).update(
            booked=F("booked") + 1
        )
        if not taken:
            raise Refused(_("This slot is full: choose another."), code="slot_full", field="slot")
        # The person's one booked appointment per step is the partial unique constraint's to
        # hold (a look first would cost a query and still race). No savepoint: the refusal
        # ends the transaction, place taken included.
        try:
            appointment = Appointment.objects.create(
                slot=locked,
                enrolment=enrolment,
                person_id=enrolment.person_id,
                step=locked.step,
                booked_by=actor,
                booked_at=now,
            )
        except IntegrityError as exc:  # booked for this step already (or by a desk just now)
            raise _already_booked(enrolment, locked) from exc
        log(
            actor,
            actions.CREATE,
            appointment,
            organization=locked.office.organization,
            slot=str(locked.uuid),
        )
        note(request, appointment=appointment)
        return AppointmentWritten(appointment)


def _locked(appointment: Appointment) -> Appointment:
    return (
        Appointment.objects.select_for_update(of=("self",))
        .select_related("slot__office", "enrolment", "person")
        .get(pk=appointment.pk)
    )


def appointment_cancel(
    *,
    actor: User,
    appointment: Appointment,
    reason: str = "",
    request_id: uuid_lib.UUID | None = None,
) -> AppointmentWritten:
    """Cancel a booked appointment: its place is free again."""
    enrolment = appointment.enrolment
    require_caseworker(actor, appointment, enrolment.organization_id, enrolment.country_id)
    content = {"op": "cancel", "appointment": str(appointment.uuid), "reason": reason.strip()}
    with transaction.atomic():
        request, earlier = claim_request(request_id, content, enrolment=enrolment)
        if earlier is not None:
            return AppointmentWritten(_locked(appointment), replayed=True)
        locked = _locked(appointment)
        if locked.status != AppointmentStatus.BOOKED:
            raise Refused(_("Only a booked appointment can be cancelled."), code="not_booked")
        Slot.objects.select_for_update().get(pk=locked.slot_id)
        Slot.objects.filter(pk=locked.slot_id, booked__gt=0).update(booked=F("booked") - 1)
        locked.status, locked.closed_at = AppointmentStatus.CANCELLED, timezone.now()
        locked.reason = reason.strip()[:300]
        locked.save(update_fields=["status", "closed_at", "reason"])
        log(
            actor,
            actions.UPDATE,
            locked,
            organization=locked.slot.office.organization,
            change="cancelled",
        )
        note(request, appointment=locked)
        return AppointmentWritten(locked)


def appointment_attendance(*, actor: User, appointment: Appointment, attended: bool) -> Appointment:
    """Record on the day (or after) whether the person came. A no-show's place is not given
    back: its time has come."""
    enrolment = appointment.enrolment
    require_caseworker(actor, appointment, enrolment.organization_id, enrolment.country_id)
    with transaction.atomic():
        locked = _locked(appointment)
        if locked.status != AppointmentStatus.BOOKED:
            raise Refused(_("This appointment was already closed."), code="not_booked")
        now = timezone.now()
        if timezone.localdate(locked.slot.starts_at) > timezone.localdate(now):
            raise Refused(
                _("Record attendance on the day of the appointment or after."), code="not_yet"
            )
        locked.status = AppointmentStatus.ATTENDED if attended else AppointmentStatus.NO_SHOW
        locked.closed_at = now
        locked.save(update_fields=["status", "closed_at"])
        log(
            actor,
            actions.UPDATE,
            locked,
            organization=locked.slot.office.organization,
            change=locked.status,
        )
    return locked


def reminders_send(*, day: date | None = None) -> int:
    """One reminder for each appointment booked for `day` (default tomorrow) that has none
    yet, to the caseworker who booked it, saying whether the person agreed to be sent
    messages. Safe to run again: an appointment is reminded once. Returns how many."""
    day = day or timezone.localdate() + timedelta(days=1)
    zone = timezone.get_current_timezone()
    start = datetime.combine(day, datetime.min.time(), tzinfo=zone)
    due = (
        Appointment.objects.filter(
            status=AppointmentStatus.BOOKED,
            slot__starts_at__gte=start,
            slot__starts_at__lt=start + timedelta(days=1),
            reminder__isnull=True,
        )
        .select_related("person")
        .order_by("pk")
    )
    now = timezone.now()
    made = 0
    for appointment in due:
        try:
            with transaction.atomic():
                Reminder.objects.create(
                    appointment=appointment,
                    user=appointment.booked_by,
                    created_at=now,
                    may_message=consent.allowed(appointment.person, consent.Purpose.MESSAGING),
                )
        except IntegrityError:  # another run reminded it just now
            continue
        made += 1
    if made:
        log(
            None,
            actions.CREATE,
            Reminder,
            count=made,
            day=day.isoformat(),
            actor_email="system:regularization",
        )
    return made


def reminders_mark_read(*, user: User, reminder_ids: list[int]) -> int:
    with transaction.atomic():
        marked = Reminder.objects.filter(
            pk__in=reminder_ids, user=user, read_at__isnull=True
        ).update(read_at=timezone.now())
        if marked:
            log(user, actions.UPDATE, Reminder, change="read", count=marked)
    return marked
