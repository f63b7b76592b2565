"""Warehouse pages: the list, one warehouse's stock by item and lot, its ledger, and a form
for each movement. Thin: reads through `selectors`, writes through `services`."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from caminantes.accounts.context import AuthenticatedRequest
from caminantes.accounts.decorators import perm_required
from caminantes.accounts.permissions import Perm
from caminantes.assistance import forms, selectors, services
from caminantes.assistance.models import Warehouse
from caminantes.lib.form_errors import apply_errors, posted


@perm_required(Perm.MANAGE_STOCK)
def warehouses(request: AuthenticatedRequest) -> HttpResponse:
    organization = request.context.organization
    form = None
    if organization is not None:
        form = forms.WarehouseForm(
            posted(request),
            countries=organization.countries.all(),
        )
    if request.method == "POST" and organization is not None and form and form.is_valid():
        try:
            warehouse = services.warehouse_create(
                actor=request.user, organization=organization, name=form.cleaned_data["name"],
                country=form.cleaned_data["country"],
            )  # fmt: skip
        except ValidationError as exc:
            apply_errors(exc, form)
        else:
            return redirect("assistance_warehouse", warehouse.uuid)
    return render(request, "assistance/warehouses.html", {
        "warehouses": selectors.warehouses_for_user(user=request.user), "form": form,
    })  # fmt: skip


@perm_required(Perm.MANAGE_STOCK)
def warehouse_detail(request: AuthenticatedRequest, uuid: Any) -> HttpResponse:
    warehouse = selectors.get_warehouse_for_user(user=request.user, uuid=uuid)
    movements = [
        (spec[0], reverse(f"assistance_{kind}", args=[warehouse.uuid]))
        for kind, spec in MOVEMENTS.items()
    ]
    return render(request, "assistance/warehouse.html", {
        "warehouse": warehouse,
        "by_item": selectors.stock_by_item(warehouse),
        "lots": selectors.stock_by_lot(warehouse),
        "incoming": selectors.in_transit_to(warehouse),
        "discrepancies": selectors.reconcile(warehouse),
        "movements": movements,
    })  # fmt: skip


@perm_required(Perm.MANAGE_STOCK)
def ledger(request: AuthenticatedRequest, uuid: Any) -> HttpResponse:
    warehouse = selectors.get_warehouse_for_user(user=request.user, uuid=uuid)
    page = Paginator(selectors.ledger(warehouse), 50).get_page(request.GET.get("page"))
    return render(request, "assistance/ledger.html", {"warehouse": warehouse, "page": page})


@perm_required(Perm.MANAGE_STOCK)
@require_POST
def transfer_receive(request: AuthenticatedRequest, uuid: Any) -> HttpResponse:
    transfer = selectors.get_transfer_for_user(user=request.user, uuid=uuid)
    try:
        services.transfer_receive(actor=request.user, transfer=transfer)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("Transfer received and booked in."))
    return redirect("assistance_warehouse", transfer.destination.uuid)


# --- movements ------------------------------------------------------------------------


def _receipt(request: AuthenticatedRequest, w: Warehouse, d: dict[str, Any]) -> Any:
    return services.stock_receive(
        actor=request.user, warehouse=w, item=d["item"], quantity=d["quantity"],
        lot=d["lot"], expires_on=d["expires_on"], source=d["source"],
        request_id=d["request_id"],
    )  # fmt: skip


def _return(request: AuthenticatedRequest, w: Warehouse, d: dict[str, Any]) -> Any:
    return services.stock_return(
        actor=request.user, warehouse=w, item=d["item"], quantity=d["quantity"],
        lot=d["lot"], expires_on=d["expires_on"], note=d["note"], request_id=d["request_id"],
    )  # fmt: skip


def _issue(request: AuthenticatedRequest, w: Warehouse, d: dict[str, Any]) -> Any:
    if d.get("kit"):
        return services.kit_issue(actor=request.user, warehouse=w, kit=d["kit"],
                                  count=d["count"], note=d["note"],
                                  request_id=d["request_id"])  # fmt: skip
    return services.stock_issue(actor=request.user, warehouse=w,
                                lines=[(d["item"], d["count"])], note=d["note"],
                                request_id=d["request_id"])  # fmt: skip


def _loss(request: AuthenticatedRequest, w: Warehouse, d: dict[str, Any]) -> Any:
    return services.stock_loss(
        actor=request.user, warehouse=w, item=d["item"], quantity=d["quantity"],
        reason=d["reason"], lot=d["lot"] or None, note=d["note"], request_id=d["request_id"],
    )  # fmt: skip


def _transfer(request: AuthenticatedRequest, w: Warehouse, d: dict[str, Any]) -> Any:
    return services.transfer_send(
        actor=request.user, source=w, destination=d["destination"], item=d["item"],
        quantity=d["quantity"], request_id=d["request_id"],
    )  # fmt: skip


def _count(request: AuthenticatedRequest, w: Warehouse, d: dict[str, Any]) -> Any:
    balance = d["balance"]
    return services.stock_count(
        actor=request.user, warehouse=w, item=balance.item, lot=balance.lot,
        counted=d["counted"], note=d["note"], request_id=d["request_id"],
    )  # fmt: skip


Handler = Callable[[AuthenticatedRequest, Warehouse, dict[str, Any]], Any]
MOVEMENTS: dict[str, tuple[Any, type[forms.MovementForm], Handler]] = {
    "receipt": (gettext_lazy("Receive stock"), forms.ReceiptForm, _receipt),
    "issue": (gettext_lazy("Issue to a distribution"), forms.IssueForm, _issue),
    "transfer": (gettext_lazy("Send to another warehouse"), forms.TransferForm, _transfer),
    "return": (gettext_lazy("Return to stock"), forms.ReturnForm, _return),
    "loss": (gettext_lazy("Loss or damage"), forms.LossForm, _loss),
    "count": (gettext_lazy("Physical count"), forms.CountForm, _count),
}


@perm_required(Perm.MANAGE_STOCK)
def movement(request: AuthenticatedRequest, uuid: Any, kind: str) -> HttpResponse:
    warehouse = selectors.get_warehouse_for_user(user=request.user, uuid=uuid)
    title, form_class, handler = MOVEMENTS[kind]
    extra: dict[str, Any] = {"warehouse": warehouse}
    if form_class is forms.TransferForm:
        extra["destinations"] = (
            selectors.warehouses_for_user(user=request.user)
            .filter(organization=warehouse.organization, is_active=True)
            .exclude(pk=warehouse.pk)
        )
    form = form_class(posted(request), **extra)
    if request.method == "POST" and form.is_valid():
        try:
            result = handler(request, warehouse, form.cleaned_data)
        except ValidationError as exc:
            apply_errors(exc, form)
        else:
            if result.replayed:
                messages.info(request, _("This movement was already recorded."))
            else:
                messages.success(request, _("Recorded."))
            return redirect("assistance_warehouse", warehouse.uuid)
    return render(request, "assistance/movement.html", {
        "warehouse": warehouse, "form": form, "title": title, "kind": kind,
    })  # fmt: skip
