"""Writes to the catalogue's warehouses and their stock ledger.

Every movement goes through `_post`, which appends the ledger line and moves the balance
row in the same transaction. Stock leaves a warehouse lot by lot, the lot that expires first
going first (FEFO); the balance rows drawn from are locked (select_for_update) before they
are read, and the subtraction is conditional (`quantity >= n`) on top of the database CHECK,
so two desks issuing the last units never both succeed, whatever the backend.

Each write may carry a request id made by the client: the same id with the same content
returns what the first call did and changes nothing; with other content it is refused.
"""

from __future__ import annotations

import uuid as uuid_lib
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from caminantes.accounts import policies
from caminantes.accounts.models import Organization, User
from caminantes.accounts.permissions import Perm
from caminantes.assistance.errors import Refused, RequestConflict
from caminantes.assistance.models import (
    Item,
    Kit,
    LossReason,
    MovementKind,
    StockBalance,
    StockMovement,
    StockRequest,
    Transfer,
    Warehouse,
)
from caminantes.audit import actions
from caminantes.audit.log import log
from caminantes.geo.models import Country, Place
from caminantes.lib import idempotency


@dataclass
class StockResult:
    """What a write did: its ledger lines, and whether it was a re-send of an earlier one."""

    movements: list[StockMovement] = field(default_factory=list)
    replayed: bool = False
    transfer: Transfer | None = None


def may_manage(user: Any, warehouse: Warehouse) -> bool:
    return policies.has_perm(
        user, Perm.MANAGE_STOCK, organization_id=warehouse.organization_id,
        country_id=warehouse.country_id,
    )  # fmt: skip


def _require(actor: User, warehouse: Warehouse) -> None:
    if not may_manage(actor, warehouse):
        log(actor, actions.ACCESS_DENIED, warehouse, "denied",
            permission=Perm.MANAGE_STOCK.value)  # fmt: skip
        raise PermissionDenied


def _positive(quantity: int, name: str = "quantity") -> None:
    if quantity <= 0:
        raise ValidationError({name: [_("Enter a quantity of at least 1.")]})
    if quantity > 10_000_000:
        raise ValidationError({name: [_("Enter a quantity of at most 10,000,000.")]})


def warehouse_create(
    *, actor: User, organization: Organization, country: Country, name: str,
    place: Place | None = None,
) -> Warehouse:  # fmt: skip
    if not policies.has_perm(
        actor, Perm.MANAGE_STOCK, organization_id=organization.pk, country_id=country.pk
    ):
        log(actor, actions.ACCESS_DENIED, Warehouse, "denied", permission=Perm.MANAGE_STOCK.value)
        raise PermissionDenied
    name = name.strip()
    if not name:
        raise ValidationError({"name": [_("Enter the warehouse's name.")]})
    with transaction.atomic():
        if Warehouse.objects.filter(organization=organization, country=country, name=name).exists():
            raise ValidationError({"name": [_("A warehouse of that name already exists here.")]})
        warehouse = Warehouse.objects.create(
            organization=organization, country=country, name=name, place=place
        )
        log(actor, actions.CREATE, warehouse, organization=organization)
    return warehouse


# --- the request ledger ---------------------------------------------------------------


def _claim(
    request_id: uuid_lib.UUID | None, warehouse: Warehouse, content: dict[str, Any]
) -> tuple[StockRequest | None, StockResult | None]:
    """The request row for a new write, or the earlier result of the same request."""
    request, existing = idempotency.claim(
        StockRequest,
        request_id,
        content,
        warehouse=warehouse,
        conflict=lambda: RequestConflict(
            _("This request id was already used for a different movement. Send a new id.")
        ),
    )
    if existing is None:
        return request, None
    movements = list(existing.movements.select_related("item").order_by("pk"))
    transfer = next((m.transfer for m in movements if m.transfer_id), None)
    return None, StockResult(movements=movements, replayed=True, transfer=transfer)


# --- the ledger -----------------------------------------------------------------------


