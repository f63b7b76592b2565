"""Reads of transfers and referrals: the receiving side's lists, one row or Http404.

The kind decides the role, as for cases: GBV rows need GBV_CASES, trafficking rows
TRAFFICKING_CASES, in the receiving organisation and country. Opening one row is audited
(READ_RESTRICTED, hidden from the general trail like every protection event); an attempt on
a row the user may not see is recorded as denied.
"""

from __future__ import annotations

import uuid as uuid_lib
from typing import Any

from django.db.models import Q, QuerySet
from django.http import Http404

from caminantes.accounts import policies
from caminantes.accounts.models import Organization
from caminantes.accounts.permissions import Perm
from caminantes.audit import actions
from caminantes.audit.log import Subject, log
from caminantes.protection import models as m
from caminantes.protection.choices import Kind
from caminantes.protection.models_xfer import InboxStatus, TransferStatus


def _key(uuid: Any) -> uuid_lib.UUID:
    try:
        return uuid if isinstance(uuid, uuid_lib.UUID) else uuid_lib.UUID(str(uuid))
    except (ValueError, TypeError, AttributeError) as exc:
        raise Http404 from exc


def _denied(user: Any, model: type[Any], key: uuid_lib.UUID, org_id: int | None) -> None:
    if org_id is None:
        return  # nothing there: a mistyped link, not a probe
    owner = Organization.objects.filter(pk=org_id).first()
    log(user, actions.ACCESS_DENIED, Subject(model._meta.label_lower, key), "denied",
        object_organization=owner)  # fmt: skip


def _by_kind(user: Any, model: type[Any], kind_field: str) -> Q:
    gbv = policies.visible(user, model, perm=Perm.GBV_CASES).filter(**{kind_field: Kind.GBV})
    tip = policies.visible(user, model, perm=Perm.TRAFFICKING_CASES).filter(
        **{kind_field: Kind.TRAFFICKING}
    )
    return Q(pk__in=gbv.order_by().values("pk")) | Q(pk__in=tip.order_by().values("pk"))


def incoming_transfers(user: Any) -> QuerySet[m.Transfer]:
    """Proposals waiting for the user's organisation (the case's code and kind only)."""
    return (
        m.Transfer.objects.filter(_by_kind(user, m.Transfer, "case__kind"))
        .filter(status=TransferStatus.PROPOSED)
        .select_related("case", "from_organization", "case__country")
        .order_by("-proposed_at")
    )


def transfer_for(user: Any, uuid: Any) -> m.Transfer:
    key = _key(uuid)
    row = incoming_transfers(user).filter(uuid=key).first()
    if row is None:
        org_id = m.Transfer.objects.filter(uuid=key).values_list("to_organization_id",
                                                                 flat=True).first()  # fmt: skip
        _denied(user, m.Transfer, key, org_id)
        raise Http404
    log(user, actions.READ_RESTRICTED, row)
    return row


def transfers_of(case: m.ProtectionCase) -> list[m.Transfer]:
    return list(case.transfers.select_related("to_organization", "from_organization"))


def inbox(user: Any) -> QuerySet[m.IncomingReferral]:
    """Referrals waiting in the user's organisation and country, for the user's role."""
    return (
        m.IncomingReferral.objects.filter(_by_kind(user, m.IncomingReferral, "kind"))
        .filter(status=InboxStatus.WAITING)
        .order_by("-received_at")
    )


def incoming_for(user: Any, uuid: Any) -> m.IncomingReferral:
    key = _key(uuid)
    row = inbox(user).filter(uuid=key).first()
    if row is None:
        org_id = m.IncomingReferral.objects.filter(uuid=key).values_list(
            "organization_id", flat=True).first()  # fmt: skip
        _denied(user, m.IncomingReferral, key, org_id)
        raise Http404
    log(user, actions.READ_RESTRICTED, row)
    return row


def referrals_of(case: m.ProtectionCase) -> list[m.OutgoingReferral]:
    return list(case.referrals.all())
