"""Reads of protection cases: the one door (use these, never `visible` or the managers).

`cases_for(user)` is what the user may list: GBV cases through GBV_CASES, trafficking cases
through TRAFFICKING_CASES, each only in the organisation and country of a membership and
only while the user has an active assignment on the case. `case_for(user, uuid)` is one case
or Http404, exactly as for an id that does not exist; the read (or the attempt) is audited.
Audit events about protection objects are hidden from the general trail; `case_openings`
shows them on the case, to its assigned users only.
"""

from __future__ import annotations

import uuid as uuid_lib
from typing import Any, TypeVar

from django.db.models import Q, QuerySet
from django.http import Http404

from caminantes.accounts import policies
from caminantes.accounts.models import Organization
from caminantes.accounts.permissions import Perm
from caminantes.audit import actions
from caminantes.audit.log import Subject, log
from caminantes.audit.models import AuditEvent
from caminantes.protection import models as m
from caminantes.protection.choices import Kind

C = TypeVar("C", m.CaseService, m.ActionItem, m.PsychosocialSession, m.Assignment)


def cases_for(user: Any) -> QuerySet[m.ProtectionCase]:
    gbv = policies.visible(user, m.ProtectionCase, perm=Perm.GBV_CASES).filter(kind=Kind.GBV)
    tip = policies.visible(user, m.ProtectionCase, perm=Perm.TRAFFICKING_CASES).filter(
        kind=Kind.TRAFFICKING
    )
    return m.ProtectionCase.objects.filter(
        Q(pk__in=gbv.order_by().values("pk")) | Q(pk__in=tip.order_by().values("pk"))
    )


def _key(uuid: Any) -> uuid_lib.UUID:
    try:
        return uuid if isinstance(uuid, uuid_lib.UUID) else uuid_lib.UUID(str(uuid))
    except (ValueError, TypeError, AttributeError) as exc:
        raise Http404 from exc


def _denied(user: Any, model: type[Any], key: uuid_lib.UUID, org_id: int | None) -> None:
    """An attempt on a case the user may not open: recorded (it shows on that case only)."""
    if org_id is None:
        return  # nothing there: a mistyped link, not a probe
    owner = Organization.objects.filter(pk=org_id).first()
    log(user, actions.ACCESS_DENIED, Subject(model._meta.label_lower, key), "denied",
        object_organization=owner)  # fmt: skip


def case_for(user: Any, uuid: Any, *, audit: bool = True) -> m.ProtectionCase:
    """The case, or Http404 whether it is missing or hidden. Every open is audited (the
    case's "who opened this"); pass audit=False only for a write that audits itself."""
    key = _key(uuid)
    case = cases_for(user).filter(uuid=key).first()
    if case is None:
        org_id = (
            m.ProtectionCase.objects.filter(uuid=key)
            .values_list("organization_id", flat=True)
            .first()
        )
        _denied(user, m.ProtectionCase, key, org_id)
        raise Http404
    if audit:
        log(user, actions.READ_RESTRICTED, case)
    return case


def child_for(user: Any, model: type[C], uuid: Any) -> C:
    """A service, action, session or assignment of a case the user may open, or Http404."""
    key = _key(uuid)
    obj = model.objects.filter(uuid=key, case__in=cases_for(user)).select_related("case").first()
    if obj is None:
        org_id = (
            model.objects.filter(uuid=key).values_list("case__organization_id", flat=True).first()
        )
        _denied(user, model, key, org_id)
        raise Http404
    return obj


def record_list(user: Any, cases: list[m.ProtectionCase]) -> None:
    """A list page showed these cases' codes: one restricted read naming the count (it
    counts towards the bulk-access alert)."""
    if cases:
        log(user, actions.READ_RESTRICTED, m.ProtectionCase, count=len(cases),
            ids=[str(c.uuid) for c in cases])  # fmt: skip


def services_of(case: m.ProtectionCase) -> list[m.CaseService]:
    return list(case.services.all())


def actions_of(case: m.ProtectionCase) -> list[m.ActionItem]:
    return list(case.actions.all())


def sessions_of(case: m.ProtectionCase) -> list[m.PsychosocialSession]:
    rows = list(case.sessions.all())
    rows.sort(key=lambda s: (s.contents().get("date", ""), s.pk))
    return rows


def assignments_of(case: m.ProtectionCase, *, active_only: bool = False) -> list[m.Assignment]:
    qs = case.assignments.select_related("user")
    if active_only:
        qs = qs.filter(ended_at__isnull=True)
    return list(qs)


def case_openings(case: m.ProtectionCase, *, limit: int = 200) -> QuerySet[AuditEvent]:
    """Who opened, changed, revealed, printed or tried to open this case (newest first).
    Call it only with a case from `case_for`: the trail of a case is its assigned users'."""
    uuids = [case.uuid]
    for rel in (case.services, case.actions, case.sessions, case.assignments,
                case.transfers, case.referrals):  # fmt: skip
        uuids.extend(rel.values_list("uuid", flat=True))
    return (
        AuditEvent.objects.filter(object_type__startswith="protection.", object_uuid__in=uuids)
        .select_related("actor")
        .order_by("-id")[:limit]
    )
