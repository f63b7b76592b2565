"""Writes of regularization: schemes and their steps (country managers), offices and their
slots, and a person's enrolment moving step by step.

An enrolment moves forward one step at a time; it may jump ahead only over steps marked
"may be skipped", and goes back only with a reason. Completing a step that produces a
document records the document through the registry's own door (`document_add`: its
permission, its duplicate-number check, its timeline entry) and writes a service delivery
(sector "protection", R4V's home for documentation and regularization) in the same
transaction: either all of it is recorded or none.

Appointments are in `services_appointments`.
"""

from __future__ import annotations

import uuid as uuid_lib
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from functools import partial
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from caminantes.accounts import policies
from caminantes.accounts.models import User
from caminantes.accounts.permissions import Perm
from caminantes.assistance import delivery
from caminantes.assistance.errors import Refused, RequestConflict
from caminantes.assistance.models import Modality
from caminantes.assistance.regularization.models import (
    Appointment,
    AppointmentStatus,
    Enrolment,
    EnrolmentStatus,
    RegularizationRequest,
    Scheme,
    Slot,
    Step,
    StepChange,
)
from caminantes.audit import actions
from caminantes.audit.log import log
from caminantes.geo.models import Country
from caminantes.lib.idempotency import claim, note
from caminantes.registry import consent, timeline
from caminantes.registry import services as registry
from caminantes.registry.inputs import DocumentInput
from caminantes.registry.models import Document, Person

SECTOR = "protection"
INDICATOR = "people_documented"


@dataclass
class EnrolmentWritten:
    enrolment: Enrolment
    replayed: bool = False


# --- shared -----------------------------------------------------------------------------


def may_follow(user: Any, organization_id: int, country_id: int) -> bool:
    return policies.has_perm(
        user, Perm.REFER, organization_id=organization_id, country_id=country_id
    )


def require_caseworker(actor: User, obj: Any, organization_id: int, country_id: int) -> None:
    if not may_follow(actor, organization_id, country_id):
        log(actor, actions.ACCESS_DENIED, obj, "denied", permission=Perm.REFER.value)
        raise PermissionDenied


def may_configure(user: Any, country: Country) -> bool:
    return policies.has_perm(user, Perm.MANAGE_SCHEMES, country_id=country.pk)


def require_manager(actor: User, obj: Any, country: Country) -> None:
    if not may_configure(actor, country):
        log(actor, actions.ACCESS_DENIED, obj, "denied", permission=Perm.MANAGE_SCHEMES.value)
        raise PermissionDenied


# A write's request id, claimed on the enrolment it changes: `claim_request(request_id, content,
# enrolment=…)` gives the request row for a new write, or the earlier request's row (what it
# made). Called inside the write's transaction, it inserts first, without a look or a savepoint:
# a new request, the usual case, costs one statement, a re-send one more, and a request sent
# twice at once still waits for the other one's row and then finds it taken.
claim_request = partial(claim, RegularizationRequest, conflict=RequestConflict, insert_first=True)


# --- enrolments --------------------------------------------------------------------------


def _change(
    enrolment: Enrolment,
    kind: str,
    actor: User,
    when: datetime,
    *,
    from_step: Step | None = None,
    to_step: Step | None = None,
    reason: str = "",
    document: Document | None = None,
) -> None:
    StepChange.objects.create(
        enrolment=enrolment,
        kind=kind,
        from_step=from_step,
        to_step=to_step,
        reason=reason[:300],
        document=document,
        actor=actor,
        at=when,
    )


def _timeline(enrolment: Enrolment, actor: User, when: datetime, summary: str) -> None:
    timeline.record(
        enrolment.household,
        "regularization",
        enrolment,
        when,
        summary,
        params={"scheme": enrolment.scheme.name, "name": enrolment.person.full_name},
        actor=actor,
        organization=enrolment.organization,
    )


