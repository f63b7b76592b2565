"""The persona world plus stock staff: dora, a distribution officer of IOM in Colombia, with
two warehouses in Cúcuta and Bogotá; fede, a distribution officer of FFS in Colombia."""

from __future__ import annotations

from datetime import date
from typing import Any

from caminantes.accounts.models import Membership, User
from caminantes.accounts.permissions import Role
from caminantes.assistance import services
from caminantes.assistance.models import Item, Kit, Warehouse
from tests.personas import PASSWORD, PersonaTestCase


def stock_officer(name: str, org: Any, country: Any) -> User:
    user = User.objects.create_user(f"{name}@example.org", PASSWORD, full_name=name.title())
    Membership.objects.create(
        user=user, organization=org, role=Role.DISTRIBUTION_OFFICER
    ).countries.set([country])
    return user


class StockTestCase(PersonaTestCase):
    dora: User
    fede: User
    cucuta: Warehouse
    bogota: Warehouse
    rice: Item
    blanket: Item
    hygiene: Kit

    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        cls.dora = stock_officer("dora", cls.iom, cls.co)
        cls.fede = stock_officer("fede", cls.ffs, cls.co)
        cls.cucuta = services.warehouse_create(
            actor=cls.dora, organization=cls.iom, country=cls.co, name="Cúcuta central"
        )
        cls.bogota = services.warehouse_create(
            actor=cls.dora, organization=cls.iom, country=cls.co, name="Bogotá norte"
        )
        cls.rice = Item.objects.get(code="rice")
        cls.blanket = Item.objects.get(code="blanket")
        cls.hygiene = Kit.objects.get(code="hygiene-kit")

    def receive(self, item: Item, quantity: int, lot: str = "", expires: date | None = None,
                warehouse: Warehouse | None = None) -> None:  # fmt: skip
        services.stock_receive(
            actor=self.dora, warehouse=warehouse or self.cucuta, item=item, quantity=quantity,
            lot=lot, expires_on=expires, source="ECHO",
        )  # fmt: skip

    def stock_hygiene_kits(self, count: int) -> None:
        for line in self.hygiene.lines.select_related("item"):
            self.receive(line.item, line.quantity * count, lot="H1")
