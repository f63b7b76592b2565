"""Figures imported from the public IOM DTM API v3 (IDP admin 0/1/2 datasets)."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from caminantes.geo.models import Country
from caminantes.lib.models import PublicIdModel


class DtmApiFigure(PublicIdModel):
    """One row of an IDP admin-level dataset, as IOM publishes it (public data)."""

    admin_level = models.PositiveSmallIntegerField(_("admin level"))
    api_id = models.CharField(_("DTM API id"), max_length=64)
    operation = models.CharField(_("operation"), max_length=200)
    country = models.ForeignKey(Country, on_delete=models.PROTECT, null=True, related_name="+")
    admin0_name = models.CharField(max_length=200)
    admin0_pcode = models.CharField(max_length=10)
    admin1_name = models.CharField(max_length=200, blank=True)
    admin1_pcode = models.CharField(max_length=30, blank=True)
    admin2_name = models.CharField(max_length=200, blank=True)
    admin2_pcode = models.CharField(max_length=30, blank=True)
    idps = models.PositiveIntegerField(_("IDPs present"))
    reporting_date = models.DateField(_("reporting date"))
    round_number = models.PositiveIntegerField(_("round"), null=True, blank=True)
    assessment_type = models.CharField(max_length=50, blank=True)
    displacement_reason = models.CharField(max_length=100, blank=True)
    raw = models.JSONField(default=dict)
    imported_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-reporting_date", "admin0_name", "admin1_name", "admin2_name"]
        verbose_name = _("DTM API figure")
        verbose_name_plural = _("DTM API figures")
        indexes = [models.Index(fields=["admin0_pcode", "admin_level", "reporting_date"])]
        constraints = [
            models.UniqueConstraint(fields=["admin_level", "api_id"], name="dtm_api_figure_unique")
        ]

    def __str__(self) -> str:
        return f"{self.admin0_pcode} {self.admin1_name} {self.reporting_date}: {self.idps}"
