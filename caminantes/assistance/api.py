# No `from __future__ import annotations`: django-ninja reads the annotations at run time.
"""Assistance API: the catalogue, warehouses, their stock and ledger, and stock movements.

Reads go through `assistance.selectors` (the policy door), writes through
`assistance.services`. A warehouse the caller may not see is 404, like one that does not
exist; routes that take a body find the warehouse before reading the body.

Every stock write carries a `request_id` made by the client: the same id with the same
content answers 200 and changes nothing (the first answer again), with different content 409
`request_id_reused`. The catalogue's writes (a new item, a new kit, `assistance.
services_catalogue`) carry none: the unique code does that job, a re-send being 409
`code_taken`. A refusal (not enough stock, already received) is 409 with a machine-readable
`code` and a translated `detail`; an invalid body is 422.
"""

import functools
from collections.abc import Callable
from datetime import date, datetime
from typing import Any, TypeVar, cast
from uuid import UUID

from django.core.exceptions import NON_FIELD_ERRORS, PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Field, Router, Schema, Status
from ninja.pagination import paginate

from caminantes.accounts.api_auth import require_scope
from caminantes.accounts.models import ApiToken, User
from caminantes.assistance import selectors, services, services_catalogue
from caminantes.assistance.errors import Refused
from caminantes.assistance.models import (
    Category,
    Item,
    Kit,
    LossReason,
    StockBalance,
    StockMovement,
    Unit,
    Warehouse,
)
from caminantes.lib.api import ErrorOut, InvalidOut, body_schema, parse_body
from caminantes.lib.pagination import PageNumberPagination

router = Router(tags=["assistance"])

V = TypeVar("V", bound=Callable[..., Any])


class RefusedOut(Schema):
    code: str = Field(description="`out_of_stock`, `request_id_reused`, `already_received` …")
    detail: str


WRITE_ANSWERS = {403: ErrorOut, 404: ErrorOut, 409: RefusedOut, 422: InvalidOut}


def answers(view: V) -> V:
    """Turn the services' refusals into the documented answers: 403, 409 and 422."""

    @functools.wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> Any:
        try:
            return view(request, *args, **kwargs)
        except Refused as exc:
            return Status(409, {"code": exc.refusal_code, "detail": exc.detail})
        except PermissionDenied as exc:
            return Status(403, {"detail": str(exc) or _("Your roles do not allow this here.")})
        except DjangoValidationError as exc:
            errors = (
                exc.message_dict if hasattr(exc, "error_dict") else {NON_FIELD_ERRORS: exc.messages}
            )
            return Status(422, {"detail": _("Some fields need attention."), "errors": errors})

    return cast(V, wrapper)


# --- answers --------------------------------------------------------------------------


class ItemOut(Schema):
    uuid: UUID
    code: str
    name: str
    category: str
    unit: str
    perishable: bool


class KitLineOut(Schema):
    item: str
    quantity: int


class KitOut(Schema):
    uuid: UUID
    code: str
    name: str
    lines: list[KitLineOut]

    @staticmethod
    def resolve_lines(obj: Kit) -> list[dict[str, Any]]:
        return [{"item": li.item.code, "quantity": li.quantity} for li in obj.lines.all()]


class WarehouseOut(Schema):
    uuid: UUID
    name: str
    organization: str
    country: str
    is_active: bool

    @staticmethod
    def resolve_organization(obj: Warehouse) -> str:
        return obj.organization.acronym

    @staticmethod
    def resolve_country(obj: Warehouse) -> str:
        return obj.country.iso2


class LotOut(Schema):
    item: str
    lot: str
    expires_on: date | None
    quantity: int

    @staticmethod
    def resolve_item(obj: StockBalance) -> str:
        return obj.item.code


class WarehouseDetailOut(WarehouseOut):
    lots: list[LotOut]

    @staticmethod
    def resolve_lots(obj: Warehouse) -> list[StockBalance]:
        return list(selectors.stock_by_lot(obj))


