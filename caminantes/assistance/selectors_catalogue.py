"""Reads of the catalogue, through the policy door (items and kits are seen by any member)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models import Prefetch, QuerySet

from caminantes.accounts import policies
from caminantes.assistance.models import Category, Item, Kit, KitLine


@dataclass(frozen=True)
class CategoryGroup:
    code: str
    label: str
    items: list[Item]


def items_for_user(*, user: Any) -> QuerySet[Item]:
    return policies.visible(user, Item).order_by("category", "code")


def kits_for_user(*, user: Any) -> QuerySet[Kit]:
    lines = KitLine.objects.select_related("item").order_by("pk")
    return (
        policies.visible(user, Kit).prefetch_related(Prefetch("lines", queryset=lines))
        .order_by("code")
    )  # fmt: skip


def items_by_category(*, user: Any) -> list[CategoryGroup]:
    """The items in the order of the categories' list, each group by name in the reader's
    language; a category with no item is left out."""
    by_code: dict[str, list[Item]] = {}
    for item in items_for_user(user=user):
        by_code.setdefault(item.category, []).append(item)
    return [
        CategoryGroup(code, str(label), sorted(by_code[code], key=lambda i: i.name.casefold()))
        for code, label in Category.choices
        if code in by_code
    ]
