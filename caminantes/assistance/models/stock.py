"""Warehouses and their stock: an append-only ledger of movements, and one balance row per
warehouse, item and lot that the ledger keeps up to date.

The balance row is what makes "never negative" hold under load: a database CHECK refuses a
negative quantity, and services lock the rows they draw from (select_for_update) before they
subtract. `StockMovement` rows are never changed or deleted; a mistake is corrected by another
movement (a return, a count).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from caminantes.accounts.models import Organization
from caminantes.assistance.models.catalogue import Item
from caminantes.geo.models import Country, Place
from caminantes.lib.models import PublicIdModel


class Warehouse(PublicIdModel):
    organization = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="+")
    country = models.ForeignKey(Country, on_delete=models.PROTECT, related_name="+")
    place = models.ForeignKey(
        Place, on_delete=models.PROTECT, null=True, blank=True, related_name="+",
        verbose_name=_("place"),
    )  # fmt: skip
    name = models.CharField(_("name"), max_length=120)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("warehouse")
        verbose_name_plural = _("warehouses")
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "country", "name"], name="warehouse_unique_name"
            )
        ]

    def __str__(self) -> str:
        return self.name


class MovementKind(models.TextChoices):
    RECEIPT = "receipt", _("Receipt")
    TRANSFER_OUT = "transfer_out", _("Transfer sent")
    TRANSFER_IN = "transfer_in", _("Transfer received")
    ISSUE = "issue", _("Issue")
    RETURN = "return", _("Return")
    LOSS = "loss", _("Loss or damage")
    COUNT = "count", _("Count adjustment")


class LossReason(models.TextChoices):
    DAMAGED = "damaged", _("Damaged")
    EXPIRED = "expired", _("Expired")
    STOLEN = "stolen", _("Stolen")
    LOST = "lost", _("Lost")
    PESTS = "pests", _("Pests or water")


class StockBalance(models.Model):
    """What is on the shelf now, per warehouse, item and lot. Follows from the ledger."""

    warehouse = models.ForeignKey(Warehouse, on_delete=models.PROTECT, related_name="balances")
    item = models.ForeignKey(Item, on_delete=models.PROTECT, related_name="+")
    lot = models.CharField(_("lot"), max_length=60, blank=True)
    expires_on = models.DateField(_("expires on"), null=True, blank=True)
    quantity = models.IntegerField(_("quantity"), default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["warehouse", "item", "lot"], name="balance_unique_lot"),
            models.CheckConstraint(
                condition=models.Q(quantity__gte=0), name="balance_never_negative"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.item_id} {self.lot}: {self.quantity}"


class Transfer(PublicIdModel):
    """Stock on its way from one warehouse to another: sent, then received."""

    class Status(models.TextChoices):
        IN_TRANSIT = "in_transit", _("In transit")
        RECEIVED = "received", _("Received")

    source = models.ForeignKey(Warehouse, on_delete=models.PROTECT, related_name="sent")
    destination = models.ForeignKey(Warehouse, on_delete=models.PROTECT, related_name="incoming")
    status = models.CharField(
        _("status"), max_length=12, choices=Status.choices, default=Status.IN_TRANSIT
    )
    sent_at = models.DateTimeField(auto_now_add=True)
    received_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-sent_at"]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(source=models.F("destination")), name="transfer_two_warehouses"
            )
        ]

    def __str__(self) -> str:
        return f"{self.source_id} -> {self.destination_id}"


class StockRequest(models.Model):
    """One write as the client sent it (a form post, an API call): its id, made by the client,
    is unique, so the same request sent twice is recorded once; the digest of its content
    tells a re-send (same content) from a conflicting reuse of the id."""

    uuid = models.UUIDField(unique=True)
    sha256 = models.CharField(max_length=64)
    warehouse = models.ForeignKey(Warehouse, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return str(self.uuid)


class StockMovement(PublicIdModel):
    """One line of the ledger: a signed change of one lot in one warehouse."""

    warehouse = models.ForeignKey(Warehouse, on_delete=models.PROTECT, related_name="movements")
    item = models.ForeignKey(Item, on_delete=models.PROTECT, related_name="+")
    lot = models.CharField(_("lot"), max_length=60, blank=True)
    expires_on = models.DateField(_("expires on"), null=True, blank=True)
    kind = models.CharField(_("movement"), max_length=16, choices=MovementKind.choices)
    quantity = models.IntegerField(_("quantity"))  # signed: + in, - out
    source = models.CharField(_("donor or supplier"), max_length=120, blank=True)
    reason = models.CharField(_("reason"), max_length=20, choices=LossReason.choices, blank=True)
    note = models.CharField(_("note"), max_length=200, blank=True)
    transfer = models.ForeignKey(
        Transfer, on_delete=models.PROTECT, null=True, blank=True, related_name="movements"
    )
    request = models.ForeignKey(
        StockRequest, on_delete=models.PROTECT, null=True, related_name="movements"
    )
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("stock movement")
        verbose_name_plural = _("stock movements")
        constraints = [
            models.CheckConstraint(condition=~models.Q(quantity=0), name="movement_not_zero")
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.quantity}"
