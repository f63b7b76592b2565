"""5W reporting: the reference lists, the monthly reports and their activity rows.

A `Report` is one organisation's month in one country (draft -> submitted -> validated, or
returned with comments by the IMO); its `Activity` rows are the 5W rows of the R4V template.
Only rows of validated reports are counted (see `consolidate.py`); the dashboard reads
them added up per country and month (`Summary`, `CvaSummary`: see `summary.py`).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from caminantes.accounts.models import Organization
from caminantes.geo.models import AdminArea, Country
from caminantes.lib.models import PublicIdModel


class IndicatorType(models.TextChoices):
    DIRECT = "direct_assistance", _("Direct assistance")
    CAPACITY = "capacity_building", _("Capacity building")
    INFRASTRUCTURE = "infrastructure", _("Infrastructure")
    MECHANISM = "mechanism_advocacy", _("Mechanism/advocacy")
    OTHER = "other", _("Other")


class Sector(PublicIdModel):
    """An R4V sector, or a subsector (Child Protection, GBV, Human Trafficking & Smuggling)
    when it has a parent."""

    code = models.SlugField(_("code"), max_length=60, unique=True)
    name = models.CharField(_("name"), max_length=120)  # as R4V writes it (English)
    name_es = models.CharField(_("name (Spanish)"), max_length=120, blank=True)
    parent = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="subsectors"
    )
    # Protection sectors get small-cell suppression in public exports.
    protection = models.BooleanField(_("protection sector"), default=False)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("sector")

    def __str__(self) -> str:
        return self.name_es or self.name


class Indicator(PublicIdModel):
    """An RMRP indicator of one year's list."""

    year = models.PositiveSmallIntegerField(_("RMRP year"))
    code = models.CharField(_("code"), max_length=60)
    name = models.CharField(_("name"), max_length=400)
    sector = models.ForeignKey(Sector, on_delete=models.PROTECT, related_name="indicators")
    type = models.CharField(_("type"), max_length=20, choices=IndicatorType.choices)
    # Service-delivery indicator codes (assistance.delivery) counted under this indicator
    # when draft rows are generated from deliveries, separated by spaces.
    delivery_codes = models.CharField(_("service delivery codes"), max_length=400, blank=True)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["year", "sector__name", "name"]
        verbose_name = _("indicator")
        constraints = [
            models.UniqueConstraint(fields=["year", "code"], name="fivew_indicator_year_code"),
        ]

    def __str__(self) -> str:
        return self.name


class ReferenceItem(PublicIdModel):
    """Short lists the template offers: population types and CVA delivery mechanisms."""

    class Kind(models.TextChoices):
        POPULATION = "population_type", _("Population type")
        MECHANISM = "delivery_mechanism", _("CVA delivery mechanism")

    kind = models.CharField(_("list"), max_length=20, choices=Kind.choices)
    code = models.SlugField(_("code"), max_length=60)
    name = models.CharField(_("name"), max_length=120)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["kind", "name"]
        constraints = [
            models.UniqueConstraint(fields=["kind", "code"], name="fivew_refitem_kind_code"),
        ]

    def __str__(self) -> str:
        return self.name


class Admin1(PublicIdModel):
    """An admin-1 area as R4V names it, with its P-code and the geo area where one exists."""

    country = models.ForeignKey(Country, on_delete=models.PROTECT, related_name="+")
    name = models.CharField(_("name"), max_length=120)
    pcode = models.CharField(_("P-code"), max_length=20, blank=True)
    area = models.ForeignKey(
        AdminArea, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["country__iso2", "name"]
        verbose_name = _("admin-1 area")
        constraints = [
            models.UniqueConstraint(fields=["country", "name"], name="fivew_admin1_country_name"),
        ]

    def __str__(self) -> str:
        return self.name


class Status(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Submitted")
    VALIDATED = "validated", _("Validated")
    RETURNED = "returned", _("Returned with comments")


# Who moves a report where: the partner submits, the IMO validates or returns.
EDITABLE = (Status.DRAFT, Status.RETURNED)
TRANSITIONS = {
    "submit": (EDITABLE, Status.SUBMITTED),
    "validate": ((Status.SUBMITTED,), Status.VALIDATED),
    "return": ((Status.SUBMITTED, Status.VALIDATED), Status.RETURNED),
}


class Report(PublicIdModel):
    """One organisation's 5W month in one country."""

    organization = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="+")
    country = models.ForeignKey(Country, on_delete=models.PROTECT, related_name="+")
    month = models.DateField(_("month"))  # the first day of the month
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.DRAFT
    )
    comment = models.TextField(_("IMO comment"), blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-month", "organization__acronym"]
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "country", "month"], name="fivew_report_org_country_month"
            ),
            models.CheckConstraint(
                condition=models.Q(month__day=1), name="fivew_report_month_first_day"
            ),
        ]
        indexes = [models.Index(fields=["country", "status", "month"])]

    def __str__(self) -> str:
        return f"{self.organization} {self.country.iso2} {self.month:%Y-%m}"

    @property
    def editable(self) -> bool:
        return self.status in EDITABLE


