"""Operations, rounds and flow monitoring points."""

from __future__ import annotations

from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from caminantes.dtm.choices import MovementType, PointType, Service, TransportMode
from caminantes.geo.models import AdminArea, Country, Place
from caminantes.lib.models import PublicIdModel, TimestampedModel


class Operation(TimestampedModel):
    """An organisation's DTM operation (e.g. "Venezuela regional"), over some countries."""

    organization = models.ForeignKey(
        "accounts.Organization",
        on_delete=models.PROTECT,
        related_name="dtm_operations",
        verbose_name=_("organisation"),
    )
    name = models.CharField(_("name"), max_length=200)
    code = models.SlugField(_("code"), max_length=50)
    countries = models.ManyToManyField(Country, related_name="+", verbose_name=_("countries"))
    description = models.TextField(_("description"), blank=True)
    starts_on = models.DateField(_("starts on"))
    ends_on = models.DateField(_("ends on"), null=True, blank=True)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("DTM operation")
        verbose_name_plural = _("DTM operations")
        constraints = [
            models.UniqueConstraint(fields=["organization", "code"], name="dtm_operation_code"),
            models.CheckConstraint(
                condition=Q(ends_on__isnull=True) | Q(ends_on__gte=F("starts_on")),
                name="dtm_operation_ends_after_start",
            ),
        ]

    def __str__(self) -> str:
        return self.name


class Round(PublicIdModel):
    """Round N of an operation: the period a report covers."""

    operation = models.ForeignKey(
        Operation, on_delete=models.CASCADE, related_name="rounds", verbose_name=_("operation")
    )
    number = models.PositiveSmallIntegerField(_("number"))
    starts_on = models.DateField(_("starts on"))
    ends_on = models.DateField(_("ends on"))
    notes = models.TextField(_("notes"), blank=True)

    class Meta:
        ordering = ["operation", "number"]
        verbose_name = _("round")
        verbose_name_plural = _("rounds")
        constraints = [
            models.UniqueConstraint(fields=["operation", "number"], name="dtm_round_number"),
            models.CheckConstraint(
                condition=Q(ends_on__gte=F("starts_on")), name="dtm_round_ends_after_start"
            ),
            models.CheckConstraint(condition=Q(number__gte=1), name="dtm_round_number_min"),
        ]

    def __str__(self) -> str:
        return str(_("Round %(n)d") % {"n": self.number})


class FlowMonitoringPoint(TimestampedModel):
    """A flow monitoring point (FMP): a border crossing, bus terminal or transit point."""

    operation = models.ForeignKey(
        Operation, on_delete=models.PROTECT, related_name="points", verbose_name=_("operation")
    )
    organization = models.ForeignKey(
        "accounts.Organization",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("organisation"),
    )
    place = models.ForeignKey(
        Place,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="dtm_points",
        verbose_name=_("place"),
        help_text=_("The crossing or town on the map, when it is one of the known places."),
    )
    name = models.CharField(_("name"), max_length=200)
    code = models.SlugField(_("code"), max_length=80)
    country = models.ForeignKey(
        Country, on_delete=models.PROTECT, related_name="+", verbose_name=_("country")
    )
    admin_area = models.ForeignKey(
        AdminArea,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("admin area"),
    )
    latitude = models.DecimalField(_("latitude"), max_digits=9, decimal_places=6)
    longitude = models.DecimalField(_("longitude"), max_digits=9, decimal_places=6)
    point_type = models.CharField(_("point type"), max_length=20, choices=PointType.choices)
    # Lists of codes from dtm.choices; a handful per point, read with the point.
    movement_types = models.JSONField(_("movement types"), default=list, blank=True)
    transport_modes = models.JSONField(_("transport modes"), default=list, blank=True)
    services = models.JSONField(_("services"), default=list, blank=True)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["country__iso2", "name"]
        verbose_name = _("flow monitoring point")
        verbose_name_plural = _("flow monitoring points")
        constraints = [
            models.UniqueConstraint(fields=["operation", "code"], name="dtm_point_code"),
            models.CheckConstraint(
                condition=Q(latitude__gte=-90, latitude__lte=90)
                & Q(longitude__gte=-180, longitude__lte=180),
                name="dtm_point_coordinates_valid",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def labels(self, field: str) -> list[str]:
        """Translated labels of a list field (movement_types, transport_modes, services)."""
        choices = {
            "movement_types": MovementType,
            "transport_modes": TransportMode,
            "services": Service,
        }[field]
        known = dict(choices.choices)
        return [str(known.get(code, code)) for code in getattr(self, field)]

    @property
    def labels_movement(self) -> list[str]:
        return self.labels("movement_types")

    @property
    def labels_transport(self) -> list[str]:
        return self.labels("transport_modes")

    @property
    def labels_services(self) -> list[str]:
        return self.labels("services")