class MovementOut(Schema):
    uuid: UUID
    kind: str
    item: str
    lot: str
    expires_on: date | None
    quantity: int = Field(description="Signed: positive in, negative out.")
    source: str
    reason: str
    note: str
    transfer: UUID | None
    created_at: datetime

    @staticmethod
    def resolve_item(obj: StockMovement) -> str:
        return obj.item.code

    @staticmethod
    def resolve_transfer(obj: StockMovement) -> UUID | None:
        return obj.transfer.uuid if obj.transfer_id else None  # type: ignore[union-attr]


class WriteOut(Schema):
    replayed: bool = Field(description="True when this request id was already recorded.")
    transfer: UUID | None = None
    movements: list[MovementOut]


class DiscrepancyOut(Schema):
    item: str
    lot: str
    balance: int
    ledger: int


# --- bodies ---------------------------------------------------------------------------


class WriteIn(Schema):
    request_id: UUID = Field(description="Made by the client; the same id is recorded once.")


class ReceiptIn(WriteIn):
    item: str
    quantity: int
    lot: str = ""
    expires_on: date | None = None
    source: str = Field("", description="Donor or supplier.")


class ReturnIn(WriteIn):
    item: str
    quantity: int
    lot: str = ""
    expires_on: date | None = None
    note: str = ""


class IssueLineIn(Schema):
    item: str
    quantity: int


class IssueIn(WriteIn):
    kit: str | None = Field(None, description="A kit's code, with `count`; or `lines`.")
    count: int = 1
    lines: list[IssueLineIn] = []
    note: str = Field("", description="The distribution the stock goes to.")


class LossIn(WriteIn):
    item: str
    quantity: int
    reason: LossReason
    lot: str | None = None
    note: str = ""


class TransferIn(WriteIn):
    destination: UUID
    item: str
    quantity: int


class CountIn(WriteIn):
    item: str
    lot: str = ""
    counted: int
    note: str = ""


class ItemIn(Schema):
    code: str = Field(description="Unique: lower-case letters, digits and hyphens.")
    name_es: str
    name_pt: str = Field("", description="Empty: the Spanish name is shown.")
    name_en: str = Field("", description="Empty: the Spanish name is shown.")
    category: Category
    unit: Unit
    perishable: bool = False


class KitIn(Schema):
    code: str = Field(description="Unique: lower-case letters, digits and hyphens.")
    name_es: str
    name_pt: str = Field("", description="Empty: the Spanish name is shown.")
    name_en: str = Field("", description="Empty: the Spanish name is shown.")
    lines: list[IssueLineIn] = Field(description="1 to 30 lines, each item once.")


# --- helpers --------------------------------------------------------------------------


def _item(code: str, key: str = "item") -> Item:
    found = Item.objects.filter(code=code).first()
    if found is None:
        raise DjangoValidationError({key: [_("No item with this code.")]})
    return found


def _warehouse(request: HttpRequest, uuid: UUID) -> Warehouse:
    return selectors.get_warehouse_for_user(user=request.user, uuid=uuid)


def _written(result: services.StockResult) -> Status[object]:
    body = {"replayed": result.replayed, "movements": result.movements,
            "transfer": result.transfer.uuid if result.transfer else None}  # fmt: skip
    return Status(200 if result.replayed else 201, body)


def _user(request: HttpRequest) -> User:
    return cast(User, request.user)


def _write(summary: str, path: str, body: type[Schema]) -> Callable[[V], V]:
    return router.post(
        path, response={200: WriteOut, 201: WriteOut, **WRITE_ANSWERS}, summary=summary,
        openapi_extra=body_schema(body),
    )  # fmt: skip


# --- routes ---------------------------------------------------------------------------


@router.get("/items", response=list[ItemOut], summary="The catalogue of items")
def items(request: HttpRequest) -> Any:
    return selectors.catalogue()[0]


@router.get("/kits", response=list[KitOut], summary="Kits and their bills of items")
def kits(request: HttpRequest) -> Any:
    return selectors.catalogue()[1]


CATALOGUE_ANSWERS = {403: ErrorOut, 409: RefusedOut, 422: InvalidOut}


