"""The foreign world's protection transfers and referrals (see tests/world.py): a transfer
of its GBV case to a third organisation (so no asker receives it), a referral out of the
case, and a referral its GBV office already declined."""

from __future__ import annotations

import uuid
from datetime import date
from typing import Any

from caminantes.accounts.models import Organization, User
from tests.world import BUILDERS


def _case(org: Organization, member: User) -> Any:
    from caminantes.protection.models import ProtectionCase

    return BUILDERS[ProtectionCase](org, member)


def _transfer(org: Organization, member: User) -> Any:
    from caminantes.protection.models import Transfer

    existing = Transfer.objects.filter(from_organization=org).first()
    if existing is not None:
        return existing
    case = _case(org, member)
    third, _ = Organization.objects.get_or_create(
        acronym=f"T{org.acronym}"[:30],
        defaults={"name": f"Transfers of {org.acronym}", "type": "national_ngo"},
    )
    third.countries.add(case.country)
    row = Transfer(case=case, from_organization=org, to_organization=third, proposed_by=member)
    row.set_contents({"consent": True, "consent_date": date.today().isoformat(),
                      "explained_by": "foreign", "note": "foreign"})  # fmt: skip
    row.save()
    return row


def _referral_out(org: Organization, member: User) -> Any:
    from caminantes.protection.models import OutgoingReferral

    existing = OutgoingReferral.objects.filter(case__organization=org).first()
    if existing is not None:
        return existing
    row = OutgoingReferral(case=_case(org, member))
    row.set_contents({"service": "health", "provider": "foreign", "consent": True,
                      "shared": {"age": 30}})  # fmt: skip
    row.save()
    return row


def _referral_in(org: Organization, member: User) -> Any:
    from caminantes.protection.models import IncomingReferral

    existing = IncomingReferral.objects.filter(organization=org).first()
    if existing is not None:
        return existing
    # Already answered: an answer goes back to assistance's referral, which this world does
    # not build (the inbox pages are walked in caminantes/protection/tests).
    row = IncomingReferral(uuid=uuid.uuid4(), organization=org,
                           country=_case(org, member).country, kind="gbv",
                           status="declined")  # fmt: skip
    row.set_contents({"fields": {"Nombre": f"Foreign referral {org.acronym}"}, "person": None,
                      "urgent": False, "sender": "foreign"})  # fmt: skip
    row.save()
    return row


def _register() -> None:
    from caminantes.protection import models as m

    BUILDERS.update({
        m.Transfer: _transfer,
        m.OutgoingReferral: _referral_out,
        m.IncomingReferral: _referral_in,
    })  # fmt: skip


_register()
