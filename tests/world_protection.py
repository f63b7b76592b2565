"""The foreign world's protection case files: a GBV case and its child rows (see
tests/world.py). The case is assigned to the given member and to the organisation's GBV
officers in its country: in another organisation's world it exists and is reachable by
someone, only not by the askers; in one's own world (the page walks) the GBV officer's pages
are shown and its forms tried."""

from __future__ import annotations

from datetime import date
from typing import Any

from caminantes.accounts.models import Membership, Organization, User
from caminantes.accounts.permissions import Role
from tests.world import BUILDERS


def _case(org: Organization, member: User) -> Any:
    from caminantes.protection.models import Assignment, ProtectionCase, new_survivor_code

    existing = ProtectionCase.objects.filter(organization=org).first()
    if existing is not None:
        return existing
    case = ProtectionCase(
        organization=org, country=org.countries.first(), kind="gbv",
        survivor_code=new_survivor_code("gbv"),
    )  # fmt: skip
    case.set_contents({"name": f"Foreign survivor {org.acronym}", "narrative": "foreign"})
    case.save()
    Assignment.objects.create(case=case, user=member, role="caseworker")
    officers = (
        Membership.objects.active()
        .filter(organization=org, role=Role.GBV_OFFICER, countries=case.country)
        .exclude(user=member)
        .values_list("user_id", flat=True)
        .distinct()
    )
    for user_id in officers:
        Assignment.objects.create(case=case, user_id=user_id, role="caseworker")
    return case


def _service(org: Organization, member: User) -> Any:
    from caminantes.protection.models import CaseService

    existing = CaseService.objects.filter(case__organization=org).first()
    if existing is not None:
        return existing
    row = CaseService(case=_case(org, member))
    row.set_contents({"service": "health", "status": "offered", "consent": True})
    row.save()
    return row


def _action(org: Organization, member: User) -> Any:
    from caminantes.protection.models import ActionItem

    existing = ActionItem.objects.filter(case__organization=org).first()
    if existing is not None:
        return existing
    row = ActionItem(case=_case(org, member), due_on=date.today())
    row.set_contents({"text": "foreign follow-up"})
    row.save()
    return row


def _session(org: Organization, member: User) -> Any:
    from caminantes.protection.models import PsychosocialSession

    existing = PsychosocialSession.objects.filter(case__organization=org).first()
    if existing is not None:
        return existing
    row = PsychosocialSession(case=_case(org, member))
    row.set_contents({"date": date.today().isoformat(), "type": "individual", "wellbeing": 5})
    row.save()
    return row


def _assignment(org: Organization, member: User) -> Any:
    from caminantes.protection.models import Assignment

    return Assignment.objects.get(case=_case(org, member), user=member, ended_at__isnull=True)


def _register() -> None:
    from caminantes.protection import models as m

    BUILDERS.update({
        m.ProtectionCase: _case,
        m.CaseService: _service,
        m.ActionItem: _action,
        m.PsychosocialSession: _session,
        m.Assignment: _assignment,
    })  # fmt: skip


_register()