@router.post(
    "/items", response={201: ItemOut, **CATALOGUE_ANSWERS}, openapi_extra=body_schema(ItemIn),
    summary="Add an item to the shared catalogue (stock staff; a code in use is 409 code_taken)",
)  # fmt: skip
@answers
def item_create(request: HttpRequest) -> Status[object]:
    require_scope(request, ApiToken.Scope.WRITE)
    services_catalogue.require_editor(request.user, Item)
    d = parse_body(request, ItemIn)
    return Status(201, services_catalogue.item_create(
        actor=_user(request), code=d.code, name_es=d.name_es, name_pt=d.name_pt,
        name_en=d.name_en, category=d.category.value, unit=d.unit.value,
        perishable=d.perishable,
    ))  # fmt: skip


@router.post(
    "/kits", response={201: KitOut, **CATALOGUE_ANSWERS}, openapi_extra=body_schema(KitIn),
    summary="Add a kit and its bill of items (stock staff; a code in use is 409 code_taken)",
)  # fmt: skip
@answers
def kit_create(request: HttpRequest) -> Status[object]:
    require_scope(request, ApiToken.Scope.WRITE)
    services_catalogue.require_editor(request.user, Kit)
    d = parse_body(request, KitIn)
    if len(d.lines) > services_catalogue.MAX_KIT_LINES:
        raise DjangoValidationError({"lines": [_("A kit has at most 30 lines.")]})
    found = {i.code: i for i in Item.objects.filter(code__in=[li.item for li in d.lines])}
    unknown = {f"lines-{i}-item": [_("No item with this code.")]
               for i, li in enumerate(d.lines) if li.item not in found}  # fmt: skip
    if unknown:
        raise DjangoValidationError(unknown)
    kit = services_catalogue.kit_create(
        actor=_user(request), code=d.code, name_es=d.name_es, name_pt=d.name_pt,
        name_en=d.name_en, lines=[(found[li.item], li.quantity) for li in d.lines],
    )  # fmt: skip
    return Status(201, selectors.catalogue()[1].get(pk=kit.pk))


@router.get("/warehouses", response=list[WarehouseOut], summary="Warehouses you may see")
@paginate(PageNumberPagination, page_size=50)
def warehouses(request: HttpRequest) -> Any:
    return selectors.warehouses_for_user(user=request.user)


@router.get("/warehouses/{uuid}", response=WarehouseDetailOut, summary="A warehouse's lots")
def warehouse(request: HttpRequest, uuid: UUID) -> Any:
    return _warehouse(request, uuid)


@router.get(
    "/warehouses/{uuid}/movements", response=list[MovementOut], summary="The ledger, newest first"
)
@paginate(PageNumberPagination, page_size=100)
def movements(request: HttpRequest, uuid: UUID) -> Any:
    return selectors.ledger(_warehouse(request, uuid))


@router.get(
    "/warehouses/{uuid}/reconciliation", response=list[DiscrepancyOut],
    summary="Lots whose stock on hand disagrees with the ledger (empty when all agree)",
)  # fmt: skip
def reconciliation(request: HttpRequest, uuid: UUID) -> Any:
    found = selectors.reconcile(_warehouse(request, uuid))
    codes = dict(Item.objects.filter(pk__in=[d.item_id for d in found]).values_list("pk", "code"))
    return [{"item": codes[d.item_id], "lot": d.lot, "balance": d.balance, "ledger": d.ledger}
            for d in found]  # fmt: skip


@_write("Receive stock from a donor or supplier", "/warehouses/{uuid}/receipts", ReceiptIn)
@answers
def receipt(request: HttpRequest, uuid: UUID) -> Status[object]:
    require_scope(request, ApiToken.Scope.WRITE)
    w = _warehouse(request, uuid)
    d = parse_body(request, ReceiptIn)
    return _written(services.stock_receive(
        actor=_user(request), warehouse=w, item=_item(d.item), quantity=d.quantity, lot=d.lot,
        expires_on=d.expires_on, source=d.source, request_id=d.request_id,
    ))  # fmt: skip


