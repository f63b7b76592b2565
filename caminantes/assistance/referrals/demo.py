"""Referrals demo: a service directory in Colombia, Peru and Ecuador kept by several
organisations, and a few referrals from IOM's registrar in Colombia (registro.co) to FFS's
psychosocial service and to IOM's own health post, at every step: one just sent, one
accepted with feedback, one completed (a service delivery), one overdue.

The partner user who receives them is FFS's focal point (RECEIVER), as `make demo` says.
Everything goes through the services; the consent to share with FFS is recorded first where
the family had not given it. Idempotent: an existing demo directory is left as is.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Any

from django.db import transaction
from django.utils import timezone

from caminantes.accounts.models import Organization, User
from caminantes.assistance.referrals import notices, services
from caminantes.assistance.referrals.models import Referral, Service, Status
from caminantes.geo.models import AdminArea, Country
from caminantes.registry import consent
from caminantes.registry import services as registry_services
from caminantes.registry.inputs import ConsentInput
from caminantes.registry.models import Household

ADMIN = "admin@demo.caminantes.org"
SENDER = "registro.co@demo.caminantes.org"
RECEIVER = "enlace.ffs@demo.caminantes.org"
PSYCHOSOCIAL = "Apoyo psicosocial Frontera"

BASIC = ["name", "age", "sex", "phone"]
# (org, country, area ISO code, type, name, address, hours, contact, eligibility, languages,
#  capacity, referral fields)
DIRECTORY: list[tuple[Any, ...]] = [
    ("FFS", "CO", "CO-NSA", "psychosocial", PSYCHOSOCIAL, "Av. 0 # 12-45, Cúcuta",
     "Lunes a viernes 8:00-17:00", "+57 607 555 0101", "Personas migrantes y refugiadas; "
     "niños, niñas y adolescentes con su acudiente.", "es", 120, [*BASIC, "languages"]),
    ("FFS", "CO", "CO-NSA", "legal", "Consultorio jurídico Frontera Solidaria",
     "Calle 10 # 4-20, Villa del Rosario", "Martes y jueves 9:00-13:00", "+57 607 555 0102",
     "Orientación sobre PPT, refugio y derechos laborales.", "es", 60,
     [*BASIC, "document", "nationality"]),
    ("IOM", "CO", "CO-NSA", "health", "Puesto de salud La Parada", "La Parada, Villa del "
     "Rosario", "Todos los días 7:00-19:00", "+57 607 555 0200", "Atención primaria, "
     "vacunación y salud sexual y reproductiva.", "es, wayuunaiki", 800,
     [*BASIC, "birth_date", "specific_needs"]),
    ("IOM", "CO", "", "documentation", "Orientación PPT Colombia", "Puntos de atención en "
     "Bogotá, Cúcuta y Riohacha", "Lunes a viernes 8:00-16:00", "Línea 01 8000 555 300",
     "Personas venezolanas que buscan el Permiso por Protección Temporal.", "es", None,
     ["name", "document", "phone"]),
    ("UNHCR", "CO", "", "gbv", "Atención a sobrevivientes de VBG", "Confidencial: se acuerda "
     "por teléfono", "24 horas", "Línea 155 · +57 607 555 0300", "Sobrevivientes de violencia "
     "basada en género.", "es", None, ["name", "phone"]),
    ("AMA", "PE", "PE-LIM", "food", "Comedor Manos Abiertas", "Jr. Huanta 812, Cercado de "
     "Lima", "Lunes a sábado 12:00-14:00", "+51 1 555 0400", "Familias recién llegadas, "
     "prioridad a niñez y personas mayores.", "es", 300, ["name", "household_size"]),
    ("AMA", "PE", "PE-LIM", "livelihoods", "Orientación laboral y emprendimiento",
     "Av. Abancay 350, Lima", "Miércoles 9:00-12:00", "empleo@ama.example.org",
     "Personas con CPP o carné de extranjería en trámite.", "es", 40,
     [*BASIC, "document"]),
    ("IOM", "PE", "", "trafficking", "Atención a víctimas de trata", "Confidencial",
     "24 horas", "Línea 1818 · +51 1 555 0500", "Presuntas víctimas de trata de personas.",
     "es", None, ["name", "phone"]),
    ("UNHCR", "EC", "EC-O", "legal", "Asesoría para solicitud de refugio", "Huaquillas, "
     "frente al CEBAF", "Lunes a viernes 8:30-16:30", "+593 7 555 0600",
     "Personas que necesitan protección internacional.", "es", 150,
     [*BASIC, "document", "nationality"]),
    ("IOM", "EC", "EC-O", "shelter", "Albergue temporal Huaquillas", "Av. La República, "
     "Huaquillas", "24 horas", "+593 7 555 0700", "Familias en tránsito, hasta 3 noches.",
     "es", 90, [*BASIC, "household_size", "specific_needs"]),
    ("IOM", "EC", "", "education", "Escuela abierta: nivelación escolar", "Quito y Guayaquil",
     "Lunes a viernes 14:00-17:00", "+593 2 555 0800", "Niños, niñas y adolescentes de 6 a 17 "
     "años fuera del sistema escolar.", "es", 200, ["name", "age", "household_size"]),
]  # fmt: skip

REASONS = [
    "Ansiedad y dificultad para dormir desde la llegada; pide hablar con alguien.",
    "Duelo reciente por la separación familiar en el camino.",
    "Los niños muestran miedo y llanto frecuente tras el viaje.",
    "Solicita acompañamiento después de un robo en la trocha.",
]


def _directory(admin: User) -> dict[str, Service]:
    orgs = {o.acronym: o for o in Organization.objects.all()}
    countries = {c.iso2: c for c in Country.objects.filter(iso2__in=["CO", "PE", "EC"])}
    made: dict[str, Service] = {}
    for row in DIRECTORY:
        acronym, iso, area_code, kind, name, address, hours, contact, who, langs, cap, keys = row
        if acronym not in orgs or iso not in countries:
            continue
        area = AdminArea.objects.filter(iso_code=area_code).first() if area_code else None
        made[name] = services.service_create(
            actor=admin, organization=orgs[acronym], country=countries[iso], type=kind,
            name=name, admin_area=area, address=address, hours=hours, contact=contact,
            eligibility=who, languages=langs, capacity=cap, referral_fields=keys,
        )  # fmt: skip
    return made


def _households(sender: User, ffs: Organization, co: Country) -> list[Household]:
    """IOM's families in Colombia, those already sharing with FFS first."""
    found = list(
        Household.objects.filter(organization__acronym="IOM", country=co,
                                 anonymised_at__isnull=True, focal_point__isnull=False)
        .select_related("focal_point").order_by("pk")[:40]
    )  # fmt: skip
    found.sort(key=lambda h: not consent.allowed(h.focal_point, consent.Purpose.SHARING, ffs))  # type: ignore[arg-type]
    return found[: len(REASONS) + 1]