def _post(
    *, actor: User, warehouse: Warehouse, item: Item, lot: str, expires_on: date | None,
    kind: str, quantity: int, request: StockRequest | None, **extra: Any,
) -> StockMovement:  # fmt: skip
    """Append one ledger line and move its balance row (which the caller has locked when
    stock leaves)."""
    if quantity > 0:
        balance, created = StockBalance.objects.select_for_update().get_or_create(
            warehouse=warehouse, item=item, lot=lot, defaults={"expires_on": expires_on}
        )
        if not created and balance.expires_on != expires_on:
            raise ValidationError({"expires_on": [
                _("Lot %(lot)s of this item is already here with expiry %(date)s.")
                % {"lot": lot or "—", "date": balance.expires_on or "—"}
            ]})  # fmt: skip
        StockBalance.objects.filter(pk=balance.pk).update(quantity=F("quantity") + quantity)
    else:
        moved = StockBalance.objects.filter(
            warehouse=warehouse, item=item, lot=lot, quantity__gte=-quantity
        ).update(quantity=F("quantity") + quantity)
        if moved != 1:
            raise _out_of_stock(item)
    return StockMovement.objects.create(
        warehouse=warehouse, item=item, lot=lot, expires_on=expires_on, kind=kind,
        quantity=quantity, request=request, actor=actor, **extra,
    )  # fmt: skip


def _out_of_stock(item: Item, available: int | None = None) -> Refused:
    if available is None:
        message = _("Not enough %(item)s in this warehouse.") % {"item": item.name}
    else:
        message = _("Not enough %(item)s: %(available)s left in this warehouse.") % {
            "item": item.name, "available": available,
        }  # fmt: skip
    return Refused(message, code="out_of_stock", field="quantity")


def fefo_plan(
    warehouse: Warehouse, item: Item, quantity: int, lot: str | None = None
) -> list[tuple[StockBalance, int]]:
    """Lock the item's lots in the warehouse and take `quantity` from them, the lot that
    expires first going first (lots without expiry last). Refused when there is not enough."""
    rows = StockBalance.objects.select_for_update().filter(
        warehouse=warehouse, item=item, quantity__gt=0
    )
    if lot is not None:
        rows = rows.filter(lot=lot)
    ordered = rows.order_by(F("expires_on").asc(nulls_last=True), "lot", "pk")
    plan: list[tuple[StockBalance, int]] = []
    wanted = quantity
    for balance in ordered:
        take = min(balance.quantity, wanted)
        plan.append((balance, take))
        wanted -= take
        if wanted == 0:
            return plan
    raise _out_of_stock(item, quantity - wanted)


def _take(
    *, actor: User, warehouse: Warehouse, item: Item, quantity: int, kind: str,
    request: StockRequest | None, lot: str | None = None, **extra: Any,
) -> list[StockMovement]:  # fmt: skip
    return [
        _post(actor=actor, warehouse=warehouse, item=item, lot=b.lot, expires_on=b.expires_on,
              kind=kind, quantity=-take, request=request, **extra)
        for b, take in fefo_plan(warehouse, item, quantity, lot)
    ]  # fmt: skip


def _logged(actor: User, warehouse: Warehouse, result: StockResult, kind: str) -> StockResult:
    if not result.replayed:
        log(actor, actions.CREATE, warehouse, organization=warehouse.organization, change=kind,
            lines=len(result.movements))  # fmt: skip
    return result


def stock_receive(
    *, actor: User, warehouse: Warehouse, item: Item, quantity: int, lot: str = "",
    expires_on: date | None = None, source: str = "", request_id: uuid_lib.UUID | None = None,
    kind: str = MovementKind.RECEIPT, note: str = "",
) -> StockResult:  # fmt: skip
    """Goods in: a receipt from a donor or supplier, or a return (`kind=RETURN`)."""
    _require(actor, warehouse)
    _positive(quantity)
    if kind not in (MovementKind.RECEIPT, MovementKind.RETURN):
        raise ValueError(kind)
    if item.perishable and expires_on is None and kind == MovementKind.RECEIPT:
        raise ValidationError({"expires_on": [_("This item expires: enter the expiry date.")]})
    lot = lot.strip()
    content = {"op": kind, "item": item.code, "quantity": quantity, "lot": lot,
               "expires_on": expires_on, "source": source, "note": note}  # fmt: skip
    with transaction.atomic():
        request, earlier = _claim(request_id, warehouse, content)
        if earlier is not None:
            return earlier
        movement = _post(actor=actor, warehouse=warehouse, item=item, lot=lot,
                         expires_on=expires_on, kind=kind, quantity=quantity, request=request,
                         source=source.strip(), note=note.strip())  # fmt: skip
        return _logged(actor, warehouse, StockResult([movement]), kind)


