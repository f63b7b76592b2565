"""Reads of warehouses, stock and the ledger, always through the access policy."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models import Q, QuerySet, Sum

from caminantes.accounts import policies
from caminantes.assistance.models import (
    Item,
    Kit,
    StockBalance,
    StockMovement,
    Transfer,
    Warehouse,
)


def warehouses_for_user(*, user: Any) -> QuerySet[Warehouse]:
    return (
        policies.visible(user, Warehouse)
        .select_related("organization", "country", "place")
        .order_by("country__iso2", "name")
    )


def get_warehouse_for_user(*, user: Any, uuid: Any) -> Warehouse:
    return policies.get_for_user(user, Warehouse, uuid)


def get_transfer_for_user(*, user: Any, uuid: Any) -> Transfer:
    """A transfer for the staff of either end; 404 alike when missing or hidden."""
    return _transfer(user, uuid)


def transfers_for_user(*, user: Any) -> QuerySet[Transfer]:
    warehouses = policies.visible(user, Warehouse).values("pk")
    return Transfer.objects.filter(
        Q(source__in=warehouses) | Q(destination__in=warehouses)
    ).select_related("source", "destination")


def _transfer(user: Any, uuid: Any) -> Transfer:
    from django.http import Http404

    found = transfers_for_user(user=user).filter(uuid=uuid).first()
    if found is None:
        policies.get_for_user(user, Transfer, uuid)  # reports the denied attempt, raises 404
        raise Http404
    return found


def stock_by_lot(warehouse: Warehouse) -> QuerySet[StockBalance]:
    """The warehouse's lots with stock, by item, the first to expire first."""
    from django.db.models import F

    return (
        StockBalance.objects.filter(warehouse=warehouse, quantity__gt=0)
        .select_related("item")
        .order_by("item__category", "item__code", F("expires_on").asc(nulls_last=True), "lot")
    )


def stock_by_item(warehouse: Warehouse) -> list[tuple[Item, int]]:
    totals = dict(
        StockBalance.objects.filter(warehouse=warehouse)
        .values_list("item_id")
        .annotate(n=Sum("quantity"))
        .values_list("item_id", "n")
    )
    items = Item.objects.filter(pk__in=[k for k, v in totals.items() if v])
    return [(item, totals[item.pk]) for item in items]


def ledger(warehouse: Warehouse) -> QuerySet[StockMovement]:
    return StockMovement.objects.filter(warehouse=warehouse).select_related(
        "item", "actor", "transfer"
    )


def in_transit_to(warehouse: Warehouse) -> QuerySet[Transfer]:
    return Transfer.objects.filter(
        destination=warehouse, status=Transfer.Status.IN_TRANSIT
    ).select_related("source")


@dataclass(frozen=True)
class Discrepancy:
    item_id: int
    lot: str
    balance: int
    ledger: int


def reconcile(warehouse: Warehouse) -> list[Discrepancy]:
    """Compare every balance row with the sum of its ledger lines: an empty list means the
    stock on hand is exactly what the ledger says. One grouped query per side."""
    from_ledger = {
        (item_id, lot): total
        for item_id, lot, total in StockMovement.objects.filter(warehouse=warehouse)
        .values_list("item_id", "lot")
        .annotate(total=Sum("quantity"))
        .values_list("item_id", "lot", "total")
    }
    balances = {
        (item_id, lot): quantity
        for item_id, lot, quantity in StockBalance.objects.filter(warehouse=warehouse).values_list(
            "item_id", "lot", "quantity"
        )
    }
    return [
        Discrepancy(item_id=key[0], lot=key[1], balance=balances.get(key, 0),
                    ledger=from_ledger.get(key, 0))
        for key in sorted(set(from_ledger) | set(balances))
        if balances.get(key, 0) != from_ledger.get(key, 0)
    ]  # fmt: skip


def catalogue() -> tuple[QuerySet[Item], QuerySet[Kit]]:
    return Item.objects.all(), Kit.objects.prefetch_related("lines__item")
