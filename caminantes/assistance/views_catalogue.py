"""Catalogue pages: items by category and kits with their bill of items, for the staff who
stock and hand them out; a new item and a new kit for stock staff. Thin: reads through
`selectors_catalogue`, writes through `services_catalogue`."""

from __future__ import annotations

import re

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from caminantes.accounts.context import AuthenticatedRequest
from caminantes.accounts.decorators import perm_required
from caminantes.accounts.permissions import Perm
from caminantes.assistance import forms_catalogue as forms
from caminantes.assistance import selectors_catalogue as selectors
from caminantes.assistance import services_catalogue as services
from caminantes.lib.form_errors import apply_errors, posted

_LINE = re.compile(r"^lines-(\d+)-")


@perm_required(Perm.MANAGE_STOCK, Perm.DISTRIBUTE)
def catalogue(request: AuthenticatedRequest) -> HttpResponse:
    return render(request, "assistance/catalogue.html", {
        "groups": selectors.items_by_category(user=request.user),
        "kits": selectors.kits_for_user(user=request.user),
        "may_edit": services.may_edit_catalogue(request.user),
    })  # fmt: skip


@perm_required(Perm.MANAGE_STOCK)
def item_new(request: AuthenticatedRequest) -> HttpResponse:
    form = forms.ItemForm(posted(request))
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            item = services.item_create(
                actor=request.user, code=d["code"], name_es=d["name_es"], name_pt=d["name_pt"],
                name_en=d["name_en"], category=d["category"], unit=d["unit"],
                perishable=d["perishable"],
            )  # fmt: skip
        except ValidationError as exc:
            apply_errors(exc, form)
        else:
            messages.success(request, _("Item %(name)s added to the catalogue.") % {
                "name": item.name})  # fmt: skip
            return redirect("assistance_catalogue")
    return render(request, "assistance/catalogue_item.html", {"form": form})


def _lines_wanted(request: AuthenticatedRequest) -> int:
    try:
        return int(request.GET.get("lines", forms.KIT_LINES))
    except ValueError:
        return forms.KIT_LINES


@perm_required(Perm.MANAGE_STOCK)
def kit_new(request: AuthenticatedRequest) -> HttpResponse:
    data = posted(request)  # an empty POST is a POST
    form = forms.KitForm(data)
    lines = forms.kit_line_formset(data, lines=_lines_wanted(request))
    if request.method == "POST" and all([form.is_valid(), lines.is_valid()]):
        d = form.cleaned_data
        filled = lines.filled()
        try:
            kit = services.kit_create(
                actor=request.user, code=d["code"], name_es=d["name_es"], name_pt=d["name_pt"],
                name_en=d["name_en"],
                lines=[(f.cleaned_data.get("item"), f.cleaned_data.get("quantity"))
                       for _i, f in filled],
            )  # fmt: skip
        except ValidationError as exc:
            apply_errors(_on_page(exc, [i for i, _f in filled]), form, formsets=[lines])
        else:
            messages.success(request, _("Kit %(name)s added to the catalogue.") % {
                "name": kit.name})  # fmt: skip
            return redirect("assistance_catalogue")
    return render(request, "assistance/catalogue_kit.html", {
        "form": form, "lines": lines, "more": forms.MAX_KIT_LINES,
        "max_lines": services.MAX_KIT_LINES,
    })  # fmt: skip


def _on_page(exc: ValidationError, places: list[int]) -> ValidationError:
    """The service numbers the lines it was given; the page skips the blank ones: name each
    problem after the line it is on, on the page."""
    if not hasattr(exc, "error_dict"):
        return exc

    def where(key: str) -> str:
        found = _LINE.match(key)
        if found is None or int(found[1]) >= len(places):
            return key
        return f"lines-{places[int(found[1])]}-{key[found.end() :]}"

    return ValidationError({where(k): v for k, v in exc.error_dict.items()})
