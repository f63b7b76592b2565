"""Flow counts (raw tally sheets) and the daily rollup dashboards read."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from caminantes.dtm.choices import CountDimension, Direction, FlowType, Source
from caminantes.dtm.models.base import SexAge, sex_age_adds_up
from caminantes.dtm.models.reference import FlowMonitoringPoint, Operation
from caminantes.geo.models import Country
from caminantes.lib.undo import undo_open


class FlowCount(SexAge):
    """One tally sheet: people seen at a point during one shift, going one way.

    `uuid` is made by the client (tally page, ODK instanceID, Kobo _uuid) so a resend is
    recognised. Write only through `dtm.intake`; it keeps the daily rollup in step.
    """

    uuid = models.UUIDField(unique=True, editable=False)
    point = models.ForeignKey(
        FlowMonitoringPoint,
        on_delete=models.PROTECT,
        related_name="counts",
        verbose_name=_("flow monitoring point"),
    )
    # Copied from the point: scoping and dashboard filters need no join on millions of rows.
    organization = models.ForeignKey(
        "accounts.Organization", on_delete=models.PROTECT, related_name="+"
    )
    country = models.ForeignKey(Country, on_delete=models.PROTECT, related_name="+")
    operation = models.ForeignKey(Operation, on_delete=models.PROTECT, related_name="+")
    observed_on = models.DateField(_("date"))
    shift_start = models.TimeField(_("observation start"))
    shift_end = models.TimeField(_("observation end"))
    direction = models.CharField(_("direction"), max_length=10, choices=Direction.choices)
    flow_type = models.CharField(_("flow type"), max_length=10, choices=FlowType.choices)
    individuals = models.PositiveIntegerField(_("individuals"), default=0)
    groups = models.PositiveIntegerField(_("groups"), default=0)
    unaccompanied_children = models.PositiveIntegerField(_("unaccompanied children"), default=0)
    pregnant_lactating = models.PositiveIntegerField(_("pregnant or lactating women"), default=0)
    with_disabilities = models.PositiveIntegerField(_("persons with disabilities"), default=0)
    enumerator = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("enumerator"),
    )
    source = models.CharField(_("source"), max_length=10, choices=Source.choices)
    import_batch = models.ForeignKey(
        "dtm.DtmImport", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    # SHA-256 of the normalised submission: same uuid + same digest = a harmless resend.
    content_sha256 = models.CharField(max_length=64)
    created_at = models.DateTimeField(auto_now_add=True)
    voided_at = models.DateTimeField(_("voided"), null=True, blank=True)

    class Meta:
        ordering = ["-observed_on", "-shift_start"]
        verbose_name = _("flow count")
        verbose_name_plural = _("flow counts")
        indexes = [
            models.Index(fields=["point", "observed_on"], name="dtm_count_point_day"),
            models.Index(fields=["operation", "observed_on"], name="dtm_count_op_day"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(shift_end__gt=F("shift_start")), name="dtm_count_shift_order"
            ),
            sex_age_adds_up("dtm_count_sex_age_total"),
            models.CheckConstraint(
                condition=Q(
                    unaccompanied_children__lte=F("female_0_5")
                    + F("female_6_17")
                    + F("male_0_5")
                    + F("male_6_17")
                ),
                name="dtm_count_unaccompanied_le_children",
            ),
            models.CheckConstraint(
                condition=Q(groups__lte=F("individuals")), name="dtm_count_groups_le_people"
            ),
            models.CheckConstraint(
                condition=Q(direction__in=Direction.values), name="dtm_count_direction_known"
            ),
            models.CheckConstraint(
                condition=Q(flow_type__in=FlowType.values), name="dtm_count_flow_type_known"
            ),
            models.CheckConstraint(
                condition=Q(pregnant_lactating__lte=F("female_6_17") + F("female_18_59")),
                name="dtm_count_pregnant_le_women",
            ),
            models.CheckConstraint(
                condition=Q(with_disabilities__lte=F("individuals")),
                name="dtm_count_disabilities_le_people",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.point} {self.observed_on} {self.shift_start:%H:%M}-{self.shift_end:%H:%M}"

    @property
    def void_undoable(self) -> bool:
        """Voided a moment ago: the voiding can still be undone (`lib.undo`)."""
        return undo_open(self.voided_at)


class FlowCountBreakdown(models.Model):
    """Individuals of one sheet by nationality, transport mode or final destination."""

    count = models.ForeignKey(FlowCount, on_delete=models.CASCADE, related_name="breakdowns")
    dimension = models.CharField(max_length=12, choices=CountDimension.choices)
    code = models.CharField(max_length=20)  # ISO 3166-1 alpha-2, or a TransportMode code
    individuals = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["count", "dimension", "code"], name="dtm_count_breakdown_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.dimension}:{self.code}={self.individuals}"


class RollupScope(models.Model):
    """Point, and what scoping and filters need without a join (copied from the point)."""

    point = models.ForeignKey(FlowMonitoringPoint, on_delete=models.CASCADE, related_name="+")
    organization = models.ForeignKey(
        "accounts.Organization", on_delete=models.CASCADE, related_name="+"
    )
    country = models.ForeignKey(Country, on_delete=models.CASCADE, related_name="+")
    operation = models.ForeignKey(Operation, on_delete=models.CASCADE, related_name="+")

    class Meta:
        abstract = True


class FlowTotals(RollupScope, SexAge):
    """A rollup row of totals: direction, flow type, sheets, individuals, sex x age."""

    direction = models.CharField(max_length=10, choices=Direction.choices)
    flow_type = models.CharField(max_length=10, choices=FlowType.choices)
    sheets = models.PositiveIntegerField(default=0)
    individuals = models.PositiveIntegerField(default=0)
    groups = models.PositiveIntegerField(default=0)
    unaccompanied_children = models.PositiveIntegerField(default=0)
    pregnant_lactating = models.PositiveIntegerField(default=0)
    with_disabilities = models.PositiveIntegerField(default=0)

    class Meta:
        abstract = True


class FlowParts(RollupScope):
    """A rollup row of one breakdown cell: direction, flow type, dimension, code, individuals."""

    direction = models.CharField(max_length=10, choices=Direction.choices)
    flow_type = models.CharField(max_length=10, choices=FlowType.choices)
    dimension = models.CharField(max_length=12, choices=CountDimension.choices)
    code = models.CharField(max_length=20)
    individuals = models.PositiveIntegerField(default=0)

    class Meta:
        abstract = True


class FlowDaily(FlowTotals):
    """Rollup: one point, one day, one direction, one flow type. `dtm.rollup` only."""

    day = models.DateField()

    class Meta:
        ordering = ["day", "point", "direction", "flow_type"]
        indexes = [
            models.Index(fields=["operation", "day"], name="dtm_daily_op_day"),
            models.Index(fields=["country", "day"], name="dtm_daily_country_day"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["point", "day", "direction", "flow_type"], name="dtm_daily_unique"
            ),
            sex_age_adds_up("dtm_daily_sex_age_total"),
        ]

    def __str__(self) -> str:
        return f"{self.point_id} {self.day} {self.direction} {self.flow_type}: {self.individuals}"


class FlowDailyBreakdown(FlowParts):
    """Rollup of FlowCountBreakdown: point x day x direction x flow type x dimension x code."""

    day = models.DateField()

    class Meta:
        indexes = [
            # Dashboards read the days at the edges of a period here, all dimensions at once.
            models.Index(fields=["operation", "day"], name="dtm_dailybd_op_day"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["point", "day", "direction", "flow_type", "dimension", "code"],
                name="dtm_dailybd_unique",
            )
        ]

    def __str__(self) -> str:
        return f"{self.point_id} {self.day} {self.dimension}:{self.code}={self.individuals}"


class FlowMonthly(FlowTotals):
    """Rollup of FlowDaily by calendar month (`month` is its first day).

    Long periods read whole months here and only the days at their edges from FlowDaily,
    so four years cost about fifty rows per point instead of fifteen hundred.
    """

    month = models.DateField()

    class Meta:
        indexes = [models.Index(fields=["operation", "month"], name="dtm_monthly_op_month")]
        constraints = [
            models.UniqueConstraint(
                fields=["point", "month", "direction", "flow_type"], name="dtm_monthly_unique"
            ),
            sex_age_adds_up("dtm_monthly_sex_age_total"),
        ]

    def __str__(self) -> str:
        return f"{self.point_id} {self.month:%Y-%m} {self.direction}: {self.individuals}"


class FlowMonthlyBreakdown(FlowParts):
    """Rollup of FlowDailyBreakdown by calendar month."""

    month = models.DateField()

    class Meta:
        indexes = [models.Index(fields=["operation", "month"], name="dtm_monthlybd_op_month")]
        constraints = [
            models.UniqueConstraint(
                fields=["point", "month", "direction", "flow_type", "dimension", "code"],
                name="dtm_monthlybd_unique",
            )
        ]

    def __str__(self) -> str:
        return f"{self.point_id} {self.month:%Y-%m} {self.dimension}:{self.code}={self.individuals}"


class MonitoredDay(RollupScope):
    """Monitoring effort: one point on one day with at least one live sheet, and the number
    of distinct shifts (start-end) counted there. Averages per monitored day and per shift
    and the effort-adjusted change read it. Maintained by `dtm.rollup` only."""

    day = models.DateField()
    shifts = models.PositiveIntegerField(default=0)

    class Meta:
        indexes = [
            models.Index(fields=["operation", "day"], name="dtm_monitored_op_day"),
        ]
        constraints = [
            models.UniqueConstraint(fields=["point", "day"], name="dtm_monitored_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.point_id} {self.day}: {self.shifts} shifts"
