"""Protection demo: UNHCR Colombia's GBV cases and IOM Peru's trafficking cases.

Valeria (vbg.co) is the caseworker of six GBV cases, Silvia (vbg.supervisora.co) supervises
four of them, and Gloria (vbg2.co), a GBV officer of the same office, sees none. Tomás
(trata.pe) holds three trafficking cases. Some survivors are registered people of the demo
registry (linked by id, inside the sealed file), others stand alone under made-up names.
All written through the services, so the cases' "who opened this" reads as in the field.
Idempotent: nothing is added when Valeria already has cases.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Any

from django.db import transaction
from django.utils import timezone

from caminantes.accounts.models import Organization, User
from caminantes.geo.models import AdminArea, Country
from caminantes.lib.fakenames import FakeNames
from caminantes.protection import demo_xfer, selectors, services
from caminantes.protection.choices import age_group_of
from caminantes.registry.models import Person

CASEWORKER = "vbg.co@demo.caminantes.org"
SUPERVISOR = "vbg.supervisora.co@demo.caminantes.org"
TRAFFICKING = "trata.pe@demo.caminantes.org"
SEED = 14

GBV = [
    # incident type, perpetrator, days ago, linked to a registered person, supervised
    ("sexual_assault", "unknown", 12, True, True),
    ("physical_assault", "intimate_partner", 30, False, True),
    ("psychological_abuse", "intimate_partner", 45, True, True),
    ("rape", "other_displaced", 8, False, True),
    ("denial_of_resources", "family", 60, False, False),
    ("forced_marriage", "family", 90, False, False),
]
TIP = [
    # exploitation, route, status, recruiter, linked
    (["labour"], ["VE", "CO", "EC", "PE"], "identified", "agency", True),
    (["sexual"], ["VE", "CO", "PE"], "presumed", "online", False),
    (["domestic_servitude", "forced_criminality"], ["VE", "PE"], "presumed", "acquaintance",
     False),
]  # fmt: skip


def _survivor(fake: FakeNames, person: Person | None, age: int) -> dict[str, Any]:
    today = timezone.localdate()
    if person is not None:
        return {"person": str(person.uuid), "name": "", "sex": person.sex, "age": age,
                "age_group": age_group_of(age)}  # fmt: skip
    name = f"{fake.given_names('F', today.year - age)} {fake.surname()} {fake.surname()}"
    return {"person": None, "name": name, "sex": "F", "age": age,
            "birth_year": today.year - age, "age_group": age_group_of(age)}  # fmt: skip


def load(say: Callable[[str], None], **options: Any) -> None:
    unhcr = Organization.objects.filter(acronym="UNHCR").first()
    iom = Organization.objects.filter(acronym="IOM").first()
    co = Country.objects.filter(iso2="CO").first()
    pe = Country.objects.filter(iso2="PE").first()
    users = {u.email: u for u in User.objects.filter(email__in=[CASEWORKER, SUPERVISOR,
                                                                   TRAFFICKING])}  # fmt: skip
    if None in (unhcr, iom, co, pe) or len(users) < 3:
        say("Protection: skipped, load the demo organisations and users first.")
        return
    assert unhcr is not None and iom is not None and co is not None and pe is not None
    worker, supervisor, officer = users[CASEWORKER], users[SUPERVISOR], users[TRAFFICKING]
    if selectors.cases_for(worker).exists():
        say("Protection: the demo cases are already there.")
        demo_xfer.load(say, worker=worker)
        return
    fake = FakeNames(SEED)
    today = timezone.localdate()
    co_people = list(Person.objects.filter(household__organization=unhcr, household__country=co,
                                           sex="F").order_by("pk")[:2])  # fmt: skip
    pe_people = list(Person.objects.filter(household__organization=iom, household__country=pe,
                                           sex="F").order_by("pk")[:1])  # fmt: skip
    areas = list(AdminArea.objects.filter(country=co, level=1).order_by("pk")[:6])
    with transaction.atomic():
        for i, (kind_, perpetrator, days, linked, supervised) in enumerate(GBV):
            person = co_people.pop(0) if linked and co_people else None
            age = 17 + 5 * i
            case = services.case_open(
                actor=worker, organization=unhcr, country=co, kind="gbv",
                data=_survivor(fake, person, age) | {
                    "incident_type": kind_, "incident_date": today - timedelta(days=days),
                    "incident_area": str(areas[i % len(areas)].uuid) if areas else None,
                    "perpetrator": perpetrator, "consent_reporting": i % 3 != 2,
                    "safety_plan": "Contacto de confianza acordado; ruta segura al centro.",
                    "narrative": "Relato de demostración: sin datos reales.",
                },
            )  # fmt: skip
            if supervised:
                services.case_assign(actor=worker, case=case, user=supervisor, role="supervisor")
            services.service_add(actor=worker, case=case, data={
                "service": "psychosocial", "status": "received", "consent": True,
                "date": today - timedelta(days=days - 2), "provider": "Equipo psicosocial ACNUR",
            })  # fmt: skip
            if i % 2 == 0:
                services.service_add(actor=worker, case=case, data={
                    "service": "health", "status": "offered", "consent": True,
                    "date": today - timedelta(days=days - 1), "provider": "Hospital local",
                })  # fmt: skip
            for n in range(1 + i % 3):
                services.session_add(actor=worker, case=case, data={
                    "date": today - timedelta(days=max(days - 3 - 7 * n, 0)),
                    "type": "individual", "wellbeing": min(4 + n + i % 3, 10),
                })  # fmt: skip
            services.action_add(actor=worker, case=case, text="Llamada de seguimiento",
                                due_on=today + timedelta(days=3 + i))  # fmt: skip
            if i == 4:
                services.case_close(actor=worker, case=case, reason="needs_met",
                                    note="Plan de acción completado.")  # fmt: skip
        for exploitation, route, status, recruiter, linked in TIP:
            person = pe_people.pop(0) if linked and pe_people else None
            case = services.case_open(
                actor=officer, organization=iom, country=pe, kind="trafficking",
                data=_survivor(fake, person, 24) | {
                    "indicators": ["deceived", "documents_held", "wages_withheld"],
                    "exploitation": exploitation, "route": route, "recruiter": recruiter,
                    "tip_status": status, "assistance": ["shelter", "medical"],
                    "authorities_referral": status == "identified",
                    "authorities_consent": status == "identified",
                    "authorities_referred_on": today - timedelta(days=5)
                    if status == "identified" else None,
                    "narrative": "Relato de demostración: sin datos reales.",
                },
            )  # fmt: skip
            services.action_add(actor=officer, case=case, text="Acompañar a la cita legal",
                                due_on=today + timedelta(days=7))  # fmt: skip
    say("Protection: 6 GBV cases (vbg.co, supervised by vbg.supervisora.co; vbg2.co sees "
        "none) and 3 trafficking cases (trata.pe).")  # fmt: skip
    demo_xfer.load(say, worker=worker)
