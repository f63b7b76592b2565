"""Writes of voluntary relocation: open a case, record the health check, move it through its
stages (eligibility → pre-departure → travel → arrived → 30-day visit → 90-day visit →
closed, or cancelled with a reason).

Caseworkers (REFER) of the household's organisation and country do it. Going to
pre-departure or to travel asks the eligibility checklist again (`rules`): a household
without consent to relocation or without valid documents is refused there with
`consent_missing` or `documents_missing`, even when the consent was withdrawn or a document
lost after an earlier step. The arrival is written as a service delivery (sector
integration) for every traveller, which also puts it on the household's timeline; the other
steps write timeline entries of their own.

Writes a client may send again carry a request id: the same id with the same content
answers what the first call did and changes nothing; with other content it is refused.
"""

from __future__ import annotations

import uuid as uuid_lib
from dataclasses import dataclass
from datetime import date, datetime, time
from functools import partial
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from caminantes.accounts import policies
from caminantes.accounts.models import User
from caminantes.accounts.permissions import Perm
from caminantes.assistance import delivery
from caminantes.assistance.casework import rules
from caminantes.assistance.casework.models import (
    CancelReason,
    CaseworkRequest,
    Modality,
    RelocationCase,
    RelocationStep,
    Stage,
    VisitOutcome,
)
from caminantes.assistance.errors import Refused, RequestConflict
from caminantes.assistance.models import Modality as DeliveryModality
from caminantes.assistance.transport.models import Trip
from caminantes.audit import actions
from caminantes.audit.log import log
from caminantes.geo.models import Place
from caminantes.lib.idempotency import claim, note
from caminantes.registry import timeline
from caminantes.registry.models import Household

SECTOR = "integration"
INDICATOR = "people_relocated"

# Where each stage may go next.
NEXT: dict[str, list[str]] = {
    Stage.ELIGIBILITY: [Stage.PRE_DEPARTURE, Stage.CANCELLED],
    Stage.PRE_DEPARTURE: [Stage.TRAVEL, Stage.CANCELLED],
    Stage.TRAVEL: [Stage.ARRIVED, Stage.CANCELLED],
    Stage.ARRIVED: [Stage.FOLLOW_UP_30],
    Stage.FOLLOW_UP_30: [Stage.FOLLOW_UP_90],
    Stage.FOLLOW_UP_90: [Stage.CLOSED],
    Stage.CLOSED: [],
    Stage.CANCELLED: [],
}
TIMELINE: dict[str, str] = {
    Stage.ELIGIBILITY: gettext_noop("Voluntary relocation case opened (%(modality)s)"),
    Stage.PRE_DEPARTURE: gettext_noop("Relocation: eligible, preparing the departure"),
    Stage.TRAVEL: gettext_noop("Relocation: travelling"),
    Stage.FOLLOW_UP_30: gettext_noop("Relocation: 30-day follow-up visit"),
    Stage.FOLLOW_UP_90: gettext_noop("Relocation: 90-day follow-up visit"),
    Stage.CLOSED: gettext_noop("Relocation case closed"),
    Stage.CANCELLED: gettext_noop("Relocation cancelled: %(reason)s"),
}


@dataclass
class CaseWritten:
    """The case a write made or changed, and whether it was a re-send of an earlier one."""

    case: RelocationCase
    replayed: bool = False


def may_work_on(user: Any, organization_id: int, country_id: int) -> bool:
    return policies.has_perm(
        user, Perm.REFER, organization_id=organization_id, country_id=country_id
    )


def require_caseworker(actor: User, organization_id: int, country_id: int, subject: Any) -> None:
    if not may_work_on(actor, organization_id, country_id):
        log(actor, actions.ACCESS_DENIED, subject, "denied", permission=Perm.REFER.value)
        raise PermissionDenied


# A write's request id, claimed for the organization writing: `claim_request(request_id,
# content, organization=…)` gives the request row for a new write, or the earlier request's row
# (what it made).
claim_request = partial(claim, CaseworkRequest, conflict=RequestConflict)


def check_day(day: date | None, field: str, *, today: date) -> date:
    """A day that has happened: today when not given, never in the future."""
    if day is None:
        return today
    if day > today:
        raise ValidationError({field: [_("The date cannot be in the future.")]})
    return day


