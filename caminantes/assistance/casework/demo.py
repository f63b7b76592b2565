"""Casework demo: IOM's caseworker in Colombia (registro.co) with voluntary relocation cases
at every stage, health, food and cash records, and livelihood activities.

Relocation (as Brazil's interiorization, here from Cúcuta to Colombia's large cities): one
case still at eligibility (its consent to relocation not asked yet), one preparing the
departure, one arrived 26 days ago (its 30-day visit due within the week), one whose 90-day
visit is overdue, one closed after both visits and one cancelled. Only households whose
members all hold a valid document travel; their consent to relocation is recorded through
the registry's own service first. Everything is written through the services as the
caseworker, so deliveries, the timeline and the audit trail read as in the field.
Deterministic (households in registration order) and idempotent: existing demo cases are
left as they are.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils import timezone

from caminantes.accounts.models import Organization, User
from caminantes.assistance.casework import rules, services, services_records
from caminantes.assistance.casework.models import Modality, RelocationCase, Stage
from caminantes.geo.models import Country, Place
from caminantes.registry import consent
from caminantes.registry.inputs import ConsentInput
from caminantes.registry.models import Consent, Household
from caminantes.registry.services import consent_record

CASEWORKER = "registro.co@demo.caminantes.org"
HOSTS = [
    (Modality.JOB_OFFER, "Confecciones Andinas S.A.S.", "+57 604 444 1020"),
    (Modality.FAMILY_REUNIFICATION, "Yorman Castillo (hermano)", "+57 310 555 0142"),
    (Modality.INSTITUTIONAL_SHELTER, "Hogar de paso San José", "+57 602 333 7788"),
    (Modality.SOCIAL_REUNION, "Parroquia Nuestra Señora del Carmen", "+57 607 631 2200"),
    (Modality.JOB_OFFER, "Agrícola El Porvenir", "+57 608 222 9090"),
    (Modality.FAMILY_REUNIFICATION, "Carmen Salazar (tía)", "+57 315 555 0177"),
]
# Cúcuta (where the families are) first, then the cities they relocate to.
CITIES = ["Cúcuta", "Bogotá", "Medellín", "Cali", "Bucaramanga", "Barranquilla", "Cartagena"]
# The stage each eligible household's case reaches, with the days ago of departure (the
# arrival is a day later).
JOURNEYS: list[tuple[str, int | None]] = [
    (Stage.PRE_DEPARTURE, None),
    (Stage.ARRIVED, 27),
    (Stage.FOLLOW_UP_30, 96),
    (Stage.CLOSED, 125),
]


def _consent_to_relocation(actor: User, household: Household) -> None:
    focal = household.focal_point
    for person in household.members.filter(anonymised_at__isnull=True).order_by("pk"):
        if consent.allowed(person, Consent.Purpose.RELOCATION):
            continue
        age = person.age_on(timezone.localdate())
        minor = age is not None and age < 18
        c = ConsentInput(
            purposes=[Consent.Purpose.RELOCATION],
            given_by=Consent.GivenBy.GUARDIAN if minor else Consent.GivenBy.PERSON,
            guardian_name=focal.full_name if minor and focal else "",
        )  # fmt: skip
        consent_record(user=actor, person=person, purpose=Consent.Purpose.RELOCATION, c=c)


def _journey(actor: User, case: RelocationCase, stage: str, departed: int | None) -> None:
    today = timezone.localdate()

    def advance(to: str, days_ago: int = 0, **extra: Any) -> None:
        services.relocation_advance(actor=actor, case=case, stage=to,
                                    on=today - timedelta(days=days_ago), **extra)  # fmt: skip

    start = (departed or 0) + 3
    services.relocation_health_check(actor=actor, case=case, on=today - timedelta(days=start))
    advance(Stage.PRE_DEPARTURE, start)
    if departed is None:
        return
    advance(Stage.TRAVEL, departed)
    advance(Stage.ARRIVED, departed - 1)
    if stage == Stage.ARRIVED:
        return
    advance(Stage.FOLLOW_UP_30, departed - 32, outcome="settled_working")
    if stage == Stage.FOLLOW_UP_30:
        return
    advance(Stage.FOLLOW_UP_90, departed - 92, outcome="settled")
    advance(Stage.CLOSED, departed - 95)


def _records(actor: User, households: list[Household], places: list[Place]) -> int:
    today = timezone.localdate()
    made = 0
    for i, household in enumerate(households):
        people = list(household.members.filter(anonymised_at__isnull=True).order_by("pk"))
        child = next((p for p in people if (p.age_on(today) or 99) < 18), None)
        record = services_records.service_record
        record(actor=actor, household=household, kind="hot_meals", quantity=len(people) * 2,
               served_on=today - timedelta(days=20 + i), place=places[0])  # fmt: skip
        record(actor=actor, household=household, kind="consultation", person=people[0],
               served_on=today - timedelta(days=15 + i), place=places[0])  # fmt: skip
        made += 2
        if child is not None:
            record(actor=actor, household=household, kind="vaccination", person=child,
                   served_on=today - timedelta(days=14 + i))  # fmt: skip
            made += 1
        if i % 2 == 0:
            record(actor=actor, household=household, kind="food_voucher", quantity=1,
                   served_on=today - timedelta(days=10 + i), value=Decimal("150000"),
                   currency="COP", mechanism="voucher")  # fmt: skip
        else:
            record(actor=actor, household=household, kind="multipurpose_cash", quantity=1,
                   served_on=today - timedelta(days=8 + i), value=Decimal("420000"),
                   currency="COP", mechanism="mobile_money")  # fmt: skip
        if i == 1:
            record(actor=actor, household=household, kind="mhpss_session", person=people[0],
                   served_on=today - timedelta(days=5))  # fmt: skip
            made += 1
        made += 1
    return made


def _livelihoods(actor: User, households: list[Household]) -> int:
    today = timezone.localdate()
    adults = [
        p for h in households
        for p in h.members.filter(anonymised_at__isnull=True).order_by("pk")
        if (p.age_on(today) or 0) >= 18
    ][:4]  # fmt: skip
    specs: list[dict[str, Any]] = [
        {"kind": "training", "title": "Curso de panadería (SENA)", "days": 95},
        {"kind": "job_placement", "title": "Supermercados La Economía", "days": 200,
         "outcome": "employed", "months": 2},
        {"kind": "seed_capital", "title": "Venta de arepas", "days": 30,
         "value": Decimal("1200000"), "currency": "COP", "mechanism": "cash_in_hand"},
        {"kind": "certification", "title": "Manipulación de alimentos", "days": 60},
    ]  # fmt: skip
    for person, spec in zip(adults, specs, strict=False):
        activity = services_records.livelihood_enrol(
            actor=actor, person=person, kind=spec["kind"], title=spec["title"],
            started_on=today - timedelta(days=spec["days"]), value=spec.get("value"),
            currency=spec.get("currency", ""), mechanism=spec.get("mechanism", ""),
        ).activity  # fmt: skip
        if "outcome" in spec:
            services_records.livelihood_follow_up(
                actor=actor, activity=activity, outcome=spec["outcome"],
                on=today - timedelta(days=spec["days"] - 100), months_employed=spec["months"],
            )  # fmt: skip
    return min(len(adults), len(specs))


def load(say: Callable[[str], None], **options: Any) -> None:
    org = Organization.objects.filter(acronym="IOM").first()
    co = Country.objects.filter(iso2="CO").first()
    actor = User.objects.filter(email=CASEWORKER).first()
    if org is None or co is None or actor is None:
        return
    if RelocationCase.objects.filter(organization=org, country=co).exists():
        say("Casework: the demo relocation cases are already there.")
        return
    towns = Place.objects.filter(country=co, kind=Place.Kind.TOWN).order_by("-population", "pk")
    named = [towns.filter(name=name).first() for name in CITIES]
    places = [p for p in named if p is not None] or list(towns[:6])
    households = list(
        Household.objects.filter(organization=org, country=co, anonymised_at__isnull=True)
        .exclude(members__isnull=True).distinct().select_related("focal_point")
        .order_by("pk")[:60]
    )  # fmt: skip
    if not places or not households:
        return
    today = timezone.localdate()
    documented = [h for h in households if all(
        rules.has_valid_document(p, today)
        for p in h.members.filter(anonymised_at__isnull=True).prefetch_related("documents")
    )]  # fmt: skip
    others = [h for h in households if h not in documented]
    with transaction.atomic():
        cases = 0
        for i, (household, (stage, departed)) in enumerate(zip(documented, JOURNEYS,
                                                               strict=False)):  # fmt: skip
            modality, host, contact = HOSTS[i]
            _consent_to_relocation(actor, household)
            case = services.relocation_open(
                actor=actor, household=household, modality=modality,
                destination=places[(i + 1) % len(places)], host_name=host, host_contact=contact,
            ).case  # fmt: skip
            _journey(actor, case, stage, departed)
            cases += 1
        for j, household in enumerate(others[:2]):
            modality, host, contact = HOSTS[4 + j]
            case = services.relocation_open(
                actor=actor, household=household, modality=modality,
                destination=places[(4 + j) % len(places)], host_name=host,
                host_contact=contact,
            ).case  # fmt: skip
            if j == 1:
                services.relocation_advance(actor=actor, case=case, stage=Stage.CANCELLED,
                                            reason="withdrew")  # fmt: skip
            cases += 1
        served = _records(actor, households[:6], places)
        activities = _livelihoods(actor, households[6:12] or households)
    say(
        f"Casework: {cases} relocation cases (eligibility to closed), {served} health, food "
        f"and cash records, {activities} livelihood activities; log in as {CASEWORKER}."
    )
