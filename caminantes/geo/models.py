from __future__ import annotations

from django.db import models
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from caminantes.lib.models import PublicIdModel


class LocalisedName(models.Model):
    """Names in the three languages Caminantes ships; `name` follows the active language."""

    name_es = models.CharField(_("name (Spanish)"), max_length=200)
    name_pt = models.CharField(_("name (Portuguese)"), max_length=200)
    name_en = models.CharField(_("name (English)"), max_length=200)

    class Meta:
        abstract = True

    def __str__(self) -> str:
        return self.name

    @property
    def name(self) -> str:
        lang = (get_language() or "es")[:2]
        return str(getattr(self, f"name_{lang}", "") or self.name_es or self.name_en)


class Country(PublicIdModel, LocalisedName):
    iso2 = models.CharField(_("ISO 3166-1 alpha-2"), max_length=2, unique=True)
    iso3 = models.CharField(_("ISO 3166-1 alpha-3"), max_length=3, unique=True)
    pcode = models.CharField(_("P-code"), max_length=10, blank=True)
    is_origin = models.BooleanField(_("country of origin"), default=False)
    is_host = models.BooleanField(_("host country"), default=False)

    class Meta:
        ordering = ["name_es"]
        verbose_name = _("country")
        verbose_name_plural = _("countries")


class AdminArea(PublicIdModel, LocalisedName):
    """A first-level (or lower) administrative area: department, state, province, region."""

    country = models.ForeignKey(Country, on_delete=models.PROTECT, related_name="areas")
    parent = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="children"
    )
    level = models.PositiveSmallIntegerField(_("level"), default=1)
    iso_code = models.CharField(_("ISO 3166-2 code"), max_length=10, blank=True)
    pcode = models.CharField(_("P-code"), max_length=20, blank=True)
    area_type = models.CharField(_("type"), max_length=80, blank=True)

    class Meta:
        ordering = ["country__iso2", "name_es"]
        verbose_name = _("administrative area")
        verbose_name_plural = _("administrative areas")
        constraints = [
            models.UniqueConstraint(
                fields=["iso_code"], condition=~models.Q(iso_code=""), name="geo_area_iso_unique"
            ),
            models.UniqueConstraint(
                fields=["pcode"], condition=~models.Q(pcode=""), name="geo_area_pcode_unique"
            ),
            models.CheckConstraint(condition=models.Q(level__gte=1), name="geo_area_level_min"),
        ]


class Place(PublicIdModel):
    """A named point on the map: a town (from GeoNames) or a border crossing point."""

    class Kind(models.TextChoices):
        TOWN = "town", _("Town")
        CROSSING = "crossing", _("Border crossing point")

    class CrossingType(models.TextChoices):
        LAND = "land", _("Land")
        MARITIME = "maritime", _("Maritime")
        AIR = "air", _("Air")
        RIVER = "river", _("River")

    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    name = models.CharField(_("name"), max_length=200)
    slug = models.SlugField(_("code"), max_length=80, unique=True)
    country = models.ForeignKey(Country, on_delete=models.PROTECT, related_name="places")
    admin_area = models.ForeignKey(
        AdminArea, on_delete=models.PROTECT, null=True, blank=True, related_name="places"
    )
    latitude = models.DecimalField(_("latitude"), max_digits=9, decimal_places=6)
    longitude = models.DecimalField(_("longitude"), max_digits=9, decimal_places=6)
    geonameid = models.PositiveIntegerField(_("GeoNames id"), null=True, blank=True, unique=True)
    population = models.PositiveIntegerField(_("population"), null=True, blank=True)
    crossing_type = models.CharField(
        _("crossing type"), max_length=20, choices=CrossingType.choices, blank=True
    )
    counterpart_country = models.ForeignKey(
        Country,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("country on the other side"),
    )
    description = models.TextField(_("description"), blank=True)

    class Meta:
        ordering = ["country__iso2", "name"]
        verbose_name = _("place")
        verbose_name_plural = _("places")
        indexes = [models.Index(fields=["kind", "country"])]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(latitude__gte=-90, latitude__lte=90)
                & models.Q(longitude__gte=-180, longitude__lte=180),
                name="geo_place_coordinates_valid",
            ),
        ]

    def __str__(self) -> str:
        return self.name
