"""Reads for the aggregate reports: the consented incidents a protection officer may count.

This is the one read of protection cases that does not go through the assignment rule of
`protection.selectors`: an officer holding GBV_CASES (or TRAFFICKING_CASES) in an
organisation and country counts *every* case of that kind there whose survivor consented to
being counted in aggregate reports, not only the cases assigned to her. That is acceptable
only because nothing of a case leaves this module but a bucket (type, month, area, age group,
sex, service, exploitation, status), the buckets leave only as suppressed tables
(`suppression`), and the page says so. Nobody else gets anything: platform roles, registry
staff, country managers and auditors hold neither permission, so `scopes` is empty for them
and the pages answer 403.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from django.utils import timezone

from caminantes.accounts import policies
from caminantes.accounts.permissions import PLATFORM_ROLES, Perm
from caminantes.geo.models import AdminArea, Country
from caminantes.protection import choices
from caminantes.protection.models import CaseService, ProtectionCase
from caminantes.protection.reports.build import UNKNOWN

# What report events are logged about. Under "protection." like every protection event, so
# the general trail shows no trace of protection work (audit.models hides the prefix); the
# events stay in the hash chain. They never carry a figure (report.audit_details).
AUDIT_SUBJECT = "protection.report"
PERMISSION = {choices.Kind.GBV: Perm.GBV_CASES, choices.Kind.TRAFFICKING: Perm.TRAFFICKING_CASES}


@dataclass(frozen=True)
class ReportScope:
    kind: str
    organization_id: int
    country_id: int


def scopes(user: Any) -> set[ReportScope]:
    """(kind, organisation, country) the user may report on: a membership holding the
    kind's permission, in each of its countries. Platform roles never (no platform view)."""
    found = set()
    for grant in policies.grants(user):
        if grant.role in PLATFORM_ROLES:
            continue
        for kind, perm in PERMISSION.items():
            if perm in grant.perms:
                found |= {ReportScope(kind, grant.organization_id, c) for c in grant.country_ids}
    return found


def may_report(user: Any) -> bool:
    return bool(scopes(user))


def scopes_in(user: Any, organization: Any) -> list[ReportScope]:
    """The user's scopes in one organisation (the switcher's), in a stable order."""
    if organization is None:
        return []
    found = [s for s in scopes(user) if s.organization_id == organization.pk]
    return sorted(found, key=lambda s: (s.kind, s.country_id))


def _cases(scope: ReportScope) -> list[ProtectionCase]:
    """The scope's cases whose survivor consented to aggregate reporting (decrypted here:
    consent lives in the sealed blob)."""
    cases = ProtectionCase.objects.filter(
        kind=scope.kind, organization_id=scope.organization_id, country_id=scope.country_id
    ).order_by("pk")
    return [case for case in cases if case.contents().get("consent_reporting") is True]


def _month(value: Any) -> str | None:
    try:
        return date.fromisoformat(str(value)).strftime("%Y-%m")
    except ValueError:
        return None


def admin1_of(country: Country) -> dict[str, AdminArea]:
    """Each area of the country (any level) to its first-level ancestor, by uuid."""
    areas = {a.pk: a for a in AdminArea.objects.filter(country=country)}
    result = {}
    for area in areas.values():
        top = area
        seen = 0
        while top.parent_id is not None and top.parent_id in areas and seen < 10:
            top, seen = areas[top.parent_id], seen + 1
        result[str(area.uuid)] = top
    return result


def _coded(value: Any, allowed: Any, default: str = UNKNOWN) -> str:
    return value if value in allowed else default


@dataclass
class GbvRecords:
    incidents: list[dict[str, str]]
    services: list[dict[str, str]]


def gbv_records(scope: ReportScope, months: tuple[str, ...], country: Country) -> GbvRecords:
    """Consented GBV incidents dated in `months`, bucketed; and the services they received.
    An incident without a date is in no month and is not counted."""
    to_admin1 = admin1_of(country)
    incidents: list[dict[str, str]] = []
    counted: list[ProtectionCase] = []
    for case in _cases(scope):
        data = case.contents()
        month = _month(data.get("incident_date"))
        if month not in months:
            continue
        area = to_admin1.get(str(data.get("incident_area") or ""))
        incidents.append({
            "type": _coded(data.get("incident_type"), choices.IncidentType.values),
            "month": month,
            "admin1": str(area.uuid) if area is not None else UNKNOWN,
            "age_group": _coded(data.get("age_group"), choices.AgeGroup.values),
            "sex": _coded(data.get("sex"), choices.Sex.values, choices.Sex.UNKNOWN),
        })  # fmt: skip
        counted.append(case)
    services = []
    for service in CaseService.objects.filter(case__in=counted).order_by("pk"):
        data = service.contents()
        if data.get("status") == choices.ServiceStatus.RECEIVED:
            services.append({"service": _coded(data.get("service"), choices.ServiceType.values)})
    return GbvRecords(incidents, services)


def trafficking_records(scope: ReportScope, months: tuple[str, ...]) -> list[dict[str, str]]:
    """One record per form of exploitation of each consented case opened in `months`."""
    forms = []
    for case in _cases(scope):
        month = timezone.localtime(case.opened_at).strftime("%Y-%m")
        if month not in months:
            continue
        data = case.contents()
        status = _coded(data.get("tip_status"), choices.TraffickingStatus.values)
        kinds = [k for k in data.get("exploitation") or [] if k in choices.Exploitation.values]
        for kind in dict.fromkeys(kinds) or [UNKNOWN]:
            forms.append({"exploitation": kind, "month": month, "status": status})
    return forms
