"""The catalogue: items (non-food and food) with their unit and category, and kits as bills
of items. Shared by every organisation: a hygiene kit is a hygiene kit."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from caminantes.geo.models import LocalisedName
from caminantes.lib.models import PublicIdModel


class Category(models.TextChoices):
    HYGIENE = "hygiene", _("Hygiene")
    SHELTER = "shelter", _("Shelter and bedding")
    HOUSEHOLD = "household", _("Household and kitchen")
    WASH = "wash", _("Water and sanitation")
    CHILD = "child", _("Baby and child")
    FOOD = "food", _("Food")


class Unit(models.TextChoices):
    PIECE = "piece", _("piece")
    KIT = "kit", _("kit")
    KG = "kg", _("kg")
    LITRE = "litre", _("litre")
    PACK = "pack", _("pack")


class Item(PublicIdModel, LocalisedName):
    code = models.SlugField(_("code"), max_length=40, unique=True)
    category = models.CharField(_("category"), max_length=20, choices=Category.choices)
    unit = models.CharField(_("unit"), max_length=10, choices=Unit.choices)
    perishable = models.BooleanField(_("has an expiry date"), default=False)

    class Meta:
        ordering = ["category", "code"]
        verbose_name = _("item")
        verbose_name_plural = _("items")


class Kit(PublicIdModel, LocalisedName):
    """A bill of items handed out together (a hygiene kit for a family of four)."""

    code = models.SlugField(_("code"), max_length=40, unique=True)
    items: models.ManyToManyField[Item, KitLine] = models.ManyToManyField(
        Item, through="KitLine", related_name="kits"
    )

    class Meta:
        ordering = ["code"]
        verbose_name = _("kit")
        verbose_name_plural = _("kits")


class KitLine(models.Model):
    kit = models.ForeignKey(Kit, on_delete=models.CASCADE, related_name="lines")
    item = models.ForeignKey(Item, on_delete=models.PROTECT, related_name="+")
    quantity = models.PositiveIntegerField(_("quantity"))

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["kit", "item"], name="kit_line_unique_item"),
            models.CheckConstraint(condition=models.Q(quantity__gt=0), name="kit_line_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.kit_id}:{self.item_id} x{self.quantity}"
