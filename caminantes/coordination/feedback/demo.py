"""Feedback demo: IOM Colombia's community feedback, received by its registrar (registro.co)
through every channel and category: some answered and closed (acknowledged, or the person
could not be reached), some overdue, and three sensitive ones (sexual exploitation and
abuse, fraud, staff misconduct) that only IOM Colombia's PSEA focal point sees.

Adds that focal point as a demo user (psea.co@demo.caminantes.org, role PSEA and complaints
focal point, IOM, Colombia; two-factor waived in demo mode like every demo user) and prints
it. Everything goes through the services. Idempotent: existing demo items are left as is.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Any

from django.db import transaction
from django.utils import timezone

from caminantes.accounts import services as accounts
from caminantes.accounts.demo import DEFAULT_PASSWORD, password_hash
from caminantes.accounts.models import Membership, Organization, User
from caminantes.accounts.permissions import Role
from caminantes.coordination.feedback import services
from caminantes.coordination.feedback.models import FeedbackItem
from caminantes.geo.models import AdminArea, Country

FOCAL_POINT = "psea.co@demo.caminantes.org"
INTAKE = "registro.co@demo.caminantes.org"
MANAGER = "gerente.co@demo.caminantes.org"

# (days ago, channel, category, description, anonymous, name, contact, step)
# step: "" open, "responded", "closed", "not_reached"
ITEMS: list[tuple[Any, ...]] = [
    (1, "hotline", "information", "¿Dónde se tramita el PPT en Cúcuta y qué documentos piden?",
     False, "Yusmary", "+57 300 555 0111", ""),
    (9, "whatsapp", "information", "¿Cuándo vuelve la jornada de vacunación en La Parada?",
     False, "Oriana", "+57 300 555 0112", ""),
    (12, "help_desk", "complaint", "La entrega de kits empezó dos horas tarde y no había sombra "
     "para los niños.", False, "Jesús", "", "closed"),
    (20, "suggestion_box", "complaint", "En el albergue no hay agua caliente desde hace una "
     "semana.", True, "", "", ""),
    (5, "email", "feedback", "Gracias al equipo de la mesa de atención por la paciencia.",
     False, "Carmen", "carmen@example.org", "closed"),
    (15, "hotline", "complaint", "Nos dijeron que volviéramos otro día y nadie llamó.",
     False, "Luis", "+57 300 555 0113", "not_reached"),
    (3, "suggestion_box", "feedback", "Sería bueno tener los horarios en wayuunaiki.", True, "",
     "", "responded"),
    (2, "hotline", "sea", "Una persona que dijo trabajar en la distribución pidió favores a "
     "cambio de un cupo en el bus.", True, "", "", ""),
    (4, "whatsapp", "fraud", "Cobran 50.000 pesos por 'agilizar' la inscripción.", False,
     "Anónimo protegido", "", "taken"),
    (10, "help_desk", "misconduct", "Un voluntario gritó e insultó a una familia en la fila.",
     False, "Rosa", "+57 300 555 0114", "closed"),
]  # fmt: skip


def _focal_point(say: Callable[[str], None], password: str) -> User | None:
    iom = Organization.objects.filter(acronym="IOM").first()
    co = Country.objects.filter(iso2="CO").first()
    if iom is None or co is None:
        return None
    user = User.objects.filter(email=FOCAL_POINT).first()
    if user is None:
        user = accounts.user_create(actor=None, email=FOCAL_POINT, full_name="Paula Salvaguarda",
                                    password=None, is_demo=True)  # fmt: skip
    user.password = password_hash(password)
    user.save(update_fields=["password"])
    if not Membership.objects.active().filter(user=user, organization=iom,
                                               role=Role.PSEA_FOCAL_POINT).exists():  # fmt: skip
        accounts.membership_add(actor=None, user=user, organization=iom,
                                role=Role.PSEA_FOCAL_POINT, countries=[co])  # fmt: skip
    return user


def load(say: Callable[[str], None], *, password: str = DEFAULT_PASSWORD, **options: Any) -> None:
    focal = _focal_point(say, password)
    intake = User.objects.filter(email=INTAKE).first()
    manager = User.objects.filter(email=MANAGER).first()
    iom = Organization.objects.filter(acronym="IOM").first()
    co = Country.objects.filter(iso2="CO").first()
    if focal is None or intake is None or manager is None or iom is None or co is None:
        return
    say(f"  {FOCAL_POINT:40} {Role.PSEA_FOCAL_POINT.label} · IOM · CO")
    if FeedbackItem.objects.filter(organization=iom, country=co).exists():
        say("Feedback: the demo items are already there.")
        return
    area = AdminArea.objects.filter(iso_code="CO-NSA").first()
    today = timezone.localdate()
    with transaction.atomic():
        for days, channel, category, text, anonymous, name, contact, step in ITEMS:
            item = services.feedback_create(
                actor=intake, organization=iom, country=co, channel=channel, category=category,
                received_on=today - timedelta(days=days), description=text, anonymous=anonymous,
                name=name, contact=contact, contact_consent=bool(contact), admin_area=area,
            )  # fmt: skip
            handler = focal if item.sensitive else manager
            if step == "taken":
                services.feedback_take(actor=handler, item=item)
            if step in ("responded", "closed", "not_reached"):
                item = services.feedback_respond(
                    actor=handler, item=item, responded_on=today - timedelta(days=days // 2),
                    response="Se explicó el procedimiento y se tomaron medidas.",
                )  # fmt: skip
            if step == "closed":
                services.feedback_close(actor=handler, item=item, reach="acknowledged",
                                        on=today - timedelta(days=days // 3),
                                        channel="in_person" if anonymous else "phone")  # fmt: skip
            if step == "not_reached":
                services.feedback_close(actor=handler, item=item, reach="not_reached", on=today)
    say(f"Feedback: {len(ITEMS)} items for IOM Colombia; the sensitive ones only for "
        f"{FOCAL_POINT}.")  # fmt: skip
