"""The forms of the warehouse pages: one per kind of movement.

Each carries a hidden `request_id` made when the page is served, so a form posted twice (a
double tap, a re-send after a dropped link) is recorded once.
"""

from __future__ import annotations

import uuid as uuid_lib
from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from caminantes.assistance.models import Item, Kit, LossReason, StockBalance, Warehouse
from caminantes.geo.models import Country
from caminantes.lib.widgets import date_input

MAX_QUANTITY = 10_000_000


def quantity_field(label: Any = None, minimum: int = 1) -> forms.IntegerField:
    return forms.IntegerField(
        label=label or _("Quantity"), min_value=minimum, max_value=MAX_QUANTITY
    )


class MovementForm(forms.Form):
    request_id = forms.UUIDField(widget=forms.HiddenInput, initial=uuid_lib.uuid4)

    def __init__(self, *args: Any, warehouse: Warehouse, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.warehouse = warehouse
        if "item" in self.fields:
            self.fields["item"].queryset = Item.objects.all()  # type: ignore[attr-defined]


class WarehouseForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=120)
    country = forms.ModelChoiceField(label=_("Country"), queryset=Country.objects.none())

    def __init__(self, *args: Any, countries: QuerySet[Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["country"].queryset = countries  # type: ignore[attr-defined]


class ReceiptForm(MovementForm):
    item = forms.ModelChoiceField(label=_("Item"), queryset=Item.objects.none())
    quantity = quantity_field()
    lot = forms.CharField(label=_("Lot"), max_length=60, required=False)
    expires_on = forms.DateField(label=_("Expires on"), required=False, widget=date_input())
    source = forms.CharField(label=_("Donor or supplier"), max_length=120, required=False)

    def clean_expires_on(self) -> Any:
        expires = self.cleaned_data.get("expires_on")
        if expires is not None and expires < timezone.localdate():
            raise forms.ValidationError(_("This lot has already expired: do not book it in."))
        return expires


class ReturnForm(MovementForm):
    item = forms.ModelChoiceField(label=_("Item"), queryset=Item.objects.none())
    quantity = quantity_field()
    lot = forms.CharField(label=_("Lot"), max_length=60, required=False)
    expires_on = forms.DateField(label=_("Expires on"), required=False, widget=date_input())
    note = forms.CharField(label=_("Note"), max_length=200, required=False)


class IssueForm(MovementForm):
    kit = forms.ModelChoiceField(
        label=_("Kit"), queryset=Kit.objects.all(), required=False,
        help_text=_("Choose a kit, or a single item below."),
    )  # fmt: skip
    count = quantity_field(_("Number of kits"))
    item = forms.ModelChoiceField(label=_("Item"), queryset=Item.objects.none(), required=False)
    note = forms.CharField(label=_("Distribution"), max_length=200, required=False)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if bool(data.get("kit")) == bool(data.get("item")):
            raise forms.ValidationError(_("Choose either a kit or an item."))
        return data


class LossForm(MovementForm):
    item = forms.ModelChoiceField(label=_("Item"), queryset=Item.objects.none())
    quantity = quantity_field()
    reason = forms.ChoiceField(label=_("Reason"), choices=LossReason.choices)
    lot = forms.CharField(
        label=_("Lot"), max_length=60, required=False,
        help_text=_("Leave empty to take the lots that expire first."),
    )  # fmt: skip
    note = forms.CharField(label=_("Note"), max_length=200, required=False)


class TransferForm(MovementForm):
    destination = forms.ModelChoiceField(label=_("To warehouse"), queryset=Warehouse.objects.none())
    item = forms.ModelChoiceField(label=_("Item"), queryset=Item.objects.none())
    quantity = quantity_field()

    def __init__(self, *args: Any, destinations: QuerySet[Warehouse], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["destination"].queryset = destinations  # type: ignore[attr-defined]


class CountForm(MovementForm):
    balance = forms.ModelChoiceField(label=_("Item and lot"), queryset=StockBalance.objects.none())
    counted = quantity_field(_("Units counted"), minimum=0)
    note = forms.CharField(label=_("Note"), max_length=200, required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field: Any = self.fields["balance"]
        field.queryset = (
            StockBalance.objects.filter(warehouse=self.warehouse)
            .select_related("item")
            .order_by("item__code", "lot")
        )
        field.label_from_instance = lambda b: f"{b.item.name} · {b.lot or '—'} · {b.quantity}"
