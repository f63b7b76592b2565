"""Distribution plans and the handovers recorded at their desk.

A plan says which kit goes to whom (population types, household size, specific needs, area),
how many by household size (a small table of bands), how often (the minimum interval between
two handovers to the same household) and how many households a day the site can serve. The
distribution list is not stored: it follows from the rules and the registry
(`assistance.distribution`).

A handover is one kit collection by one household. Its `uuid` is made by the client (the
browser, offline if need be), unique, so a handover sent again is recorded once; `sha256` is
the digest of what was asked, which tells a re-send from a reuse of the id.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from caminantes.accounts.models import Organization
from caminantes.assistance.models.catalogue import Kit
from caminantes.assistance.models.delivery import ServiceDelivery
from caminantes.assistance.models.stock import StockRequest, Warehouse
from caminantes.geo.models import AdminArea, Country, Place
from caminantes.lib.models import PublicIdModel
from caminantes.registry.models import Household, Person


class DistributionPlan(PublicIdModel):
    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        OPEN = "open", _("Open")
        CLOSED = "closed", _("Closed")

    organization = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="+")
    country = models.ForeignKey(Country, on_delete=models.PROTECT, related_name="+")
    name = models.CharField(_("name"), max_length=120)
    site = models.ForeignKey(
        Place, on_delete=models.PROTECT, related_name="+", verbose_name=_("site")
    )
    warehouse = models.ForeignKey(
        Warehouse, on_delete=models.PROTECT, related_name="plans", verbose_name=_("warehouse")
    )
    kit = models.ForeignKey(Kit, on_delete=models.PROTECT, related_name="+", verbose_name=_("kit"))
    # Eligibility: an empty list means "any".
    population_types = models.JSONField(_("population types"), default=list, blank=True)
    specific_needs = models.JSONField(_("specific needs (any of)"), default=list, blank=True)
    min_household_size = models.PositiveSmallIntegerField(_("smallest household"), default=1)
    max_household_size = models.PositiveSmallIntegerField(
        _("largest household"), null=True, blank=True
    )
    area = models.ForeignKey(
        AdminArea, on_delete=models.PROTECT, null=True, blank=True, related_name="+",
        verbose_name=_("area (and the areas within it)"),
    )  # fmt: skip
    interval_days = models.PositiveSmallIntegerField(
        _("days between two distributions to a household"), default=30
    )
    daily_cap = models.PositiveIntegerField(_("households per day"), null=True, blank=True)
    starts_on = models.DateField(_("starts on"))
    ends_on = models.DateField(_("ends on"))
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.DRAFT
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-starts_on", "name"]
        verbose_name = _("distribution plan")
        verbose_name_plural = _("distribution plans")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ends_on__gte=models.F("starts_on")), name="plan_dates_in_order"
            ),
            models.CheckConstraint(
                condition=models.Q(max_household_size__isnull=True)
                | models.Q(max_household_size__gte=models.F("min_household_size")),
                name="plan_sizes_in_order",
            ),
            models.CheckConstraint(
                condition=models.Q(daily_cap__isnull=True) | models.Q(daily_cap__gt=0),
                name="plan_daily_cap_positive",
            ),
        ]

    def __str__(self) -> str:
        return self.name


class QuantityBand(models.Model):
    """`quantity` kits for a household of `min_size` to `max_size` people (no upper end when
    empty)."""

    plan = models.ForeignKey(DistributionPlan, on_delete=models.CASCADE, related_name="bands")
    min_size = models.PositiveSmallIntegerField(_("from (people)"))
    max_size = models.PositiveSmallIntegerField(_("to (people)"), null=True, blank=True)
    quantity = models.PositiveSmallIntegerField(_("kits"))

    class Meta:
        ordering = ["min_size"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "min_size"], name="band_unique_start"),
            models.CheckConstraint(
                condition=models.Q(quantity__gt=0), name="band_quantity_positive"
            ),
            models.CheckConstraint(condition=models.Q(min_size__gt=0), name="band_min_positive"),
            models.CheckConstraint(
                condition=models.Q(max_size__isnull=True)
                | models.Q(max_size__gte=models.F("min_size")),
                name="band_sizes_in_order",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.min_size}-{self.max_size or '+'}: {self.quantity}"

    def covers(self, size: int) -> bool:
        return self.min_size <= size and (self.max_size is None or size <= self.max_size)


class Handover(models.Model):
    """A household collected its kits. Also a service delivery (`delivery`) and a stock issue
    (`stock_request`), written in the same transaction."""

    uuid = models.UUIDField(unique=True, editable=False)  # made by the client
    sha256 = models.CharField(max_length=64)
    plan = models.ForeignKey(DistributionPlan, on_delete=models.PROTECT, related_name="handovers")
    household = models.ForeignKey(Household, on_delete=models.PROTECT, related_name="+")
    quantity = models.PositiveSmallIntegerField(_("kits"))
    collected_by = models.ForeignKey(
        Person, on_delete=models.PROTECT, null=True, blank=True, related_name="+",
        verbose_name=_("collected by"),
    )  # fmt: skip
    proxy_name = models.CharField(_("proxy's name"), max_length=200, blank=True)
    proxy_consent = models.BooleanField(_("the household agreed to this proxy"), default=False)
    stock_request = models.ForeignKey(
        StockRequest, on_delete=models.PROTECT, null=True, related_name="+"
    )
    delivery = models.ForeignKey(ServiceDelivery, on_delete=models.PROTECT, related_name="+")
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    day = models.DateField(_("day"))
    handed_at = models.DateTimeField(_("handed over at"))

    class Meta:
        ordering = ["-handed_at", "-pk"]
        verbose_name = _("handover")
        verbose_name_plural = _("handovers")
        indexes = [
            models.Index(fields=["plan", "day"]),
            models.Index(fields=["household", "day"]),
        ]
        constraints = [
            # One household, one handover a day per plan: the interval rule's floor in the
            # database (the household row lock enforces the whole interval).
            models.UniqueConstraint(
                fields=["plan", "household", "day"], name="handover_once_a_day"
            ),
            models.CheckConstraint(condition=models.Q(quantity__gt=0), name="handover_quantity"),
            models.CheckConstraint(
                condition=(models.Q(collected_by__isnull=False) & models.Q(proxy_name=""))
                | (
                    models.Q(collected_by__isnull=True)
                    & ~models.Q(proxy_name="")
                    & models.Q(proxy_consent=True)
                ),
                name="handover_member_or_consented_proxy",
            ),
        ]

    def __str__(self) -> str:
        return str(self.uuid)


class PlanChange(models.Model):
    """A correction of a plan's rules sent through the API with the client's request id: the
    id (unique), the digest of what was asked and which fields changed, so a re-send answers
    200 and changes nothing, and a reuse of the id with other content is refused."""

    uuid = models.UUIDField(unique=True, editable=False)  # made by the client
    sha256 = models.CharField(max_length=64)
    plan = models.ForeignKey(DistributionPlan, on_delete=models.PROTECT, related_name="changes")
    fields = models.JSONField(default=list)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    changed_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-changed_at", "-pk"]

    def __str__(self) -> str:
        return str(self.uuid)
