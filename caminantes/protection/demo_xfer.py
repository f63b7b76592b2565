"""Protection demo, transfers and referrals: a referral from IOM's registration desk
(registro.co) waiting in the GBV inbox of UNHCR Colombia (vbg.co, vbg.supervisora.co and
vbg2.co see it), and Valeria's proposal to transfer one of her cases to FFS (no demo GBV
officer works there, so it stays proposed). Called by protection.demo after the cases;
idempotent (nothing is added when UNHCR's inbox already holds a referral)."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from caminantes.accounts.models import Organization, User
from caminantes.geo.models import Country
from caminantes.protection import referrals, selectors, services_transfer
from caminantes.protection.models import IncomingReferral
from caminantes.protection.models_xfer import TransferStatus
from caminantes.registry.models import Person

SENDER = "registro.co@demo.caminantes.org"


def load(say: Callable[[str], None], *, worker: User) -> None:
    unhcr = Organization.objects.filter(acronym="UNHCR").first()
    ffs = Organization.objects.filter(acronym="FFS").first()
    co = Country.objects.filter(iso2="CO").first()
    sender = User.objects.filter(email=SENDER).first()
    if unhcr is None or co is None or sender is None:
        say("Protection referrals: skipped, load the demo organisations and users first.")
        return
    if IncomingReferral.objects.filter(organization=unhcr).exists():
        say("Protection referrals: the demo referral is already there.")
        return
    today = timezone.localdate()
    person = (
        Person.objects.filter(household__country=co, sex="F", birth_date__isnull=False)
        .exclude(household__organization=unhcr)
        .order_by("pk")
        .first()
    )
    with transaction.atomic():
        age = person.age_on(today) if person is not None else 29
        referrals.receive(
            referral_uuid=uuid.uuid4(), organization=unhcr, country=co, service_type="gbv",
            person=person,
            fields={
                "Nombre": person.full_name if person is not None else "Sobreviviente de prueba",
                "Edad": "" if age is None else str(age), "Sexo": "Femenino",
                "Motivo": "Refiere amenazas de su expareja en el albergue; pide orientación.",
            },
            urgent=True, sender=sender,
        )  # fmt: skip
        case = (
            selectors.cases_for(worker).filter(status="open").exclude(
                transfers__status=TransferStatus.PROPOSED).order_by("opened_at").first()
        )  # fmt: skip
        if ffs is not None and case is not None:
            services_transfer.transfer_propose(
                actor=worker, case=case, to_organization=ffs, consent=True,
                consent_date=today - timedelta(days=1), explained_by=worker.full_name,
                note="La sobreviviente se muda cerca de la oficina de FFS en Cúcuta.",
            )  # fmt: skip
    say("Protection referrals: one urgent referral waiting in UNHCR Colombia's GBV inbox "
        "(vbg.co) and one transfer proposed by vbg.co to FFS.")  # fmt: skip