def stock_return(**kwargs: Any) -> StockResult:
    """Goods back on the shelf (unclaimed at a distribution, given back)."""
    return stock_receive(kind=MovementKind.RETURN, **kwargs)


def stock_issue(
    *, actor: User, warehouse: Warehouse, lines: Sequence[tuple[Item, int]],
    request_id: uuid_lib.UUID | None = None, note: str = "",
) -> StockResult:  # fmt: skip
    """Goods out to a distribution, FEFO, all lines or none."""
    _require(actor, warehouse)
    if not lines:
        raise ValidationError({"quantity": [_("Choose what to issue.")]})
    totals: dict[int, tuple[Item, int]] = {}
    for item, quantity in lines:
        _positive(quantity)
        totals[item.pk] = (item, totals.get(item.pk, (item, 0))[1] + quantity)
    content = {"op": "issue", "lines": sorted((i.code, q) for i, q in totals.values()),
               "note": note}  # fmt: skip
    with transaction.atomic():
        request, earlier = _claim(request_id, warehouse, content)
        if earlier is not None:
            return earlier
        movements: list[StockMovement] = []
        for item, quantity in sorted(totals.values(), key=lambda t: t[0].pk):  # lock order
            movements += _take(
                actor=actor, warehouse=warehouse, item=item, quantity=quantity,
                kind=MovementKind.ISSUE, request=request, note=note.strip(),
            )  # fmt: skip
        return _logged(actor, warehouse, StockResult(movements), MovementKind.ISSUE)


def kit_issue(
    *, actor: User, warehouse: Warehouse, kit: Kit, count: int,
    request_id: uuid_lib.UUID | None = None, note: str = "",
) -> StockResult:  # fmt: skip
    """`count` kits out: every item of the kit's bill, times `count`."""
    _positive(count, "count")
    lines = [(line.item, line.quantity * count) for line in kit.lines.select_related("item")]
    try:
        return stock_issue(actor=actor, warehouse=warehouse, lines=lines,
                           request_id=request_id, note=note or kit.code)  # fmt: skip
    except Refused as exc:
        if exc.refusal_code != "out_of_stock":
            raise
        left = kits_available(warehouse, kit)
        raise Refused(
            _("Not enough stock for %(count)s of %(kit)s: %(left)s can be made up here.")
            % {"count": count, "kit": kit.name, "left": left},
            code="out_of_stock",
            field="count",
        ) from exc


