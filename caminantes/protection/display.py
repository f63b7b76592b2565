"""What a case page shows: the sealed codes turned into translated labels, never the name
(that is `services.case_reveal`'s job, one response at a time)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext as _

from caminantes.geo.models import AdminArea, Country
from caminantes.protection import choices as c
from caminantes.protection import models as m


@dataclass
class Row:
    label: str
    value: str


def _label(kind: type[Any], code: Any) -> str:
    if code in (None, ""):
        return "-"
    try:
        return str(kind(code).label)
    except ValueError:
        return str(code)


def _labels(kind: type[Any], codes: Any) -> str:
    return ", ".join(_label(kind, code) for code in codes or []) or "-"


def _yes(value: Any) -> str:
    return _("Yes") if value else _("No")


def _area(uuid: Any) -> str:
    if not uuid:
        return "-"
    area = AdminArea.objects.filter(uuid=uuid).first()
    return area.name if area else "-"


def _route(codes: Any) -> str:
    if not codes:
        return "-"
    names = dict(Country.objects.filter(iso2__in=codes).values_list("iso2", "name_es"))
    return " → ".join(f"{names.get(code, code)} ({code})" for code in codes)


def survivor_rows(case: m.ProtectionCase) -> list[Row]:
    d = case.contents()
    linked = _("Registered person (linked)") if d.get("person") else _("Not registered")
    age = d.get("age")
    return [
        Row(_("Survivor"), linked),
        Row(_("Sex"), _label(c.Sex, d.get("sex"))),
        Row(_("Age"), "-" if age is None else str(age)),
        Row(_("Year of birth"), str(d.get("birth_year") or "-")),
        Row(_("Age group at the incident"), _label(c.AgeGroup, d.get("age_group"))),
    ]


def incident_rows(case: m.ProtectionCase) -> list[Row]:
    d = case.contents()
    return [
        Row(_("Type of incident (GBVIMS)"), _label(c.IncidentType, d.get("incident_type"))),
        Row(_("Date of the incident"), str(d.get("incident_date") or "-")),
        Row(_("Area of the incident"), _area(d.get("incident_area"))),
        Row(_("Relationship of the alleged perpetrator"),
            _label(c.Perpetrator, d.get("perpetrator"))),
    ]  # fmt: skip


def trafficking_rows(case: m.ProtectionCase) -> list[Row]:
    d = case.contents()
    return [
        Row(_("Identification indicators"), _labels(c.Indicator, d.get("indicators"))),
        Row(_("Type of exploitation"), _labels(c.Exploitation, d.get("exploitation"))),
        Row(_("Route (countries in order)"), _route(d.get("route"))),
        Row(_("Recruiter"), _label(c.Recruiter, d.get("recruiter"))),
        Row(_("Status"), _label(c.TraffickingStatus, d.get("tip_status"))),
    ]


def assistance_rows(case: m.ProtectionCase) -> list[Row]:
    d = case.contents()
    return [
        Row(_("Assistance"), _labels(c.Assistance, d.get("assistance"))),
        Row(_("Referred to the authorities"), _yes(d.get("authorities_referral"))),
        Row(_("Informed consent to the referral to the authorities"),
            _yes(d.get("authorities_consent"))),
        Row(_("Date of the referral"), str(d.get("authorities_referred_on") or "-")),
    ]  # fmt: skip


def plan_rows(case: m.ProtectionCase) -> list[Row]:
    d = case.contents()
    rows = [
        Row(_("Consents to be counted (anonymously) in aggregate reports"),
            _yes(d.get("consent_reporting"))),
        Row(_("Safety plan"), d.get("safety_plan") or "-"),
        Row(_("Narrative"), d.get("narrative") or "-"),
    ]  # fmt: skip
    if case.status != c.Status.OPEN:
        rows.append(Row(_("Reason for closing"), _label(c.ClosureReason, d.get("closure_reason"))))
        if d.get("closure_note"):
            rows.append(Row(_("Note"), d["closure_note"]))
    return rows


@dataclass
class ServiceLine:
    service: str
    status: str
    consent: str
    date: str
    provider: str


def service_lines(rows: list[m.CaseService]) -> list[ServiceLine]:
    out = []
    for row in rows:
        d = row.contents()
        out.append(ServiceLine(
            _label(c.ServiceType, d.get("service")), _label(c.ServiceStatus, d.get("status")),
            _yes(d.get("consent")), str(d.get("date") or "-"), str(d.get("provider") or ""),
        ))  # fmt: skip
    return out


@dataclass
class ActionLine:
    uuid: Any
    text: str
    due_on: Any
    done: bool


def action_lines(rows: list[m.ActionItem]) -> list[ActionLine]:
    return [ActionLine(r.uuid, str(r.contents().get("text", "")), r.due_on, r.done) for r in rows]


@dataclass
class SessionLine:
    number: str
    date: str
    type: str
    wellbeing: str
    note: str


def session_lines(rows: list[m.PsychosocialSession]) -> list[SessionLine]:
    out = []
    for row in rows:
        d = row.contents()
        out.append(SessionLine(
            str(d.get("number") or "-"), str(d.get("date") or "-"),
            _label(c.SessionType, d.get("type")), str(d.get("wellbeing", "-")),
            str(d.get("note") or ""),
        ))  # fmt: skip
    return out