def moment(day: date) -> datetime:
    """A day as the moment the timeline files it under: now for today, noon for a past day."""
    if day == timezone.localdate():
        return timezone.now()
    return timezone.make_aware(datetime.combine(day, time(12)))


def _step(actor: User, case: RelocationCase, stage: str, on: date, **params: Any) -> None:
    RelocationStep.objects.create(case=case, stage=stage, on=on, actor=actor)
    summary = TIMELINE.get(stage)
    if summary is not None:
        timeline.record(
            case.household, "relocation", case, moment(on), summary,
            params=params or None, actor=actor, organization=case.organization,
        )  # fmt: skip
    log(actor, actions.CREATE if stage == Stage.ELIGIBILITY else actions.UPDATE, case,
        organization=case.organization, stage=stage)  # fmt: skip


def relocation_open(
    *, actor: User, household: Household, modality: str, destination: Place, host_name: str,
    host_contact: str, request_id: uuid_lib.UUID | None = None,
) -> CaseWritten:  # fmt: skip
    """A voluntary relocation case for the household, at the eligibility stage."""
    require_caseworker(actor, household.organization_id, household.country_id, RelocationCase)
    host_name, host_contact = host_name.strip(), host_contact.strip()
    errors: dict[str, list[str]] = {}
    if modality not in Modality.values:
        errors["modality"] = [_("Choose the modality.")]
    if destination.country_id != household.country_id:
        errors["destination"] = [_("Choose a city in the household's country.")]
    if not host_name:
        errors["host_name"] = [_("Name the host or the employer.")]
    if not host_contact:
        errors["host_contact"] = [_("Give a contact for the host or the employer.")]
    if errors:
        raise ValidationError(errors)
    content = {"op": "relocation_open", "household": household.uuid, "modality": modality,
               "destination": destination.uuid, "host_name": host_name,
               "host_contact": host_contact}  # fmt: skip
    with transaction.atomic():
        request, earlier = claim_request(request_id, content, organization=household.organization)
        if earlier is not None:
            assert earlier.case is not None  # every relocation request names its case
            return CaseWritten(earlier.case, replayed=True)
        Household.objects.select_for_update().filter(pk=household.pk).first()
        open_case = RelocationCase.objects.filter(
            household=household, stage__in=[s for s in NEXT if NEXT[s]]
        ).exists()
        if open_case:
            raise Refused(_("This household already has an open relocation case."),
                          code="case_open")  # fmt: skip
        case = RelocationCase.objects.create(
            organization=household.organization, country=household.country,
            household=household, modality=modality, destination=destination,
            host_name=host_name, host_contact=host_contact, created_by=actor,
        )  # fmt: skip
        _step(actor, case, Stage.ELIGIBILITY, timezone.localdate(),
              modality=[timeline.label(case.get_modality_display())])  # fmt: skip
        note(request, case=case)
    return CaseWritten(case)


def relocation_health_check(*, actor: User, case: RelocationCase, on: date) -> RelocationCase:
    """The household's health check before departure was done on `on`."""
    require_caseworker(actor, case.organization_id, case.country_id, case)
    on = check_day(on, "on", today=timezone.localdate())
    with transaction.atomic():
        case = RelocationCase.objects.select_for_update().get(pk=case.pk)
        if case.stage not in (Stage.ELIGIBILITY, Stage.PRE_DEPARTURE):
            raise Refused(_("The health check is recorded before the departure."),
                          code="stage_not_allowed")  # fmt: skip
        case.health_check_on = on
        case.save(update_fields=["health_check_on", "updated_at"])
        log(actor, actions.UPDATE, case, organization=case.organization, health_check=True)
    return case


def _check_trip(case: RelocationCase, trip: Trip | None) -> None:
    if trip is None:
        return
    if trip.route.organization_id != case.organization_id or trip.route.country_id != (
        case.country_id
    ):
        raise ValidationError({"trip": [_("Choose a trip of your organisation here.")]})


