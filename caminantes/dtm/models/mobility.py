"""Mobility tracking: baseline assessments per admin area, collective sites, site assessments."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from caminantes.dtm.choices import BaselineDimension, SiteDimension, SiteType
from caminantes.dtm.models.base import SexAge, sex_age_adds_up
from caminantes.dtm.models.reference import Round
from caminantes.geo.models import AdminArea, Country, Place
from caminantes.lib.models import TimestampedModel


class BaselineAssessment(TimestampedModel, SexAge):
    """People on the move present in one admin area in one round (key informants)."""

    round = models.ForeignKey(
        Round, on_delete=models.PROTECT, related_name="baselines", verbose_name=_("round")
    )
    organization = models.ForeignKey(
        "accounts.Organization", on_delete=models.PROTECT, related_name="+"
    )
    country = models.ForeignKey(
        Country, on_delete=models.PROTECT, related_name="+", verbose_name=_("country")
    )
    admin_area = models.ForeignKey(
        AdminArea, on_delete=models.PROTECT, related_name="+", verbose_name=_("admin area")
    )
    assessed_on = models.DateField(_("assessment date"))
    households = models.PositiveIntegerField(_("households"), default=0)
    individuals = models.PositiveIntegerField(_("individuals"), default=0)
    key_informants = models.PositiveSmallIntegerField(_("key informants"), default=0)
    notes = models.TextField(_("notes"), blank=True)
    source = models.CharField(max_length=10)
    import_batch = models.ForeignKey(
        "dtm.DtmImport", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["round", "admin_area__name_es"]
        verbose_name = _("baseline assessment")
        verbose_name_plural = _("baseline assessments")
        constraints = [
            models.UniqueConstraint(fields=["round", "admin_area"], name="dtm_baseline_unique"),
            sex_age_adds_up("dtm_baseline_sex_age_total"),
            models.CheckConstraint(
                condition=Q(households__lte=F("individuals")), name="dtm_baseline_hh_le_people"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.admin_area} · {self.round}"


class BaselineBreakdown(models.Model):
    """origin_country / arrival_period / shelter_type: individuals; need_sector: severity."""

    assessment = models.ForeignKey(
        BaselineAssessment, on_delete=models.CASCADE, related_name="breakdowns"
    )
    dimension = models.CharField(max_length=15, choices=BaselineDimension.choices)
    code = models.CharField(max_length=30)
    value = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["assessment", "dimension", "code"], name="dtm_baseline_bd_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.dimension}:{self.code}={self.value}"


class CollectiveSite(TimestampedModel):
    """A shelter, collective centre or settlement where people on the move stay."""

    organization = models.ForeignKey(
        "accounts.Organization", on_delete=models.PROTECT, related_name="+"
    )
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
    place = models.ForeignKey(
        Place, on_delete=models.PROTECT, null=True, blank=True, related_name="+",
        verbose_name=_("town"),
    )  # fmt: skip
    name = models.CharField(_("name"), max_length=200)
    code = models.SlugField(_("code"), max_length=80)
    site_type = models.CharField(_("site type"), max_length=20, choices=SiteType.choices)
    latitude = models.DecimalField(
        _("latitude"), max_digits=9, decimal_places=6, null=True, blank=True
    )
    longitude = models.DecimalField(
        _("longitude"), max_digits=9, decimal_places=6, null=True, blank=True
    )
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["country__iso2", "name"]
        verbose_name = _("collective site")
        verbose_name_plural = _("collective sites")
        constraints = [
            models.UniqueConstraint(fields=["organization", "code"], name="dtm_site_code"),
        ]

    def __str__(self) -> str:
        return self.name


class SiteAssessment(TimestampedModel, SexAge):
    """A collective site in one round: capacity, occupancy by sex x age, services."""

    site = models.ForeignKey(
        CollectiveSite, on_delete=models.PROTECT, related_name="assessments",
        verbose_name=_("site"),
    )  # fmt: skip
    round = models.ForeignKey(
        Round, on_delete=models.PROTECT, related_name="site_assessments", verbose_name=_("round")
    )
    organization = models.ForeignKey(
        "accounts.Organization", on_delete=models.PROTECT, related_name="+"
    )
    country = models.ForeignKey(Country, on_delete=models.PROTECT, related_name="+")
    assessed_on = models.DateField(_("assessment date"))
    capacity = models.PositiveIntegerField(_("capacity (people)"))
    households = models.PositiveIntegerField(_("households"), default=0)
    individuals = models.PositiveIntegerField(_("people present"), default=0)
    notes = models.TextField(_("notes"), blank=True)
    source = models.CharField(max_length=10)
    import_batch = models.ForeignKey(
        "dtm.DtmImport", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["round", "site__name"]
        verbose_name = _("site assessment")
        verbose_name_plural = _("site assessments")
        constraints = [
            models.UniqueConstraint(fields=["site", "round"], name="dtm_site_assessment_unique"),
            sex_age_adds_up("dtm_site_sex_age_total"),
        ]

    def __str__(self) -> str:
        return f"{self.site} · {self.round}"

    @property
    def occupancy_rate(self) -> float | None:
        return self.individuals / self.capacity if self.capacity else None


class SiteAssessmentBreakdown(models.Model):
    """nationality: individuals; service: 1 when the service is available."""

    assessment = models.ForeignKey(
        SiteAssessment, on_delete=models.CASCADE, related_name="breakdowns"
    )
    dimension = models.CharField(max_length=12, choices=SiteDimension.choices)
    code = models.CharField(max_length=30)
    value = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["assessment", "dimension", "code"], name="dtm_site_bd_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.dimension}:{self.code}={self.value}"
