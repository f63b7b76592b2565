"""Assistance demo: FFS's stocked warehouse in Cúcuta and a second one in Villa del Rosario.

Stock is received from donors in lots (food with expiry dates), part of it sent on and still
in transit, kits issued to a distribution, a damaged box written off and a shelf counted,
all through the services as the demo's distribution officer, so the ledger and the audit
trail read as they would in the field. Idempotent: an existing demo warehouse is left as is.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Any

from django.db import transaction
from django.utils import timezone

from caminantes.accounts.models import Organization, User
from caminantes.assistance import demo_catalogue, demo_distribution, services
from caminantes.assistance.models import Item, Kit, LossReason, Warehouse
from caminantes.geo.models import Country, Place

OFFICER = "distribucion.co@demo.caminantes.org"
MAIN = "Bodega central Cúcuta"
SECOND = "Bodega Villa del Rosario"


def load(say: Callable[[str], None], **options: Any) -> None:
    org = Organization.objects.filter(acronym="FFS").first()
    co = Country.objects.filter(iso2="CO").first()
    officer = User.objects.filter(email=OFFICER).first()
    if org is None or co is None or officer is None:
        return
    demo_catalogue.load(say, officer=officer)
    existing = Warehouse.objects.filter(organization=org, country=co, name=MAIN).first()
    if existing is not None:
        say("Assistance: the demo warehouse is already there.")
        demo_distribution.load(say, officer=officer, warehouse=existing)
        return
    today = timezone.localdate()
    with transaction.atomic():
        main = services.warehouse_create(
            actor=officer, organization=org, country=co, name=MAIN,
            place=Place.objects.filter(country=co, name="Cúcuta").first(),
        )  # fmt: skip
        second = services.warehouse_create(
            actor=officer, organization=org, country=co, name=SECOND,
            place=Place.objects.filter(country=co, name="Villa del Rosario").first(),
        )  # fmt: skip
        items = {i.code: i for i in Item.objects.all()}

        def receive(code: str, quantity: int, lot: str = "", days: int | None = None,
                    donor: str = "ECHO") -> None:  # fmt: skip
            services.stock_receive(
                actor=officer, warehouse=main, item=items[code], quantity=quantity, lot=lot,
                expires_on=today + timedelta(days=days) if days else None, source=donor,
            )  # fmt: skip

        for code in ("soap-bar", "toothbrush", "toothpaste", "sanitary-pads", "underwear"):
            receive(code, 800, lot="HIG-2026-01", donor="UNFPA")
        for code in ("blanket", "mattress", "mosquito-net", "jerrycan", "kitchen-set", "torch"):
            receive(code, 300, lot="NFI-2026-03", donor="BPRM")
        for code in ("diapers", "baby-wipes"):
            receive(code, 200, lot="BB-11")
        for code, quantity in (("rice", 1500), ("beans", 800), ("cooking-oil", 300),
                               ("pasta", 450), ("tuna-can", 900)):  # fmt: skip
            receive(code, quantity // 3, lot=f"{code[:3].upper()}-A", days=45, donor="WFP")
            receive(code, quantity - quantity // 3, lot=f"{code[:3].upper()}-B", days=200,
                    donor="WFP")  # fmt: skip
        for kit_code, count in (("hygiene-kit", 120), ("food-kit", 40), ("baby-kit", 25)):
            services.kit_issue(actor=officer, warehouse=main, kit=Kit.objects.get(code=kit_code),
                               count=count, note="Distribución Puente Simón Bolívar")  # fmt: skip
        services.transfer_send(actor=officer, source=main, destination=second,
                               item=items["blanket"], quantity=60)  # fmt: skip
        services.stock_loss(actor=officer, warehouse=main, item=items["mattress"], quantity=4,
                            reason=LossReason.PESTS, note="Goteras en el techo")  # fmt: skip
        services.stock_count(actor=officer, warehouse=main, item=items["jerrycan"],
                             lot="NFI-2026-03", counted=297, note="Conteo mensual")  # fmt: skip
    demo_distribution.load(say, officer=officer, warehouse=main)
    say(f"Assistance: {MAIN} stocked ({main.movements.count()} ledger lines), a transfer of "
        f"blankets in transit to {SECOND}; log in as {OFFICER}.")  # fmt: skip
