"""Writes to the catalogue: new items and new kits (bills of items).

The catalogue is shared by every organisation, so a change shows on every warehouse of the
platform. Stock staff (MANAGE_STOCK, in any organisation) may add to it, as they are the
ones who meet a new item first; nobody edits or deletes an item here, because ledgers,
kits and distribution plans point at it (the foreign keys PROTECT it as well).

A code is unique and is what the API names an item or kit by: sending the same new item
twice is refused with `code_taken`, so a re-send never makes a second item.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from caminantes.accounts import policies
from caminantes.accounts.models import User
from caminantes.accounts.permissions import Perm
from caminantes.assistance.errors import Refused
from caminantes.assistance.models import Category, Item, Kit, KitLine, Unit
from caminantes.audit import actions
from caminantes.audit.log import log

CODE = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
CODE_MAX = 40
NAME_MAX = 200
MAX_KIT_LINES = 30
MAX_LINE_QUANTITY = 10_000


def may_edit_catalogue(user: Any) -> bool:
    """Stock staff of any organisation add items and kits: the catalogue is shared."""
    return policies.has_perm(user, Perm.MANAGE_STOCK)


def require_editor(actor: Any, model: type[Item] | type[Kit]) -> None:
    """PermissionDenied, audited, for someone who may not add to the catalogue (the API
    asks before reading the body, so that a refusal does not depend on what was sent)."""
    if not may_edit_catalogue(actor):
        log(actor, actions.ACCESS_DENIED, model, "denied", permission=Perm.MANAGE_STOCK.value)
        raise PermissionDenied


def _code(code: str, model: type[Item] | type[Kit], errors: dict[str, list[str]]) -> str:
    """The code as stored (lower case). A code already in use is a refusal (409
    `code_taken`) when nothing else is wrong, and one more problem among the others."""
    code = (code or "").strip().lower()
    if not code:
        errors["code"] = [_("Enter a code.")]
    elif len(code) > CODE_MAX or not CODE.match(code):
        errors["code"] = [_(
            "Use at most 40 lower-case letters, digits and hyphens (like hygiene-kit)."
        )]  # fmt: skip
    elif model.objects.filter(code=code).exists():
        if not errors:
            raise _taken(model)
        errors["code"] = _taken(model).messages
    return code


def _taken(model: type[Item] | type[Kit]) -> Refused:
    if model is Item:
        message = _("An item with this code already exists.")
    else:
        message = _("A kit with this code already exists.")
    return Refused(message, code="code_taken", field="code")


def _names(
    name_es: str, name_pt: str, name_en: str, errors: dict[str, list[str]]
) -> dict[str, str]:
    """Spanish is required; a name left empty in Portuguese or English shows the Spanish.
    Problems are added to `errors`, so that the person sees them all at once."""
    names = {"name_es": (name_es or "").strip(), "name_pt": (name_pt or "").strip(),
             "name_en": (name_en or "").strip()}  # fmt: skip
    if not names["name_es"]:
        errors["name_es"] = [_("Enter the name in Spanish.")]
    for key, value in names.items():
        if len(value) > NAME_MAX:
            errors[key] = [_("Enter at most 200 characters.")]
    return names


def item_create(
    *, actor: User, code: str, name_es: str, name_pt: str = "", name_en: str = "",
    category: str, unit: str, perishable: bool = False,
) -> Item:  # fmt: skip
    require_editor(actor, Item)
    errors: dict[str, list[str]] = {}
    if category not in Category.values:
        errors["category"] = [_("Choose a category from the list.")]
    if unit not in Unit.values:
        errors["unit"] = [_("Choose a unit from the list.")]
    names = _names(name_es, name_pt, name_en, errors)
    code = _code(code, Item, errors)
    if errors:
        raise ValidationError(errors)
    try:
        with transaction.atomic():
            item = Item.objects.create(
                code=code, category=category, unit=unit, perishable=perishable, **names
            )
            log(actor, actions.CREATE, item, code=code)
    except IntegrityError:  # the same code added at the same moment elsewhere
        raise _taken(Item) from None
    return item


def kit_create(
    *, actor: User, code: str, name_es: str, name_pt: str = "", name_en: str = "",
    lines: Sequence[tuple[Item | None, int | None]],
) -> Kit:  # fmt: skip
    """A kit and its bill of items. `lines` are (item, quantity) in the order typed; the
    problems of a line are named `lines-<i>-item` / `lines-<i>-quantity`, as the form's."""
    require_editor(actor, Kit)
    errors: dict[str, list[str]] = {}
    names = _names(name_es, name_pt, name_en, errors)
    bill = _bill(lines, errors)
    code = _code(code, Kit, errors)
    if errors:
        raise ValidationError(errors)
    try:
        with transaction.atomic():
            kit = Kit.objects.create(code=code, **names)
            KitLine.objects.bulk_create(
                KitLine(kit=kit, item=item, quantity=quantity) for item, quantity in bill
            )
            log(actor, actions.CREATE, kit, code=code, lines=len(bill))
    except IntegrityError:
        raise _taken(Kit) from None
    return kit


def _bill(
    lines: Sequence[tuple[Item | None, int | None]], errors: dict[str, list[str]]
) -> list[tuple[Item, int]]:
    if len(lines) > MAX_KIT_LINES:
        errors["lines"] = [_("A kit has at most 30 lines.")]
        return []
    seen: set[int] = set()
    bill: list[tuple[Item, int]] = []
    for i, (item, quantity) in enumerate(lines):
        if item is None:
            errors[f"lines-{i}-item"] = [_("Choose an item.")]
        elif item.pk in seen:
            errors[f"lines-{i}-item"] = [_("This item is already on the kit: change its quantity.")]
        if quantity is None or quantity < 1:
            errors[f"lines-{i}-quantity"] = [_("Enter a quantity of at least 1.")]
        elif quantity > MAX_LINE_QUANTITY:
            errors[f"lines-{i}-quantity"] = [_("Enter a quantity of at most 10,000.")]
        if item is not None:
            seen.add(item.pk)
            if quantity is not None and 1 <= quantity <= MAX_LINE_QUANTITY:
                bill.append((item, quantity))
    if not lines:
        errors["lines"] = [_("Add at least one item to the kit.")]
    return bill