def enrolment_start(*, actor: User, person: Person, scheme: Scheme) -> Enrolment:
    """Enrol a registered person in a scheme of their household's country, at its first step.
    The registry's consent is asked first (a basis to process the person's data)."""
    household = person.household
    require_caseworker(actor, Enrolment, household.organization_id, household.country_id)
    if person.anonymised_at is not None or household.anonymised_at is not None:
        raise ValidationError({"person": [_("This person's record was erased.")]})
    if scheme.country_id != household.country_id:
        raise ValidationError(
            {"scheme": [_("Choose a scheme of the country where the person is registered.")]}
        )
    if not scheme.is_active:
        raise Refused(
            _("This scheme takes no new enrolments."), code="scheme_closed", field="scheme"
        )
    try:
        consent.require(person, consent.Purpose.REGISTRATION)
    except consent.ConsentRequired as exc:
        raise Refused(str(exc), code="consent_required", field="person") from exc
    first = scheme.steps.order_by("position").first()
    if first is None:
        raise Refused(_("This scheme has no steps yet."), code="scheme_empty", field="scheme")
    now = timezone.now()
    with transaction.atomic():
        try:
            with transaction.atomic():
                enrolment = Enrolment.objects.create(
                    organization_id=household.organization_id,
                    country_id=household.country_id,
                    scheme=scheme,
                    person=person,
                    household=household,
                    step=first,
                    started_at=now,
                    step_since=now,
                    actor=actor,
                )
        except IntegrityError as exc:
            raise Refused(
                _("%(name)s already follows this scheme.") % {"name": person.full_name},
                code="already_enrolled",
                field="scheme",
            ) from exc
        _change(enrolment, StepChange.Kind.STARTED, actor, now, to_step=first)
        _timeline(enrolment, actor, now, gettext_noop("Regularization started: %(scheme)s"))
        log(actor, actions.CREATE, enrolment, organization=household.organization)
    return enrolment


def _locked(enrolment: Enrolment) -> Enrolment:
    return (
        Enrolment.objects.select_for_update(of=("self",))
        .select_related("scheme__country", "step", "person", "household")
        .get(pk=enrolment.pk)
    )


def _document(step: Step, enrolment: Enrolment, document: DocumentInput | None) -> DocumentInput:
    if document is None or not document.number.strip():
        raise ValidationError(
            {
                "number": [
                    _("Write the number of the %(type)s the person received.")
                    % {"type": Document.Type(step.document_type).label}
                ]
            }
        )
    today = timezone.localdate()
    errors: dict[str, list[str]] = {}
    if document.issued_on is not None and document.issued_on > today:
        errors["issued_on"] = [_("The issue date cannot be in the future.")]
    if document.issued_on and document.expires_on and document.expires_on <= document.issued_on:
        errors["expires_on"] = [_("The expiry date must be after the issue date.")]
    if errors:
        raise ValidationError(errors)
    return DocumentInput(
        type=step.document_type,
        number=document.number.strip(),
        issuing_country=enrolment.scheme.country.iso2,
        issued_on=document.issued_on,
        expires_on=document.expires_on,
    )


def _obtained(
    actor: User, enrolment: Enrolment, step: Step, doc: DocumentInput, when: datetime
) -> Document:
    """The document goes to the person's documents (the registry's door) and is delivered."""
    try:
        recorded = registry.document_add(user=actor, person=enrolment.person, document=doc)
    except PermissionDenied as exc:
        raise Refused(
            _(
                "Recording the document needs the right to edit this household's records: ask a "
                "registration officer to complete this step."
            ),
            code="cannot_record_document",
        ) from exc
    delivery.record(
        actor=actor,
        organization=enrolment.organization,
        country=enrolment.country,
        sector=SECTOR,
        indicator=INDICATOR,
        people=[delivery.Reached(person=enrolment.person)],
        quantity=1,
        modality=Modality.SERVICE,
        when=when,
        ref=enrolment,
    )
    return recorded


def enrolment_advance(
    *,
    actor: User,
    enrolment: Enrolment,
    to_step: Step | None = None,
    document: DocumentInput | None = None,
    request_id: uuid_lib.UUID | None = None,
) -> EnrolmentWritten:
    """Complete the current step and move to the next (or to `to_step`, further on, when
    every step in between may be skipped); the last step completed ends the enrolment. A step
    that produces a document needs its number (`document`)."""
    require_caseworker(actor, enrolment, enrolment.organization_id, enrolment.country_id)
    content = {
        "op": "advance",
        "to_step": str(to_step.uuid) if to_step else None,
        "number": document.number.strip() if document else None,
        "issued_on": document.issued_on if document else None,
        "expires_on": document.expires_on if document else None,
    }
    with transaction.atomic():
        request, earlier = claim_request(request_id, content, enrolment=enrolment)
        if earlier is not None:
            return EnrolmentWritten(_locked(enrolment), replayed=True)
        locked = _locked(enrolment)
        if not locked.is_active:
            raise Refused(_("This enrolment is closed."), code="enrolment_closed")
        current = locked.step
        later = list(locked.scheme.steps.filter(position__gt=current.position).order_by("position"))
        target = to_step or (later[0] if later else None)
        skipped: list[Step] = []
        if target is not None:
            if target.pk not in {s.pk for s in later}:
                raise ValidationError({"to_step": [_("Choose a later step of this scheme.")]})
            skipped = [s for s in later if s.position < target.position]
            blocking = next((s for s in skipped if not s.may_skip), None)
            if blocking is not None:
                raise Refused(
                    _("Step “%(step)s” may not be skipped.") % {"step": blocking.name},
                    code="step_not_skippable",
                    field="to_step",
                )
        now = timezone.now()
        recorded = None
        if current.document_type:
            recorded = _obtained(actor, locked, current, _document(current, locked, document), now)
        _close_appointments(
            locked,
            [current, *skipped],
            now,
            _("The step was completed."),
            AppointmentStatus.ATTENDED,
        )
        if target is None:
            locked.status, locked.closed_at = EnrolmentStatus.DONE, now
            locked.save(update_fields=["status", "closed_at"])
            _change(locked, StepChange.Kind.DONE, actor, now, from_step=current, document=recorded)
            _timeline(locked, actor, now, gettext_noop("Regularization completed: %(scheme)s"))
        else:
            locked.step, locked.step_since = target, now
            locked.save(update_fields=["step", "step_since"])
            kind = StepChange.Kind.SKIPPED if skipped else StepChange.Kind.ADVANCED
            _change(locked, kind, actor, now, from_step=current, to_step=target, document=recorded)
        log(
            actor,
            actions.UPDATE,
            locked,
            organization=locked.organization,
            change="advanced" if target else "done",
            step=target.position if target else None,
        )
        note(request, enrolment=locked)
        return EnrolmentWritten(locked)


