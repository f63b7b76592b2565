"""The foreign world's directory and referrals (see tests/world.py): a service of the
organisation, a referral of its household to it carrying the planted name, and a notice
about it for the member."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.utils import timezone

from caminantes.accounts.models import Organization, User
from tests.world import BUILDERS, foreign_household, plant


def _service(org: Organization, member: User) -> Any:
    from caminantes.assistance.referrals.models import Service

    return Service.objects.get_or_create(
        organization=org, country=org.countries.first(), name="Foreign service",
        defaults={"type": "psychosocial", "sector": "protection",
                  "referral_fields": ["name", "phone"]},
    )[0]  # fmt: skip


def _referral(org: Organization, member: User) -> Any:
    from caminantes.assistance.referrals.models import Referral, ReferralEvent

    service = _service(org, member)
    existing = Referral.objects.filter(service=service).first()
    if existing is not None:
        return existing
    household = foreign_household(org, member)
    referral = Referral(
        service=service, receiving_organization=org, country=household.country,
        sender_organization=org, sent_by=member, household=household,
        person=household.focal_point, due_on=timezone.localdate() + timedelta(days=5),
    )  # fmt: skip
    names = plant(org)
    referral.set_fields({"name": f"{names.given_names} {names.surname}", "phone": "",
                         "reason": "Foreign reason", "urgency": "Normal"})  # fmt: skip
    referral.save()
    ReferralEvent.objects.create(referral=referral, status="sent", actor=member, organization=org)
    return referral


def _notice(org: Organization, member: User) -> Any:
    from caminantes.assistance.referrals.models import Notice

    referral = _referral(org, member)
    return Notice.objects.get_or_create(
        user=member, referral=referral, defaults={"message": "New referral %(code)s.",
                                                  "params": {"code": referral.code}},
    )[0]  # fmt: skip


def _referrals_register() -> None:
    from caminantes.assistance.referrals import models as m

    BUILDERS.update({m.Service: _service, m.Referral: _referral, m.Notice: _notice})


_referrals_register()
