"""Writes to protection cases: open, assign, update a section, add a service, an action or a
session, close. Every write is permission check -> change -> audit event, in one
transaction; the case row is locked first, so a case closed meanwhile refuses the edit.

The actor must reach the case through selectors.case_for (views do that first); services
check again that the actor is assigned. Audit events carry the object and never a value:
no names, codes or answers in their context.
"""

from __future__ import annotations

import uuid as uuid_lib
from datetime import date
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from caminantes.accounts import policies
from caminantes.accounts.models import Organization, User
from caminantes.accounts.permissions import Perm
from caminantes.audit import actions
from caminantes.audit.log import log
from caminantes.geo.models import Country
from caminantes.protection import models as m
from caminantes.protection.choices import AssignmentRole, ClosureReason, Kind, Status
from caminantes.protection.errors import Refused

# The keys of the sealed case blob each kind may hold (see PROTECTION_DESIGN.md).
COMMON_KEYS = frozenset({
    "person", "name", "sex", "age", "birth_year", "age_group", "consent_reporting",
    "safety_plan", "narrative",
})  # fmt: skip
GBV_KEYS = frozenset({"incident_type", "incident_date", "incident_area", "perpetrator"})
TRAFFICKING_KEYS = frozenset({
    "indicators", "exploitation", "route", "recruiter", "tip_status", "assistance",
    "authorities_referral", "authorities_consent", "authorities_referred_on",
})  # fmt: skip
MAX_CODE_TRIES = 20


def perm_for(kind: str) -> Perm:
    return Perm.GBV_CASES if kind == Kind.GBV else Perm.TRAFFICKING_CASES


def _keys_for(kind: str) -> frozenset[str]:
    return COMMON_KEYS | (GBV_KEYS if kind == Kind.GBV else TRAFFICKING_KEYS)


def _jsonable(value: Any) -> Any:
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, uuid_lib.UUID):
        return str(value)
    if isinstance(value, list | tuple | set | frozenset):
        return [_jsonable(v) for v in value]
    return value


def _check(kind: str, data: dict[str, Any]) -> None:
    """The rules a case file keeps whatever the form: refused in words, never stored."""
    unknown = set(data) - _keys_for(kind)
    if unknown:
        raise ValueError(f"not a field of a {kind} case: {sorted(unknown)}")
    incident = data.get("incident_date")
    if incident and str(incident) > timezone.localdate().isoformat():
        raise Refused(_("The incident date cannot be in the future."), code="future_date",
                      field="incident_date")  # fmt: skip
    if data.get("authorities_referral") and not data.get("authorities_consent"):
        raise Refused(
            _("A referral to the authorities needs the survivor's informed consent."),
            code="referral_without_consent", field="authorities_consent",
        )  # fmt: skip
    age = data.get("age")
    if age is not None and not 0 <= int(age) <= 120:
        raise Refused(_("Give an age between 0 and 120."), code="age_range", field="age")


def _may_work_on(user: User, kind: str, organization_id: int, country_id: int) -> bool:
    return policies.has_perm(
        user, perm_for(kind), organization_id=organization_id, country_id=country_id
    )


def _locked(actor: User, case: m.ProtectionCase, *, allow_closed: bool = False) -> m.ProtectionCase:
    """The case row, locked, after checking the actor works on it and it is still open."""
    fresh = m.ProtectionCase.objects.select_for_update().get(pk=case.pk)
    assigned = fresh.assignments.filter(user=actor, ended_at__isnull=True).exists()
    if not assigned or not _may_work_on(actor, fresh.kind, fresh.organization_id,
                                         fresh.country_id):  # fmt: skip
        raise Refused(_("You are not assigned to this case."), code="not_assigned")
    if not allow_closed and fresh.status != Status.OPEN:
        raise Refused(_("This case is closed: it can no longer be changed."), code="closed")
    return fresh


def case_open(
    *, actor: User, organization: Organization, country: Country, kind: str,
    data: dict[str, Any],
) -> m.ProtectionCase:  # fmt: skip
    """A new case with the opening user as its caseworker."""
    if kind not in Kind.values:
        raise ValueError(f"unknown kind {kind!r}")
    if not _may_work_on(actor, kind, organization.pk, country.pk):
        raise Refused(_("You may not open this kind of case here."), code="not_allowed")
    clean = {k: _jsonable(v) for k, v in data.items()}
    _check(kind, clean)
    with transaction.atomic():
        taken = True
        for _try in range(MAX_CODE_TRIES):
            code = m.new_survivor_code(kind)
            taken = m.ProtectionCase.objects.filter(survivor_code=code).exists()
            if not taken:
                break
        if taken:
            raise RuntimeError("no free survivor code")
        case = m.ProtectionCase(organization=organization, country=country, kind=kind,
                                survivor_code=code)  # fmt: skip
        case.set_contents(clean)
        case.save()
        assignment = m.Assignment.objects.create(case=case, user=actor,
                                                 role=AssignmentRole.CASEWORKER)  # fmt: skip
        log(actor, actions.CREATE, case)
        log(actor, actions.CREATE, assignment)
    return case


def case_update(*, actor: User, case: m.ProtectionCase, data: dict[str, Any]) -> m.ProtectionCase:
    """Change the given keys of the case file (one section of the page), keep the others."""
    clean = {k: _jsonable(v) for k, v in data.items()}
    with transaction.atomic():
        fresh = _locked(actor, case)
        contents = fresh.contents()
        contents.update(clean)
        _check(fresh.kind, contents)
        fresh.set_contents(contents)
        fresh.save(update_fields=["sealed", "updated_at"])
        log(actor, actions.UPDATE, fresh, section=",".join(sorted(clean)))
    return fresh