class ReportEvent(models.Model):
    """A report's workflow trail, shown on the report (the audit log keeps it too)."""

    report = models.ForeignKey(Report, on_delete=models.CASCADE, related_name="events")
    action = models.CharField(max_length=20)
    status = models.CharField(max_length=10, choices=Status.choices)
    comment = models.TextField(blank=True)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["at", "pk"]

    def __str__(self) -> str:
        return f"{self.action} {self.at:%Y-%m-%d}"


# The age/sex groups and population types of the template, as model fields.
AGE_SEX_FIELDS = (
    "women_under18",
    "men_under18",
    "women_over18",
    "men_over18",
    "other_under18",
    "other_over18",
)
POPULATION_FIELDS = (
    "pop_in_destination",
    "pop_in_transit",
    "pop_host_community",
    "pop_pendular",
    "pop_colombian_returnees",
)
BREAKDOWN_FIELDS = POPULATION_FIELDS + AGE_SEX_FIELDS
# People reached are spread over population type x age/sex cells (the max-sector model):
# "unknown" takes a row's share when its breakdown is empty.
POPS = (*POPULATION_FIELDS, "pop_unknown")
AGES = (*AGE_SEX_FIELDS, "age_sex_unknown")
SPREAD = tuple((p, g) for p in POPS for g in AGES)  # 42 cells, this order everywhere
SPREAD_FIELDS = tuple(f"cell_{p}_{g}" for p, g in SPREAD)