def release(appointment: Appointment, when: datetime, reason: str, past: str) -> None:
    """End a booked appointment that is no longer needed: one still ahead is cancelled and
    its place freed; one whose time has passed takes the status `past` (attended when the
    step it served was completed, no-show when the enrolment was abandoned)."""
    slot = Slot.objects.select_for_update().get(pk=appointment.slot_id)
    if slot.starts_at > when:
        appointment.status = AppointmentStatus.CANCELLED
        Slot.objects.filter(pk=slot.pk, booked__gt=0).update(booked=F("booked") - 1)
    else:
        appointment.status = past
    appointment.closed_at, appointment.reason = when, reason[:300]
    appointment.save(update_fields=["status", "closed_at", "reason"])


def _close_appointments(
    enrolment: Enrolment, steps: Sequence[Step], when: datetime, reason: str, past: str
) -> None:
    for appointment in Appointment.objects.filter(
        enrolment=enrolment, step__in=list(steps), status=AppointmentStatus.BOOKED
    ).order_by("slot_id"):
        release(appointment, when, reason, past)


def enrolment_back(*, actor: User, enrolment: Enrolment, to_step: Step, reason: str) -> Enrolment:
    """Send an enrolment back to an earlier step (a rejected application, a lost appointment),
    with the reason."""
    require_caseworker(actor, enrolment, enrolment.organization_id, enrolment.country_id)
    reason = reason.strip()
    if not reason:
        raise ValidationError({"reason": [_("Say why the person goes back to this step.")]})
    with transaction.atomic():
        locked = _locked(enrolment)
        if not locked.is_active:
            raise Refused(_("This enrolment is closed."), code="enrolment_closed")
        if to_step.scheme_id != locked.scheme_id or to_step.position >= locked.step.position:
            raise ValidationError({"to_step": [_("Choose an earlier step of this scheme.")]})
        now = timezone.now()
        current = locked.step
        locked.step, locked.step_since = to_step, now
        locked.save(update_fields=["step", "step_since"])
        _change(
            locked,
            StepChange.Kind.BACK,
            actor,
            now,
            from_step=current,
            to_step=to_step,
            reason=reason,
        )
        log(
            actor,
            actions.UPDATE,
            locked,
            organization=locked.organization,
            change="back",
            step=to_step.position,
        )
    return locked


def enrolment_abandon(*, actor: User, enrolment: Enrolment, reason: str) -> Enrolment:
    """The person stops (moved on, no longer eligible): the enrolment ends, booked
    appointments are cancelled and their places freed."""
    require_caseworker(actor, enrolment, enrolment.organization_id, enrolment.country_id)
    reason = reason.strip()
    if not reason:
        raise ValidationError({"reason": [_("Say why the person stops.")]})
    with transaction.atomic():
        locked = _locked(enrolment)
        if not locked.is_active:
            raise Refused(_("This enrolment is closed."), code="enrolment_closed")
        now = timezone.now()
        _close_appointments(
            locked, list(locked.scheme.steps.all()), now, reason, AppointmentStatus.NO_SHOW
        )
        locked.status, locked.closed_at = EnrolmentStatus.ABANDONED, now
        locked.save(update_fields=["status", "closed_at"])
        _change(locked, StepChange.Kind.ABANDONED, actor, now, from_step=locked.step, reason=reason)
        _timeline(locked, actor, now, gettext_noop("Regularization abandoned: %(scheme)s"))
        log(actor, actions.UPDATE, locked, organization=locked.organization, change="abandoned")
    return locked