def _share_with(sender: User, household: Household, org: Organization) -> None:
    person = household.focal_point
    assert person is not None
    if not consent.allowed(person, consent.Purpose.SHARING, org):
        registry_services.consent_record(
            user=sender, person=person, purpose=consent.Purpose.SHARING,
            c=ConsentInput(purposes=[consent.Purpose.SHARING]), recipient=org,
        )  # fmt: skip


def load(say: Callable[[str], None], **options: Any) -> None:
    admin = User.objects.filter(email=ADMIN).first()
    sender = User.objects.filter(email=SENDER).first()
    receiver = User.objects.filter(email=RECEIVER).first()
    ffs = Organization.objects.filter(acronym="FFS").first()
    co = Country.objects.filter(iso2="CO").first()
    if admin is None or sender is None or receiver is None or ffs is None or co is None:
        return
    if Service.objects.filter(name=PSYCHOSOCIAL, organization=ffs).exists():
        say("Referrals: the demo directory is already there.")
        _say_receiver(say)
        return
    with transaction.atomic():
        directory = _directory(admin)
        households = _households(sender, ffs, co)
        psychosocial = directory.get(PSYCHOSOCIAL)
        health = directory.get("Puesto de salud La Parada")
        if psychosocial is None or health is None or not households:
            return
        sent: list[Referral] = []
        for household, reason in zip(households, REASONS, strict=False):
            _share_with(sender, household, ffs)
            sent.append(services.referral_create(
                actor=sender, service=psychosocial, household=household, reason=reason,
                urgent=reason is REASONS[3],
            ).referral)  # fmt: skip
        # Steps FFS has taken: one received, one accepted with feedback, one completed.
        if len(sent) >= 3:
            services.referral_set_status(actor=receiver, referral=sent[1],
                                         status=Status.RECEIVED)  # fmt: skip
            services.referral_set_status(
                actor=receiver, referral=sent[1], status=Status.ACCEPTED,
                note="Primera cita el jueves a las 9:00 con la psicóloga del equipo.",
            )  # fmt: skip
            for step in (Status.ACCEPTED, Status.IN_PROGRESS, Status.COMPLETED):
                services.referral_set_status(
                    actor=receiver,
                    referral=sent[2],
                    status=step,
                    note="Cuatro sesiones individuales realizadas.",
                )
        # One waiting since two weeks: the demo shows an overdue referral and its reminder.
        late = timezone.localdate() - timedelta(days=3)
        Referral.objects.filter(pk=sent[0].pk).update(
            due_on=late, sent_at=timezone.now() - timedelta(days=14)
        )
        notices.reminders_send()
        if len(households) > len(REASONS):
            own = households[len(REASONS)]
            _share_with(sender, own, health.organization)
            services.referral_create(actor=sender, service=health, household=own,
                                     reason="Control prenatal: 28 semanas, sin controles "
                                     "previos.", urgent=True)  # fmt: skip
    say(f"Referrals: {len(directory)} services in the directory, "
        f"{Referral.objects.count()} referrals.")  # fmt: skip
    _say_receiver(say)


def _say_receiver(say: Callable[[str], None]) -> None:
    say(f"  The demo's referrals are received by the partner user {RECEIVER} "
        f"(FFS, Colombia): menu Remisiones, then Bandeja de remisiones "
        f"(/assistance/referrals/inbox/); sent by {SENDER}.")  # fmt: skip
