"""The forms of the catalogue pages: a new item, and a new kit with its lines."""

from __future__ import annotations

from typing import Any, cast

from django import forms
from django.utils.translation import gettext_lazy as _

from caminantes.assistance.models import Category, Item, Unit
from caminantes.assistance.services_catalogue import (
    CODE_MAX,
    MAX_KIT_LINES,
    MAX_LINE_QUANTITY,
    NAME_MAX,
)

# Blank lines a new kit's page shows, and how many it shows when asked for more.
KIT_LINES = 6


class NamesForm(forms.Form):
    code = forms.CharField(
        label=_("Code"), max_length=CODE_MAX,
        help_text=_("Lower-case letters, digits and hyphens, unique: the API names it by this."),
    )  # fmt: skip
    name_es = forms.CharField(label=_("Name in Spanish"), max_length=NAME_MAX)
    name_pt = forms.CharField(
        label=_("Name in Portuguese"), max_length=NAME_MAX, required=False,
        help_text=_("Leave empty to show the Spanish name."),
    )  # fmt: skip
    name_en = forms.CharField(
        label=_("Name in English"), max_length=NAME_MAX, required=False,
        help_text=_("Leave empty to show the Spanish name."),
    )  # fmt: skip


class ItemForm(NamesForm):
    category = forms.ChoiceField(label=_("Category"), choices=Category.choices)
    unit = forms.ChoiceField(label=_("Unit"), choices=Unit.choices)
    perishable = forms.BooleanField(label=_("Has an expiry date"), required=False)


class KitForm(NamesForm):
    pass


class KitLineForm(forms.Form):
    item = forms.ModelChoiceField(label=_("Item"), queryset=Item.objects.none())
    quantity = forms.IntegerField(label=_("Quantity"), min_value=1, max_value=MAX_LINE_QUANTITY)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field: Any = self.fields["item"]
        field.queryset = Item.objects.order_by("category", "code")
        field.label_from_instance = lambda i: f"{i.name} ({i.get_unit_display()})"


class BaseKitLineFormSet(forms.BaseFormSet):
    item_label = _("Line %(n)s")

    def clean(self) -> None:
        if any(self.errors):
            return
        seen: set[int] = set()
        for form in self.forms:
            item = form.cleaned_data.get("item") if form.has_changed() else None
            if item is None:
                continue
            if item.pk in seen:
                form.add_error("item", _("This item is already on the kit: change its quantity."))
            seen.add(item.pk)

    def filled(self) -> list[tuple[int, KitLineForm]]:
        """The lines with something typed in, with their place on the page."""
        return [(i, f) for i, f in enumerate(self.forms) if f.has_changed()]


def kit_line_formset(data: Any = None, *, lines: int = KIT_LINES) -> BaseKitLineFormSet:
    extra = max(1, min(lines, MAX_KIT_LINES))
    formset_class = forms.formset_factory(
        KitLineForm, formset=BaseKitLineFormSet, extra=extra, max_num=MAX_KIT_LINES,
        absolute_max=MAX_KIT_LINES, validate_max=True,
    )  # fmt: skip
    return cast(BaseKitLineFormSet, formset_class(data, prefix="lines"))
