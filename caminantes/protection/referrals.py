"""Referrals in through the restricted path (registry.hooks).

`receive` is named in registry.hooks.RESTRICTED_REFERRAL_RECEIVERS: the referring app
(assistance) calls it inside its own transaction, and an exception here refuses the
referral there. A "gbv" referral lands in the GBV inbox of the receiving organisation and
country, a "trafficking" one in its trafficking inbox; everything it carries (the fields,
the person, urgency, who sent it) is sealed. An officer with the matching role accepts it
(a case is opened, pre-filled, linked to the person when there is one, the officer as its
caseworker) or declines it with a reason; either answer goes back through
`registry.hooks.restricted_referral_answered`, which tells the referring side accepted or
declined and nothing else.
"""

from __future__ import annotations

import uuid as uuid_lib
from typing import Any

from django.core.exceptions import ObjectDoesNotExist
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from caminantes.accounts import policies
from caminantes.accounts.models import Organization, User
from caminantes.audit import actions
from caminantes.audit.log import log
from caminantes.geo.models import Country
from caminantes.protection import models as m
from caminantes.protection import services
from caminantes.protection.choices import Kind, age_group_of
from caminantes.protection.errors import Refused
from caminantes.protection.models_xfer import InboxStatus
from caminantes.registry import hooks
from caminantes.registry.models import Person

KIND_OF_SERVICE = {"gbv": Kind.GBV, "trafficking": Kind.TRAFFICKING}
# Labels the referring side may give a name, a sex or an age under (its form is in the
# sender's language): used only to pre-fill the case, which the officer checks.
NAME_LABELS = {"name", "full name", "nombre", "nombre completo", "nome", "nome completo"}
SEX_LABELS = {"sex", "sexo"}
AGE_LABELS = {"age", "edad", "idade"}
SEX_WORDS = {"f": "F", "female": "F", "femenino": "F", "mujer": "F", "feminino": "F",
             "mulher": "F", "m": "M", "male": "M", "masculino": "M", "hombre": "M",
             "homem": "M"}  # fmt: skip


def receive(
    *, referral_uuid: uuid_lib.UUID, organization: Organization, country: Country,
    service_type: str, person: Person | None, fields: dict[str, Any], urgent: bool,
    sender: User,
) -> m.IncomingReferral:  # fmt: skip
    """Store a referral that arrived through the restricted path (sealed, in the inbox)."""
    kind = KIND_OF_SERVICE.get(str(service_type))
    if kind is None:
        raise ValueError(f"not a protection service type: {service_type!r}")
    if not organization.countries.filter(pk=country.pk).exists():
        raise ValueError("the receiving organisation does not work in this country")
    existing = m.IncomingReferral.objects.filter(uuid=referral_uuid).first()
    if existing is not None:
        return existing  # the same referral handed over again
    with transaction.atomic():
        row = m.IncomingReferral(uuid=referral_uuid, organization=organization, country=country,
                                 kind=kind)  # fmt: skip
        row.set_contents({
            "fields": {str(k): "" if v is None else str(v) for k, v in fields.items()},
            "person": str(person.uuid) if person is not None else None,
            "urgent": bool(urgent),
            "sender": sender.full_name or sender.email,
        })  # fmt: skip
        row.save()
        log(sender, actions.CREATE, row)
    return row


def _field(fields: dict[str, str], labels: set[str]) -> str:
    for label, value in fields.items():
        if label.strip().lower() in labels and value:
            return value
    return ""


def prefill(incoming: m.IncomingReferral) -> dict[str, Any]:
    """What the case opened from this referral starts with, read from the fields the
    referring side shared (nothing more of the person): the officer checks it."""
    fields = incoming.contents().get("fields") or {}
    age_text = _field(fields, AGE_LABELS).strip()
    return {
        "name": _field(fields, NAME_LABELS),
        "sex": SEX_WORDS.get(_field(fields, SEX_LABELS).strip().lower(), "U"),
        "age": int(age_text) if age_text.isdigit() and int(age_text) <= 120 else None,
    }


def _waiting(actor: User, incoming: m.IncomingReferral) -> m.IncomingReferral:
    row = m.IncomingReferral.objects.select_for_update().get(pk=incoming.pk)
    if row.status != InboxStatus.WAITING:
        raise Refused(_("This referral was already answered."), code="answered")
    if not policies.has_perm(
        actor,
        services.perm_for(row.kind),
        organization_id=row.organization_id,
        country_id=row.country_id,
    ):
        raise Refused(_("You may not answer this kind of referral here."), code="not_allowed")
    return row  # fmt: skip


def _tell_sender(actor: User, row: m.IncomingReferral, *, accepted: bool) -> None:
    """The answer back through registry.hooks. A referral the referring side does not know
    (handed in by the demo, or deleted there since) cannot be told: the answer stands here
    and the undelivered answer is recorded. Any other failure rolls the answer back."""
    try:
        hooks.restricted_referral_answered(referral_uuid=row.uuid, accepted=accepted,
                                           actor=actor)  # fmt: skip
    except ObjectDoesNotExist:
        log(actor, actions.UPDATE, row, answer_delivered=False)


def incoming_accept(
    *, actor: User, incoming: m.IncomingReferral, name: str = "", sex: str, age: int | None
) -> m.ProtectionCase:
    """Open a case from the referral, the actor its caseworker; tell the referring side."""
    with transaction.atomic():
        row = _waiting(actor, incoming)
        contents = row.contents()
        linked = contents.get("person")
        data = {
            "person": linked, "name": "" if linked else name.strip(), "sex": sex,
            "age": age, "age_group": age_group_of(age),
        }  # fmt: skip
        organization = Organization.objects.get(pk=row.organization_id)
        case = services.case_open(actor=actor, organization=organization,
                                  country=row.country, kind=row.kind, data=data)  # fmt: skip
        contents["case"] = str(case.uuid)
        row.set_contents(contents)
        row.status, row.answered_at = InboxStatus.ACCEPTED, timezone.now()
        row.save(update_fields=["sealed", "status", "answered_at"])
        log(actor, actions.UPDATE, row, accepted=True)
        log(actor, actions.UPDATE, case, step="opened_from_referral")
        _tell_sender(actor, row, accepted=True)
    return case


def incoming_decline(
    *, actor: User, incoming: m.IncomingReferral, reason: str
) -> m.IncomingReferral:
    if not reason.strip():
        raise Refused(_("Say why the referral is declined."), code="required", field="reason")
    with transaction.atomic():
        row = _waiting(actor, incoming)
        contents = row.contents()
        contents["decline_reason"] = reason.strip()
        row.set_contents(contents)
        row.status, row.answered_at = InboxStatus.DECLINED, timezone.now()
        row.save(update_fields=["sealed", "status", "answered_at"])
        log(actor, actions.UPDATE, row, accepted=False)
        _tell_sender(actor, row, accepted=False)
    return row
