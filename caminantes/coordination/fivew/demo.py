"""5W demo: the R4V reference lists, and ten months of 5W rows for Colombia (FFS and IOM),
Peru (AMA) and Ecuador (UNHCR) in every workflow state: most validated (so the dashboard
shows figures), the last ones submitted, returned with comments or still drafts. Colombia's
year is published (the public download, with small GBV cells suppressed).

Users: the IMO is `imo@demo` (UNHCR, every country); FFS's focal point `enlace.ffs@demo`
reports for FFS; two partner focal points are added here when missing (`enlace.ama`, Peru;
`enlace.ec`, UNHCR Ecuador). Everything goes through the services. Idempotent.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from datetime import date
from typing import Any

from django.db import transaction
from django.utils import timezone

from caminantes.accounts import services as accounts
from caminantes.accounts.demo import DEFAULT_PASSWORD
from caminantes.accounts.models import Membership, Organization, User
from caminantes.accounts.permissions import Role
from caminantes.coordination.fivew import refdata, services
from caminantes.coordination.fivew.engine import fields as F
from caminantes.coordination.fivew.models import Report, Status
from caminantes.geo.models import Country

IMO = "imo@demo.caminantes.org"
PARTNERS = {
    # email: (name, organisation, country ISO2, reported by an existing user?)
    "enlace.ffs@demo.caminantes.org": ("Felipe Enlace", "FFS", "CO"),
    "gerente.co@demo.caminantes.org": ("Carlos Gerente", "IOM", "CO"),
    "enlace.ama@demo.caminantes.org": ("Amalia Enlace", "AMA", "PE"),
    "enlace.ec@demo.caminantes.org": ("Esteban Enlace", "UNHCR", "EC"),
}
AREAS = {
    "CO": ["Norte de Santander", "La Guajira", "Bogotá D.C.", "Nariño"],
    "PE": ["Lima", "Tumbes", "Tacna"],
    "EC": ["Pichincha", "Carchi", "El Oro"],
}
# indicator code, sector, subsector, activity, size of a month's new beneficiaries
ACTIVITIES = [
    ("HEA-02", "Health", "", "Consultas de atención primaria", 120),
    ("FS-01", "Food Security", "", "Entrega de kits de alimentos", 200),
    ("SHE-03", "Shelter", "", "Apoyo para arriendo", 40),
    ("WSH-01", "WASH", "", "Kits de higiene", 150),
    ("PRO-03", "Protection", "", "Orientación y asistencia legal", 30),
    ("PRO-07", "Protection", "GBV", "Atención a sobrevivientes de VBG", 4),
    ("MPC-01", "Multipurpose Cash Assistance (MPC)", "", "Transferencias multipropósito", 60),
]
MONTHS = 10


def _months() -> list[date]:
    today = timezone.localdate().replace(day=1)
    out = []
    y, m = today.year, today.month
    for _i in range(MONTHS):
        out.append(date(y, m, 1))
        y, m = (y - 1, 12) if m == 1 else (y, m - 1)
    return sorted(out)


def _split(n: int, parts: list[float], rnd: random.Random) -> list[int]:
    values = [int(n * p) for p in parts]
    values[0] += n - sum(values)
    return values


def _row(
    country: str, org: str, month: date, area: str, spec: tuple[Any, ...], rnd: random.Random
) -> dict[str, Any]:
    code, sector, subsector, activity, size = spec
    new = max(1, int(size * rnd.uniform(0.4, 1.2)))
    total = new + int(new * rnd.uniform(0, 0.6))
    dest, transit, host, pendular, returnees = _split(new, [0.6, 0.2, 0.1, 0.07, 0.03], rnd)
    wa, ma, oa, wc, mc, oc = _split(new, [0.35, 0.25, 0.0, 0.2, 0.2, 0.0], rnd)
    cva = code == "MPC-01"
    return {
        F.COUNTRY: country,
        F.ADMIN1: area,
        F.ADMIN2: "",
        F.APPEALING_ORG: org,
        F.IMPLEMENTATION_SETUP: False,
        F.IMPLEMENTING_PARTNER: "",
        F.MONTH: f"{month:%Y-%m}",
        F.SECTOR: sector,
        F.SUBSECTOR: subsector,
        F.INDICATOR: code,
        F.ACTIVITY_NAME: activity,
        F.ACTIVITY_DESCRIPTION: "",
        F.RMRP_ACTIVITY: True,
        F.CVA: cva,
        F.VALUE_USD: new * 90 if cva else None,
        F.DELIVERY_MECHANISM: rnd.choice(["mobile_money", "prepaid_card", "bank_account"])
        if cva
        else "",
        F.QUANTITY_OUTPUT: new,
        F.MONTHLY_BENEFICIARIES: total,
        F.NEW_BENEFICIARIES: new,
        F.POP_IN_DESTINATION: dest,
        F.POP_IN_TRANSIT: transit,
        F.POP_HOST_COMMUNITY: host,
        F.POP_PENDULAR: pendular,
        F.POP_COLOMBIAN_RETURNEES: returnees,
        F.WOMEN_OVER18: wa,
        F.MEN_OVER18: ma,
        F.OTHER_OVER18: oa,
        F.WOMEN_UNDER18: wc,
        F.MEN_UNDER18: mc,
        F.OTHER_UNDER18: oc,
    }


def _user(email: str, name: str, org: Organization, country: Country, password: str) -> User:
    user = User.objects.filter(email=email).first()
    if user is None:
        user = accounts.user_create(
            actor=None, email=email, full_name=name, password=password, is_demo=True
        )
    if not Membership.objects.active().filter(user=user, organization=org).exists():
        accounts.membership_add(
            actor=None,
            user=user,
            organization=org,
            role=Role.PARTNER_FOCAL_POINT,
            countries=[country],
        )
    return user


def load(say: Callable[[str], None], *, password: str = DEFAULT_PASSWORD, **options: Any) -> None:
    counts = refdata.load()
    say(f"5W: reference lists loaded ({sum(counts.values())} new entries).")
    imo = User.objects.filter(email=IMO).first()
    countries = {c.iso2: c for c in Country.objects.filter(iso2__in=AREAS)}
    orgs = {
        o.acronym: o
        for o in Organization.objects.filter(acronym__in=["FFS", "IOM", "AMA", "UNHCR"])
    }
    if imo is None or len(countries) < 3 or len(orgs) < 4:
        return
    if Report.objects.exists():
        say("5W: the demo reports are already there.")
        _say(say)
        return
    rnd = random.Random(5)  # noqa: S311 - demo figures, not secrets
    months = _months()
    with transaction.atomic():
        for email, (name, acronym, iso2) in PARTNERS.items():
            org, country = orgs[acronym], countries[iso2]
            user = _user(email, name, org, country, password)
            rows = [
                _row(country.name_en, acronym, month, area, spec, rnd)
                for month in months
                for area in AREAS[iso2][: 2 + (acronym == "FFS")]
                for spec in ACTIVITIES
                if rnd.random() < 0.8
            ]
            created = services.activities_add(
                actor=user, organization=org, rows=rows, source="form"
            )
            reports = sorted({a.report for a in created}, key=lambda r: r.month)
            for i, report in enumerate(reports):
                last = len(reports) - 1 - i  # 0 for the latest month
                if last == 0:
                    continue  # this month: still a draft
                services.report_transition(actor=user, report=report, action="submit")
                if last == 1:
                    continue  # last month: waiting for the IMO
                if last == 2 and acronym == "IOM":
                    services.report_transition(
                        actor=imo,
                        report=report,
                        action="return",
                        comment="Revise los desgloses por edad en La Guajira: parecen "
                        "copiados del mes anterior.",
                    )
                    continue
                services.report_transition(actor=imo, report=report, action="validate")
        services.publication_publish(actor=imo, country=countries["CO"], year=months[-1].year)
    validated = Report.objects.filter(status=Status.VALIDATED).count()
    say(f"5W: {Report.objects.count()} monthly reports, {validated} validated.")
    _say(say)


def _say(say: Callable[[str], None]) -> None:
    say(
        f"  5W: the IMO {IMO} validates (5W reports > submitted) and keeps the lists; "
        "partners enlace.ffs (CO), enlace.ama (PE), enlace.ec (EC) and gerente.co report."
    )
