"""Transfers of a case to another organisation, and referrals out of a case.

A transfer is proposed by a user assigned to the case (caseworker or supervisor), to an
organisation working in the case's country, only with the survivor's consent to it (given,
dated, and who explained it: sealed). An officer with the matching role in the receiving
organisation and country accepts it (the case moves: organisation changes, every assignment
of the sending side ends, the accepting officer becomes its caseworker, the case stays
open) or declines it with a reason (the case stays). Each step is audited on the case.

A referral out sends the survivor to a service with only the fields ticked in a minimal
list, with the survivor's consent to that referral; what was shared is sealed.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from caminantes.accounts import policies
from caminantes.accounts.models import Organization, User
from caminantes.audit import actions
from caminantes.audit.log import log
from caminantes.protection import models as m
from caminantes.protection.choices import AssignmentRole, ServiceType, Status
from caminantes.protection.errors import Refused
from caminantes.protection.models_xfer import ReferralStatus, TransferStatus
from caminantes.protection.services import perm_for
from caminantes.registry.models import Person

# What a referral out may carry, and nothing else (the minimal form's ticks).
SHAREABLE = ("first_name", "age", "sex", "contact", "language", "urgency")
# Where a referral out may go next.
REFERRAL_STEPS: dict[str, tuple[str, ...]] = {
    ReferralStatus.SENT: (ReferralStatus.ACCEPTED, ReferralStatus.DECLINED),
    ReferralStatus.ACCEPTED: (ReferralStatus.COMPLETED, ReferralStatus.DECLINED),
    ReferralStatus.DECLINED: (),
    ReferralStatus.COMPLETED: (),
}


def _works_on(user: User, case: m.ProtectionCase, organization_id: int | None = None) -> bool:
    return policies.has_perm(
        user, perm_for(case.kind), organization_id=organization_id or case.organization_id,
        country_id=case.country_id,
    )  # fmt: skip


def _assigned_case(actor: User, case: m.ProtectionCase) -> m.ProtectionCase:
    """The case row, locked, when the actor is assigned to it, may work on it and it is
    open."""
    fresh = m.ProtectionCase.objects.select_for_update().get(pk=case.pk)
    assigned = fresh.assignments.filter(user=actor, ended_at__isnull=True).exists()
    if not assigned or not _works_on(actor, fresh):
        raise Refused(_("You are not assigned to this case."), code="not_assigned")
    if fresh.status != Status.OPEN:
        raise Refused(_("This case is closed: it can no longer be changed."), code="closed")
    return fresh


def _not_future(day: date | None, field: str) -> None:
    if day is None:
        raise Refused(_("Give the date."), code="required", field=field)
    if day > timezone.localdate():
        raise Refused(_("The date cannot be in the future."), code="future_date", field=field)


def transfer_propose(
    *, actor: User, case: m.ProtectionCase, to_organization: Organization, consent: bool,
    consent_date: date | None, explained_by: str, note: str = "",
) -> m.Transfer:  # fmt: skip
    if not consent:
        raise Refused(
            _("A transfer needs the survivor's consent to it: explain it, then tick the box."),
            code="transfer_without_consent", field="consent",
        )  # fmt: skip
    _not_future(consent_date, "consent_date")
    if not explained_by.strip():
        raise Refused(_("Say who explained the transfer to the survivor."), code="required",
                      field="explained_by")  # fmt: skip
    with transaction.atomic():
        fresh = _assigned_case(actor, case)
        if to_organization.pk == fresh.organization_id:
            raise Refused(_("Choose another organisation than the case's own."),
                          code="same_organization", field="to_organization")  # fmt: skip
        if not to_organization.countries.filter(pk=fresh.country_id).exists():
            raise Refused(_("This organisation does not work in the case's country."),
                          code="not_in_country", field="to_organization")  # fmt: skip
        if fresh.transfers.filter(status=TransferStatus.PROPOSED).exists():
            raise Refused(_("A transfer of this case is already waiting for an answer."),
                          code="transfer_pending")  # fmt: skip
        row = m.Transfer(case=fresh, from_organization_id=fresh.organization_id,
                         to_organization=to_organization, proposed_by=actor)  # fmt: skip
        row.set_contents({
            "consent": True, "consent_date": consent_date.isoformat() if consent_date else None,
            "explained_by": explained_by.strip(), "note": note.strip(),
        })  # fmt: skip
        row.save()
        log(actor, actions.CREATE, row)
        log(actor, actions.UPDATE, fresh, transfer=str(row.uuid), step="transfer_proposed")
    return row


def _pending(actor: User, transfer: m.Transfer) -> tuple[m.Transfer, m.ProtectionCase]:
    row = m.Transfer.objects.select_for_update().get(pk=transfer.pk)
    case = m.ProtectionCase.objects.select_for_update().get(pk=row.case_id)
    if row.status != TransferStatus.PROPOSED:
        raise Refused(_("This transfer was already answered."), code="answered")
    if not _works_on(actor, case, row.to_organization_id):
        raise Refused(_("You may not take this kind of case in this organisation."),
                      code="not_allowed")  # fmt: skip
    return row, case


def transfer_accept(*, actor: User, transfer: m.Transfer) -> m.ProtectionCase:
    """The case moves to the receiving organisation with the actor as its caseworker."""
    with transaction.atomic():
        row, case = _pending(actor, transfer)
        if case.status != Status.OPEN or case.organization_id != row.from_organization_id:
            raise Refused(_("This case can no longer be transferred."), code="closed")
        now = timezone.now()
        for ended in case.assignments.filter(ended_at__isnull=True):
            ended.ended_at = now
            ended.save(update_fields=["ended_at"])
            log(actor, actions.UPDATE, ended, ended=True, step="transferred")
        case.organization_id = row.to_organization_id
        case.save(update_fields=["organization", "updated_at"])
        assignment = m.Assignment.objects.create(case=case, user=actor,
                                                 role=AssignmentRole.CASEWORKER)  # fmt: skip
        row.status, row.answered_by, row.answered_at = TransferStatus.ACCEPTED, actor, now
        row.save(update_fields=["status", "answered_by", "answered_at"])
        log(actor, actions.UPDATE, row, accepted=True)
        log(actor, actions.UPDATE, case, transfer=str(row.uuid), step="transfer_accepted")
        log(actor, actions.CREATE, assignment)
    return case


def transfer_decline(*, actor: User, transfer: m.Transfer, reason: str) -> m.Transfer:
    if not reason.strip():
        raise Refused(_("Say why the transfer is declined."), code="required", field="reason")
    with transaction.atomic():
        row, case = _pending(actor, transfer)
        contents = row.contents()
        contents["decline_reason"] = reason.strip()
        row.set_contents(contents)
        row.status, row.answered_by, row.answered_at = (
            TransferStatus.DECLINED, actor, timezone.now(),
        )  # fmt: skip
        row.save(update_fields=["sealed", "status", "answered_by", "answered_at"])
        log(actor, actions.UPDATE, row, accepted=False)
        log(actor, actions.UPDATE, case, transfer=str(row.uuid), step="transfer_declined")
    return row


# --- referrals out ----------------------------------------------------------------------


def _first_name(case: m.ProtectionCase) -> str:
    d = case.contents()
    if d.get("person"):
        person = Person.objects.filter(uuid=d["person"]).first()
        return person.given_names.split()[0] if person is not None and person.given_names else ""
    name = str(d.get("name") or "").split()
    return name[0] if name else ""


def shared_values(
    case: m.ProtectionCase, share: list[str], *, contact: str, language: str, urgent: bool
) -> dict[str, Any]:
    """The values of the ticked fields, read from the case now (a copy)."""
    d = case.contents()
    values: dict[str, Any] = {}
    for key in share:
        if key == "first_name":
            values[key] = _first_name(case)
        elif key == "age":
            values[key] = d.get("age")
        elif key == "sex":
            values[key] = d.get("sex") or "U"
        elif key == "contact":
            values[key] = contact.strip()
        elif key == "language":
            values[key] = language.strip()
        elif key == "urgency":
            values[key] = bool(urgent)
    return values


def referral_send(
    *, actor: User, case: m.ProtectionCase, service: str, provider: str, share: list[str],
    consent: bool, consent_date: date | None, contact: str = "", language: str = "",
    urgent: bool = False,
) -> m.OutgoingReferral:  # fmt: skip
    if service not in ServiceType.values:
        raise Refused(_("Choose the type of service."), code="required", field="service")
    if not provider.strip():
        raise Refused(_("Name the provider or organisation."), code="required", field="provider")
    unknown = set(share) - set(SHAREABLE)
    if unknown:
        raise ValueError(f"not shareable: {sorted(unknown)}")
    if not consent:
        raise Refused(_("A referral needs the survivor's consent to it."),
                      code="referral_without_consent", field="consent")  # fmt: skip
    _not_future(consent_date, "consent_date")
    if "contact" in share and not contact.strip():
        raise Refused(_("Give the contact to share, or untick it."), code="required",
                      field="contact")  # fmt: skip
    if "language" in share and not language.strip():
        raise Refused(_("Give the language to share, or untick it."), code="required",
                      field="language")  # fmt: skip
    with transaction.atomic():
        fresh = _assigned_case(actor, case)
        row = m.OutgoingReferral(case=fresh)
        row.set_contents({
            "service": service, "provider": provider.strip(), "consent": True,
            "consent_date": consent_date.isoformat() if consent_date else None,
            "shared": shared_values(fresh, share, contact=contact, language=language,
                                    urgent=urgent),
        })  # fmt: skip
        row.save()
        fresh.save(update_fields=["updated_at"])
        log(actor, actions.CREATE, row, fields=len(share))
    return row


def referral_status(
    *, actor: User, referral: m.OutgoingReferral, status: str
) -> m.OutgoingReferral:
    with transaction.atomic():
        _assigned_case(actor, referral.case)
        row = m.OutgoingReferral.objects.select_for_update().get(pk=referral.pk)
        if status == row.status:
            return row
        if status not in REFERRAL_STEPS.get(row.status, ()):
            raise Refused(_("This referral cannot go to that status."), code="referral_status",
                          field="status")  # fmt: skip
        row.status = status
        row.save(update_fields=["status", "updated_at"])
        log(actor, actions.UPDATE, row, status_to=status)
    return row
