"""Demo: an item and a kit that stock staff added to the shared catalogue, through the
catalogue services as the demo distribution officer (so the audit trail shows who added
them). Idempotent: a code already in the catalogue is left as it is."""

from __future__ import annotations

from collections.abc import Callable

from django.db import transaction

from caminantes.accounts.models import User
from caminantes.assistance import services_catalogue
from caminantes.assistance.models import Item, Kit

ITEM = "water-filter"
KIT = "safe-water-kit"


def load(say: Callable[[str], None], *, officer: User) -> None:
    if Kit.objects.filter(code=KIT).exists():
        return
    with transaction.atomic():
        item = Item.objects.filter(code=ITEM).first() or services_catalogue.item_create(
            actor=officer, code=ITEM, name_es="Filtro de agua familiar",
            name_pt="Filtro de água familiar", name_en="Family water filter",
            category="wash", unit="piece",
        )  # fmt: skip
        lines = [(item, 1)] + [
            (found, n)
            for code, n in (("jerrycan", 2), ("soap-bar", 4))
            if (found := Item.objects.filter(code=code).first()) is not None
        ]
        services_catalogue.kit_create(
            actor=officer, code=KIT, name_es="Kit de agua segura", name_pt="Kit de água segura",
            name_en="Safe water kit", lines=lines,
        )  # fmt: skip
    say(f"Assistance: the catalogue has a {KIT} added by {officer.email}.")