def kits_available(warehouse: Warehouse, kit: Kit) -> int:
    """How many whole kits the warehouse's stock makes up."""
    from django.db.models import Sum

    counts = []
    for line in kit.lines.all():
        on_hand = (
            StockBalance.objects.filter(warehouse=warehouse, item_id=line.item_id)
            .aggregate(n=Sum("quantity"))["n"] or 0
        )  # fmt: skip
        counts.append(on_hand // line.quantity)
    return min(counts, default=0)


def stock_loss(
    *, actor: User, warehouse: Warehouse, item: Item, quantity: int, reason: str,
    lot: str | None = None, note: str = "", request_id: uuid_lib.UUID | None = None,
) -> StockResult:  # fmt: skip
    """Loss or damage, with a reason: from the named lot, or FEFO."""
    _require(actor, warehouse)
    _positive(quantity)
    if reason not in LossReason.values:
        raise ValidationError({"reason": [_("Choose why the stock was lost.")]})
    content = {"op": "loss", "item": item.code, "quantity": quantity, "lot": lot,
               "reason": reason, "note": note}  # fmt: skip
    with transaction.atomic():
        request, earlier = _claim(request_id, warehouse, content)
        if earlier is not None:
            return earlier
        movements = _take(actor=actor, warehouse=warehouse, item=item, quantity=quantity,
                          kind=MovementKind.LOSS, request=request, lot=lot or None,
                          reason=reason, note=note.strip())  # fmt: skip
        return _logged(actor, warehouse, StockResult(movements), MovementKind.LOSS)


def transfer_send(
    *, actor: User, source: Warehouse, destination: Warehouse, item: Item, quantity: int,
    request_id: uuid_lib.UUID | None = None,
) -> StockResult:  # fmt: skip
    """Stock leaves `source` now (FEFO) and is in transit until `destination` receives it."""
    _require(actor, source)
    _positive(quantity)
    if destination.pk == source.pk:
        raise ValidationError({"destination": [_("Choose another warehouse.")]})
    if destination.organization_id != source.organization_id:
        raise ValidationError({"destination": [_("Choose a warehouse of your organisation.")]})
    content = {"op": "transfer", "to": str(destination.uuid), "item": item.code,
               "quantity": quantity}  # fmt: skip
    with transaction.atomic():
        request, earlier = _claim(request_id, source, content)
        if earlier is not None:
            return earlier
        transfer = Transfer.objects.create(source=source, destination=destination)
        movements = _take(
            actor=actor, warehouse=source, item=item, quantity=quantity,
            kind=MovementKind.TRANSFER_OUT, request=request, transfer=transfer,
        )  # fmt: skip
        log(actor, actions.CREATE, transfer, organization=source.organization)
        return StockResult(movements, transfer=transfer)


def transfer_receive(*, actor: User, transfer: Transfer) -> StockResult:
    """The destination books in what was sent, lot by lot with its expiry."""
    with transaction.atomic():
        locked = (
            Transfer.objects.select_for_update().select_related("destination").get(pk=transfer.pk)
        )
        _require(actor, locked.destination)
        if locked.status == Transfer.Status.RECEIVED:
            raise Refused(_("This transfer was already received."), code="already_received")
        movements = [
            _post(actor=actor, warehouse=locked.destination, item=out.item, lot=out.lot,
                  expires_on=out.expires_on, kind=MovementKind.TRANSFER_IN,
                  quantity=-out.quantity, request=None, transfer=locked)
            for out in locked.movements.filter(kind=MovementKind.TRANSFER_OUT)
            .select_related("item").order_by("pk")
        ]  # fmt: skip
        locked.status = Transfer.Status.RECEIVED
        locked.received_at = timezone.now()
        locked.save(update_fields=["status", "received_at"])
        log(actor, actions.UPDATE, locked, organization=locked.destination.organization,
            change="received")  # fmt: skip
        return StockResult(movements, transfer=locked)


def stock_count(
    *, actor: User, warehouse: Warehouse, item: Item, lot: str, counted: int,
    request_id: uuid_lib.UUID | None = None, note: str = "",
) -> StockResult:  # fmt: skip
    """A physical count of one lot: the ledger gets the difference as a count adjustment
    (nothing when the shelf agrees)."""
    _require(actor, warehouse)
    if counted < 0 or counted > 10_000_000:
        raise ValidationError({"counted": [_("Enter the number of units counted (0 or more).")]})
    content = {"op": "count", "item": item.code, "lot": lot, "counted": counted, "note": note}
    with transaction.atomic():
        request, earlier = _claim(request_id, warehouse, content)
        if earlier is not None:
            return earlier
        balance = (
            StockBalance.objects.select_for_update()
            .filter(warehouse=warehouse, item=item, lot=lot)
            .first()
        )
        if balance is None:
            raise ValidationError({"lot": [_("This lot of this item is not in this warehouse.")]})
        difference = counted - balance.quantity
        movements = []
        if difference:
            movements.append(
                _post(actor=actor, warehouse=warehouse, item=item, lot=lot,
                      expires_on=balance.expires_on, kind=MovementKind.COUNT,
                      quantity=difference, request=request, note=note.strip())
            )  # fmt: skip
        log(actor, actions.UPDATE, warehouse, organization=warehouse.organization,
            change="count", difference=difference)  # fmt: skip
        return StockResult(movements)