@_write("Return stock to the shelf", "/warehouses/{uuid}/returns", ReturnIn)
@answers
def stock_return(request: HttpRequest, uuid: UUID) -> Status[object]:
    require_scope(request, ApiToken.Scope.WRITE)
    w = _warehouse(request, uuid)
    d = parse_body(request, ReturnIn)
    return _written(services.stock_return(
        actor=_user(request), warehouse=w, item=_item(d.item), quantity=d.quantity, lot=d.lot,
        expires_on=d.expires_on, note=d.note, request_id=d.request_id,
    ))  # fmt: skip


@_write("Issue stock to a distribution (lots that expire first go first)",
        "/warehouses/{uuid}/issues", IssueIn)  # fmt: skip
@answers
def issue(request: HttpRequest, uuid: UUID) -> Status[object]:
    require_scope(request, ApiToken.Scope.WRITE)
    w = _warehouse(request, uuid)
    d = parse_body(request, IssueIn)
    if d.kit:
        kit = Kit.objects.filter(code=d.kit).first()
        if kit is None:
            raise DjangoValidationError({"kit": [_("No kit with this code.")]})
        return _written(services.kit_issue(actor=_user(request), warehouse=w, kit=kit,
                                           count=d.count, note=d.note,
                                           request_id=d.request_id))  # fmt: skip
    lines = [(_item(li.item, f"lines-{i}-item"), li.quantity) for i, li in enumerate(d.lines)]
    return _written(services.stock_issue(actor=_user(request), warehouse=w, lines=lines,
                                         note=d.note, request_id=d.request_id))  # fmt: skip


@_write("Book a loss or damage, with its reason", "/warehouses/{uuid}/losses", LossIn)
@answers
def loss(request: HttpRequest, uuid: UUID) -> Status[object]:
    require_scope(request, ApiToken.Scope.WRITE)
    w = _warehouse(request, uuid)
    d = parse_body(request, LossIn)
    return _written(services.stock_loss(
        actor=_user(request), warehouse=w, item=_item(d.item), quantity=d.quantity,
        reason=d.reason.value, lot=d.lot, note=d.note, request_id=d.request_id,
    ))  # fmt: skip


@_write("Send stock to another warehouse (in transit until received)",
        "/warehouses/{uuid}/transfers", TransferIn)  # fmt: skip
@answers
def transfer(request: HttpRequest, uuid: UUID) -> Status[object]:
    require_scope(request, ApiToken.Scope.WRITE)
    w = _warehouse(request, uuid)
    d = parse_body(request, TransferIn)
    destination = (
        selectors.warehouses_for_user(user=request.user).filter(uuid=d.destination).first()
    )
    if destination is None:
        raise DjangoValidationError({"destination": [_("No warehouse with this id.")]})
    return _written(services.transfer_send(
        actor=_user(request), source=w, destination=destination, item=_item(d.item),
        quantity=d.quantity, request_id=d.request_id,
    ))  # fmt: skip


@_write("Record a physical count of one lot", "/warehouses/{uuid}/counts", CountIn)
@answers
def count(request: HttpRequest, uuid: UUID) -> Status[object]:
    require_scope(request, ApiToken.Scope.WRITE)
    w = _warehouse(request, uuid)
    d = parse_body(request, CountIn)
    return _written(services.stock_count(
        actor=_user(request), warehouse=w, item=_item(d.item), lot=d.lot, counted=d.counted,
        note=d.note, request_id=d.request_id,
    ))  # fmt: skip


@router.post(
    "/transfers/{uuid}/receive", response={200: WriteOut, **WRITE_ANSWERS},
    summary="Receive a transfer at its destination (once; again is 409 already_received)",
)  # fmt: skip
@answers
def transfer_receive(request: HttpRequest, uuid: UUID) -> Status[object]:
    require_scope(request, ApiToken.Scope.WRITE)
    found = selectors.get_transfer_for_user(user=request.user, uuid=uuid)
    result = services.transfer_receive(actor=_user(request), transfer=found)
    return Status(200, {"replayed": False, "movements": result.movements,
                        "transfer": found.uuid})  # fmt: skip