class Activity(PublicIdModel):
    """One 5W row: partner x admin area x month x indicator x activity."""

    class Source(models.TextChoices):
        FORM = "form", _("Form")
        UPLOAD = "upload", _("Upload")
        DELIVERIES = "deliveries", _("Service deliveries")
        API = "api", _("API")

    report = models.ForeignKey(Report, on_delete=models.CASCADE, related_name="activities")
    admin1 = models.ForeignKey(Admin1, on_delete=models.PROTECT, related_name="+")
    admin2 = models.CharField(_("admin-2"), max_length=120, blank=True)
    implementation_setup = models.BooleanField(_("through an implementing partner"), default=False)
    implementing_partner = models.ForeignKey(
        Organization, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    # The indicator's sector: a subsector (GBV ...) when the indicator belongs to one.
    sector = models.ForeignKey(Sector, on_delete=models.PROTECT, related_name="+")
    indicator = models.ForeignKey(Indicator, on_delete=models.PROTECT, related_name="+")
    activity_name = models.CharField(_("activity name"), max_length=300, blank=True)
    activity_description = models.TextField(_("activity description"), blank=True)
    rmrp_activity = models.BooleanField(_("RMRP activity"), default=True)
    cva = models.BooleanField(_("CVA"), default=False)
    value_usd = models.DecimalField(
        _("value in USD"), max_digits=14, decimal_places=2, null=True, blank=True
    )
    delivery_mechanism = models.CharField(_("delivery mechanism"), max_length=60, blank=True)
    quantity_output = models.PositiveIntegerField(_("quantity of output"), null=True, blank=True)
    monthly_beneficiaries = models.PositiveIntegerField(
        _("total monthly beneficiaries"), null=True, blank=True
    )
    new_beneficiaries = models.PositiveIntegerField(
        _("new beneficiaries of the month"), null=True, blank=True
    )
    pop_in_destination = models.PositiveIntegerField(_("in destination"), default=0)
    pop_in_transit = models.PositiveIntegerField(_("in transit"), default=0)
    pop_host_community = models.PositiveIntegerField(_("host communities"), default=0)
    pop_pendular = models.PositiveIntegerField(_("pendulars"), default=0)
    pop_colombian_returnees = models.PositiveIntegerField(_("Colombian returnees"), default=0)
    women_under18 = models.PositiveIntegerField(_("women under 18"), default=0)
    men_under18 = models.PositiveIntegerField(_("men under 18"), default=0)
    other_under18 = models.PositiveIntegerField(_("other under 18"), default=0)
    women_over18 = models.PositiveIntegerField(_("women above 18"), default=0)
    men_over18 = models.PositiveIntegerField(_("men above 18"), default=0)
    other_over18 = models.PositiveIntegerField(_("other above 18"), default=0)
    source = models.CharField(max_length=12, choices=Source.choices, default=Source.FORM)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["pk"]
        indexes = [models.Index(fields=["report", "sector"])]

    def __str__(self) -> str:
        return f"{self.indicator} {self.admin1}"


class Summary(models.Model):
    """The people reached by one country's validated reports of one month, added up per
    admin-1 and sector (the activity's own sector: a subsector stays a subsector), from the
    rows that count (`consolidate.counted`): what the dashboard reads instead of the rows.

    Derived data, rebuilt for the country and month whenever a report of theirs is
    validated or leaves validated (`summary.rebuild`), or by `caminantes fivew summarise`.
    Holds ids, not names: renaming an area or a sector, or moving a subsector, needs no
    rebuild. The sums are the sum model's; the 42 cells (`SPREAD_FIELDS`, floating point)
    are each row's new beneficiaries spread over population type x age/sex, added up, for
    the max-sector model."""

    country = models.ForeignKey(Country, on_delete=models.CASCADE, related_name="+")
    month = models.DateField()
    admin1 = models.ForeignKey(Admin1, on_delete=models.CASCADE, related_name="+")
    sector = models.ForeignKey(Sector, on_delete=models.CASCADE, related_name="+")
    monthly_beneficiaries = models.BigIntegerField(default=0)
    new_beneficiaries = models.BigIntegerField(default=0)
    pop_in_destination = models.BigIntegerField(default=0)
    pop_in_transit = models.BigIntegerField(default=0)
    pop_host_community = models.BigIntegerField(default=0)
    pop_pendular = models.BigIntegerField(default=0)
    pop_colombian_returnees = models.BigIntegerField(default=0)
    women_under18 = models.BigIntegerField(default=0)
    men_under18 = models.BigIntegerField(default=0)
    other_under18 = models.BigIntegerField(default=0)
    women_over18 = models.BigIntegerField(default=0)
    men_over18 = models.BigIntegerField(default=0)
    other_over18 = models.BigIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["country", "month", "admin1", "sector"], name="fivew_summary_cell"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.country_id} {self.month:%Y-%m} {self.admin1_id} {self.sector_id}"


for _name in SPREAD_FIELDS:
    Summary.add_to_class(_name, models.FloatField(default=0))


class CvaSummary(models.Model):
    """The validated CVA rows of one country and month (every CVA row, counted as people
    reached or not) per sector and delivery mechanism: rows, USD value (empty when no row
    of the group gives one), new beneficiaries. Rebuilt with `Summary`."""

    country = models.ForeignKey(Country, on_delete=models.CASCADE, related_name="+")
    month = models.DateField()
    sector = models.ForeignKey(Sector, on_delete=models.CASCADE, related_name="+")
    delivery_mechanism = models.CharField(max_length=60, blank=True)
    rows = models.PositiveIntegerField(default=0)
    value_usd = models.DecimalField(max_digits=18, decimal_places=2, null=True)
    new_beneficiaries = models.BigIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["country", "month", "sector", "delivery_mechanism"],
                name="fivew_cvasummary_cell",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.country_id} {self.month:%Y-%m} {self.delivery_mechanism}"


class Upload(PublicIdModel):
    """A staged upload: the rows parsed and checked, waiting for the user to confirm. Nothing
    reaches the reports until then (aggregates only: no personal data in a 5W file)."""

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="+")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    filename = models.CharField(max_length=200)
    layout = models.CharField(max_length=20)
    rows = models.JSONField(default=list)  # [{"number": n, "values": {...}, "problems": [...]}]
    confirmed = models.BooleanField(default=False)
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return self.filename


class Publication(PublicIdModel):
    """An IMO published one country's year of validated aggregates for anyone to download."""

    country = models.ForeignKey(Country, on_delete=models.PROTECT, related_name="+")
    year = models.PositiveSmallIntegerField()
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    published_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["country", "year"], name="fivew_publication_year"),
        ]

    def __str__(self) -> str:
        return f"{self.country_id} {self.year}"
