"""Reunification after a confirmed tracing match, one step at a time.

verification -> consent of both sides -> best-interest check (only when a child is
involved) -> travel -> reunified; a case may be closed at any step. Each step is audited
and shown on both households' timelines without naming anyone.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from caminantes.accounts import policies
from caminantes.accounts.models import User
from caminantes.audit import actions as audit_actions
from caminantes.audit.log import log
from caminantes.audit.models import Outcome
from caminantes.identity import actions
from caminantes.identity.models import ReunificationCase, TracingRequest
from caminantes.registry import timeline

Step = ReunificationCase.Step

SUMMARIES = {
    "verify": gettext_noop("Family tracing: the relationship was verified (case %(case)s)."),
    "consent": gettext_noop("Family tracing: both sides consented to reunify (case %(case)s)."),
    "best_interest": gettext_noop(
        "Family tracing: the best-interest check for the child was done (case %(case)s)."
    ),
    "travel": gettext_noop("Family tracing: travel was arranged (case %(case)s)."),
    "reunified": gettext_noop("Family tracing: the family was reunified (case %(case)s)."),
    "close": gettext_noop("Family tracing: the reunification case was closed (case %(case)s)."),
}


def _households(case: ReunificationCase) -> list[Any]:
    match = case.match
    found = [match.person.household]
    requester = match.request.requester
    if requester is not None and requester.household_id != match.person.household_id:
        found.insert(0, requester.household)
    return found


def _check(user: User, case: ReunificationCase) -> None:
    if not policies.visible(user, ReunificationCase).filter(pk=case.pk).exists():
        log(user, audit_actions.ACCESS_DENIED, case, Outcome.DENIED, permission="family_tracing")
        raise PermissionDenied(_("Your roles do not allow this here."))


def _expect(case: ReunificationCase, *steps: str) -> None:
    if case.status not in steps:
        raise ValidationError(_("This step is not the next one for this case."))


def reunification_step(
    *,
    user: User,
    case: ReunificationCase,
    step: str,
    note: str = "",
    requester_consent_on: date | None = None,
    sought_consent_on: date | None = None,
    travel_date: date | None = None,
    reunified_on: date | None = None,
) -> ReunificationCase:
    """`reunified_on` is the day the family met again (default today), as the caseworker
    gives it: often typed days later, never a day still to come; consents likewise."""
    _check(user, case)
    now = timezone.now()
    today = timezone.localdate()
    note = note.strip()
    fields: list[str] = ["status"]
    if step == "verify":
        _expect(case, Step.VERIFICATION)
        if not note:
            raise ValidationError({"note": [_("Say how the relationship was verified.")]})
        case.verified_at, case.verified_by, case.verification_note = now, user, note
        case.status = Step.CONSENT
        fields += ["verified_at", "verified_by", "verification_note"]
    elif step == "consent":
        _expect(case, Step.CONSENT)
        if requester_consent_on is None or sought_consent_on is None:
            raise ValidationError({"note": [_("Record the consent of both sides.")]})
        late = {
            name: [message]
            for name, day, message in (
                (
                    "requester_consent_on",
                    requester_consent_on,
                    _("The requester's consent date is in the future."),
                ),
                (
                    "sought_consent_on",
                    sought_consent_on,
                    _("The relative's consent date is in the future."),
                ),
            )
            if day > today
        }
        if late:
            raise ValidationError(late)
        case.requester_consent_on = requester_consent_on
        case.sought_consent_on = sought_consent_on
        case.consent_recorded_by = user
        case.status = Step.BEST_INTEREST if case.child_involved else Step.TRAVEL
        fields += ["requester_consent_on", "sought_consent_on", "consent_recorded_by"]
    elif step == "best_interest":
        _expect(case, Step.BEST_INTEREST)
        if not note:
            raise ValidationError({"note": [_("Write down the best-interest finding.")]})
        case.best_interest_at, case.best_interest_by, case.best_interest_note = now, user, note
        case.status = Step.TRAVEL
        fields += ["best_interest_at", "best_interest_by", "best_interest_note"]
    elif step == "travel":
        _expect(case, Step.TRAVEL)
        if not note:
            raise ValidationError({"note": [_("Describe the travel arrangements.")]})
        case.travel_note, case.travel_date = note, travel_date
        fields += ["travel_note", "travel_date"]
    elif step == "reunified":
        _expect(case, Step.TRAVEL)
        if not case.travel_note:
            raise ValidationError(_("Record the travel first."))
        if reunified_on is not None and reunified_on > today:
            raise ValidationError({"reunified_on": [_("The reunification date is in the future.")]})
        case.reunified_on = reunified_on or today
        case.status = Step.REUNIFIED
        fields += ["reunified_on"]
    elif step == "close":
        _expect(case, Step.VERIFICATION, Step.CONSENT, Step.BEST_INTEREST, Step.TRAVEL)
        case.closed_at, case.close_reason = now, note
        case.status = Step.CLOSED
        fields += ["closed_at", "close_reason"]
    else:
        raise ValidationError(_("Unknown step."))
    with transaction.atomic():
        case.save(update_fields=fields)
        if case.status in (Step.REUNIFIED, Step.CLOSED):
            TracingRequest.objects.filter(pk=case.match.request_id).update(
                status=TracingRequest.Status.CLOSED
            )
        for household in _households(case):
            timeline.record(
                household, "tracing", case, None, SUMMARIES[step], params={"case": case.code},
                actor=user,
            )  # fmt: skip
        log(user, actions.REUNIFICATION_STEP, case, step=step)
    return case