def case_assign(*, actor: User, case: m.ProtectionCase, user: User, role: str) -> m.Assignment:
    if role not in AssignmentRole.values:
        raise ValueError(f"unknown role {role!r}")
    with transaction.atomic():
        fresh = _locked(actor, case)
        if not _may_work_on(user, fresh.kind, fresh.organization_id, fresh.country_id):
            raise Refused(
                _("This person does not hold the matching protection role in the case's "
                  "organisation and country."),
                code="wrong_role", field="user",
            )  # fmt: skip
        if fresh.assignments.filter(user=user, ended_at__isnull=True).exists():
            raise Refused(_("This person is already assigned to the case."),
                          code="already_assigned", field="user")  # fmt: skip
        assignment = m.Assignment.objects.create(case=fresh, user=user, role=role)
        log(actor, actions.CREATE, assignment, role=role)
    return assignment


def case_unassign(*, actor: User, assignment: m.Assignment) -> m.Assignment:
    with transaction.atomic():
        fresh = _locked(actor, assignment.case)
        row = m.Assignment.objects.select_for_update().get(pk=assignment.pk)
        if row.ended_at is not None:
            return row
        others = fresh.assignments.filter(ended_at__isnull=True).exclude(pk=row.pk)
        if not others.filter(role=AssignmentRole.CASEWORKER).exists():
            raise Refused(_("A case keeps at least one caseworker: assign another first."),
                          code="last_caseworker")  # fmt: skip
        row.ended_at = timezone.now()
        row.save(update_fields=["ended_at"])
        log(actor, actions.UPDATE, row, ended=True)
    return row


def case_close(
    *, actor: User, case: m.ProtectionCase, reason: str, note: str = ""
) -> m.ProtectionCase:

    if reason not in ClosureReason.values:
        raise Refused(_("Choose a reason for closing the case."), code="reason", field="reason")
    with transaction.atomic():
        fresh = _locked(actor, case)
        contents = fresh.contents()
        contents.update({"closure_reason": reason, "closure_note": note})
        fresh.set_contents(contents)
        fresh.status = Status.CLOSED
        fresh.closed_at = timezone.now()
        fresh.save(update_fields=["sealed", "status", "closed_at", "updated_at"])
        log(actor, actions.UPDATE, fresh, closed=True)
    return fresh


def _child_data(data: dict[str, Any]) -> dict[str, Any]:
    return {k: _jsonable(v) for k, v in data.items()}


def service_add(*, actor: User, case: m.ProtectionCase, data: dict[str, Any]) -> m.CaseService:
    """A service offered or received: {service, status, consent, date, provider}."""
    clean = _child_data(data)
    if clean.get("status") == "received" and not clean.get("consent"):
        raise Refused(_("A service is received only with the survivor's consent to it."),
                      code="service_without_consent", field="consent")  # fmt: skip
    if clean.get("date") and str(clean["date"]) > timezone.localdate().isoformat():
        raise Refused(_("The date cannot be in the future."), code="future_date", field="date")
    with transaction.atomic():
        fresh = _locked(actor, case)
        row = m.CaseService(case=fresh)
        row.set_contents(clean)
        row.save()
        fresh.save(update_fields=["updated_at"])
        log(actor, actions.CREATE, row)
    return row


def action_add(
    *, actor: User, case: m.ProtectionCase, text: str, due_on: date | None
) -> m.ActionItem:
    if not text.strip():
        raise Refused(_("Write the step to take."), code="required", field="text")
    with transaction.atomic():
        fresh = _locked(actor, case)
        row = m.ActionItem(case=fresh, due_on=due_on)
        row.set_contents({"text": text.strip()})
        row.save()
        fresh.save(update_fields=["updated_at"])
        log(actor, actions.CREATE, row)
    return row


def action_done(*, actor: User, item: m.ActionItem) -> m.ActionItem:
    with transaction.atomic():
        _locked(actor, item.case)
        row = m.ActionItem.objects.select_for_update().get(pk=item.pk)
        if not row.done:
            row.done = True
            row.done_at = timezone.now()
            row.save(update_fields=["done", "done_at", "updated_at"])
            log(actor, actions.UPDATE, row, done=True)
    return row


def session_add(
    *, actor: User, case: m.ProtectionCase, data: dict[str, Any]
) -> m.PsychosocialSession:
    """A psychosocial session: {date, type, number, wellbeing (0-10), note}."""
    clean = _child_data(data)
    score = clean.get("wellbeing")
    if score is not None and not 0 <= int(score) <= 10:
        raise Refused(_("The wellbeing score goes from 0 to 10."), code="score_range",
                      field="wellbeing")  # fmt: skip
    if clean.get("date") and str(clean["date"]) > timezone.localdate().isoformat():
        raise Refused(_("The date cannot be in the future."), code="future_date", field="date")
    with transaction.atomic():
        fresh = _locked(actor, case)
        if not clean.get("number"):
            clean["number"] = fresh.sessions.count() + 1
        row = m.PsychosocialSession(case=fresh)
        row.set_contents(clean)
        row.save()
        fresh.save(update_fields=["updated_at"])
        log(actor, actions.CREATE, row)
    return row


def case_reveal(*, actor: User, case: m.ProtectionCase) -> str:
    """The survivor's name, for this one response; the reveal is audited (never the name)."""
    with transaction.atomic():
        fresh = _locked(actor, case, allow_closed=True)
        log(actor, actions.PROTECTION_REVEAL, fresh)
    return str(fresh.contents().get("name", ""))


def case_print(*, actor: User, case: m.ProtectionCase) -> None:
    """Record that the case was printed (the print view calls it before rendering)."""
    with transaction.atomic():
        fresh = _locked(actor, case, allow_closed=True)
        log(actor, actions.PROTECTION_PRINT, fresh)