def relocation_advance(
    *, actor: User, case: RelocationCase, stage: str, on: date | None = None,
    trip: Trip | None = None, outcome: str = "", reason: str = "",
    request_id: uuid_lib.UUID | None = None,
) -> CaseWritten:  # fmt: skip
    """Move the case to `stage` on the day `on` (default today): see the module docstring.

    `trip` (travel) is the humanitarian transport trip it leaves on, if any; `outcome` is
    what a follow-up visit found; `reason` why a case is cancelled."""
    require_caseworker(actor, case.organization_id, case.country_id, case)
    today = timezone.localdate()
    if stage not in Stage.values:
        raise ValidationError({"stage": [_("Choose the next stage.")]})
    day = check_day(on, "on", today=today)
    content = {"op": "relocation_advance", "case": case.uuid, "stage": stage, "on": on,
               "trip": trip.uuid if trip else None, "outcome": outcome,
               "reason": reason}  # fmt: skip
    with transaction.atomic():
        request, earlier = claim_request(request_id, content, organization=case.organization)
        if earlier is not None:
            assert earlier.case is not None
            return CaseWritten(earlier.case, replayed=True)
        case = RelocationCase.objects.select_for_update().get(pk=case.pk)
        if stage not in NEXT[case.stage]:
            raise Refused(
                _("A case at “%(now)s” cannot go to “%(next)s”.")
                % {"now": case.get_stage_display(), "next": Stage(stage).label},
                code="stage_not_allowed",
            )
        _apply(actor, case, stage, day, trip=trip, outcome=outcome, reason=reason, today=today)
        note(request, case=case)
    return CaseWritten(case)


def _apply(
    actor: User, case: RelocationCase, stage: str, day: date, *, trip: Trip | None,
    outcome: str, reason: str, today: date,
) -> None:  # fmt: skip
    fields = ["stage", "updated_at"]
    params: dict[str, Any] = {}
    if stage in (Stage.PRE_DEPARTURE, Stage.TRAVEL):
        rules.refuse_if_not_eligible(case, today)
    if stage == Stage.TRAVEL:
        _check_trip(case, trip)
        case.departed_on, case.trip = day, trip
        fields += ["departed_on", "trip"]
    elif stage == Stage.ARRIVED:
        assert case.departed_on is not None  # a travelling case has departed
        if day < case.departed_on:
            raise ValidationError({"on": [_("The arrival cannot be before the departure.")]})
        case.arrived_on = day
        case.delivery = _arrival_delivery(actor, case, day)
        fields += ["arrived_on", "delivery"]
    elif stage in (Stage.FOLLOW_UP_30, Stage.FOLLOW_UP_90):
        if outcome not in VisitOutcome.values:
            raise ValidationError({"outcome": [_("Say what the visit found.")]})
        after = case.arrived_on if stage == Stage.FOLLOW_UP_30 else case.follow_up_30_on
        assert after is not None  # an arrived case has arrived; a 30-day visit was made
        if day < after:
            raise ValidationError({"on": [_("The visit cannot be before the previous step.")]})
        prefix = "follow_up_30" if stage == Stage.FOLLOW_UP_30 else "follow_up_90"
        setattr(case, f"{prefix}_on", day)
        setattr(case, f"{prefix}_outcome", outcome)
        fields += [f"{prefix}_on", f"{prefix}_outcome"]
    elif stage in (Stage.CLOSED, Stage.CANCELLED):
        if stage == Stage.CANCELLED:
            if reason not in CancelReason.values:
                raise ValidationError({"reason": [_("Choose why the case is cancelled.")]})
            case.cancel_reason = reason
            fields.append("cancel_reason")
            params["reason"] = [timeline.label(CancelReason(reason).label)]
        case.closed_on = day
        fields.append("closed_on")
    case.stage = stage
    case.save(update_fields=fields)
    if stage != Stage.ARRIVED:  # the arrival's delivery is its timeline entry
        _step(actor, case, stage, day, **params)
    else:
        RelocationStep.objects.create(case=case, stage=stage, on=day, actor=actor)
        log(actor, actions.UPDATE, case, organization=case.organization, stage=stage)


def _arrival_delivery(actor: User, case: RelocationCase, day: date) -> Any:
    travellers = rules.checklist(case, day).travellers
    if not travellers:
        raise Refused(_("The household has nobody left to relocate."), code="no_travellers")
    return delivery.record(
        actor=actor, organization=case.organization, country=case.country, sector=SECTOR,
        indicator=INDICATOR, people=[delivery.Reached(person=p) for p in travellers],
        quantity=len(travellers), modality=DeliveryModality.SERVICE, place=case.destination,
        when=moment(day), ref=case,
    )  # fmt: skip
