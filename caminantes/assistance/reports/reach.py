"""People reached by deliveries: distinct people by sex, age group and population type, per
sector and indicator, for one organisation in one country, over a period and at a place.

A registered person is counted once per indicator however many deliveries reached them
(under the sex, age and population type of their latest delivery in the period); someone
counted without a record is counted each time, as `delivery.people_reached` does. The
grouping is one SQL statement over the deliveries the policy door lets the reader see;
only the cells come back.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django import forms
from django.core.exceptions import EmptyResultSet
from django.db import connection
from django.db.models import Count, DateField, QuerySet, Sum
from django.db.models.functions import Trunc
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from caminantes.accounts import policies
from caminantes.accounts.models import Organization
from caminantes.accounts.permissions import Perm
from caminantes.assistance import delivery
from caminantes.assistance.delivery import indicator_label, sector_label
from caminantes.assistance.models import ServiceDelivery, ServiceDeliveryPerson
from caminantes.assistance.reports.periods import (
    Period,
    PeriodForm,
    bucket_for,
    bucket_start,
    next_bucket,
)
from caminantes.geo.models import Country, Place
from caminantes.lib.charts import Chart, Series, line_chart
from caminantes.lib.tables import Table
from caminantes.registry.models import PopulationType, Sex

# Who may read the aggregates: staff who see the organisation's personal data in the
# country (they could count the deliveries themselves), and those who report its 5W.
READERS = (Perm.VIEW_PERSONAL_DATA, Perm.REPORT_5W)

AGE_GROUPS = ("0-4", "5-11", "12-17", "18-59", "60+", "unknown")
UNKNOWN_AGE = "unknown"
_AGE_SQL = (
    "CASE WHEN p.age IS NULL THEN 'unknown' WHEN p.age < 5 THEN '0-4' "
    "WHEN p.age < 12 THEN '5-11' WHEN p.age < 18 THEN '12-17' "
    "WHEN p.age < 60 THEN '18-59' ELSE '60+' END"
)


def age_label(group: str) -> str:
    return _("Unknown age") if group == UNKNOWN_AGE else group


def may_read(user: Any) -> bool:
    return any(policies.has_perm(user, perm) for perm in READERS)


def deliveries_for_report(
    *, user: Any, organization: Organization | None, country: Country | None
) -> QuerySet[ServiceDelivery]:
    """The deliveries of the organisation and country the reader works in right now, as far
    as the policy lets them see deliveries (for personal data or for reporting)."""
    if organization is None or country is None:
        return ServiceDelivery.objects.none()
    seen = policies.visible(user, ServiceDelivery, READERS[0])
    for perm in READERS[1:]:
        seen = seen | policies.visible(user, ServiceDelivery, perm)
    return seen.filter(organization=organization, country=country)


class ReachForm(PeriodForm):
    sector = forms.ChoiceField(label=gettext_lazy("Sector"), required=False)
    place = forms.ModelChoiceField(
        label=gettext_lazy("Place"), queryset=Place.objects.none(), required=False,
        empty_label=gettext_lazy("All places"),
    )  # fmt: skip

    def __init__(self, data: Any = None, *, deliveries: QuerySet[ServiceDelivery]) -> None:
        super().__init__(data)
        sectors = deliveries.order_by("sector").values_list("sector", flat=True).distinct()
        self.fields["sector"].choices = [  # type: ignore[attr-defined]
            ("", _("All sectors")), *((s, sector_label(s)) for s in sectors),
        ]  # fmt: skip
        self.fields["place"].queryset = Place.objects.filter(  # type: ignore[attr-defined]
            pk__in=deliveries.exclude(place=None).values("place")
        ).order_by("name")

    def narrow(self, deliveries: QuerySet[ServiceDelivery]) -> QuerySet[ServiceDelivery]:
        period = self.period()
        qs = deliveries.filter(delivered_at__gte=period.since, delivered_at__lt=period.until)
        if self.is_bound and self.is_valid():
            if self.cleaned_data.get("sector"):
                qs = qs.filter(sector=self.cleaned_data["sector"])
            if self.cleaned_data.get("place"):
                qs = qs.filter(place=self.cleaned_data["place"])
        return qs


@dataclass
class Indicator:
    sector: str
    indicator: str
    deliveries: int = 0
    quantity: int = 0
    people: int = 0
    by_sex: dict[str, int] = field(default_factory=dict)
    by_age: dict[str, int] = field(default_factory=dict)
    by_population: dict[str, int] = field(default_factory=dict)

    @property
    def sector_label(self) -> str:
        return sector_label(self.sector)

    @property
    def indicator_label(self) -> str:
        return indicator_label(self.indicator)

    def row(self, counts: dict[str, int], columns: list[tuple[str, str]]) -> list[tuple[str, int]]:
        return [(label, counts.get(key, 0)) for key, label in columns]

    @property
    def sex_row(self) -> list[tuple[str, int]]:
        return self.row(self.by_sex, sex_columns())

    @property
    def age_row(self) -> list[tuple[str, int]]:
        return self.row(self.by_age, age_columns())

    @property
    def population_row(self) -> list[tuple[str, int]]:
        return self.row(self.by_population, population_columns())


@dataclass
class Reach:
    people: int  # distinct over every sector and indicator
    deliveries: int
    indicators: list[Indicator]
    cells: list[tuple[str, str, str, str, str, int]]  # sector, indicator, sex, age, pop, n


def cells(deliveries: QuerySet[ServiceDelivery]) -> list[tuple[str, str, str, str, str, int]]:
    """(sector, indicator, sex, age group, population type, people), registered people once
    per indicator: the window keeps each one's latest row."""
    try:
        sub, params = deliveries.order_by().values("pk").query.sql_with_params()
    except EmptyResultSet:  # nothing visible (`none()`): no statement to run
        return []
    people = ServiceDeliveryPerson._meta.db_table
    table = ServiceDelivery._meta.db_table
    sql = f"""
        SELECT sector, indicator, sex, age_group, population_type, COUNT(*) FROM (
            SELECT d.sector, d.indicator, p.sex, p.population_type, p.person_id,
                   {_AGE_SQL} AS age_group,
                   ROW_NUMBER() OVER (
                       PARTITION BY d.sector, d.indicator, p.person_id
                       ORDER BY d.delivered_at DESC, p.id DESC
                   ) AS rn
            FROM {people} p JOIN {table} d ON d.id = p.delivery_id
            WHERE p.delivery_id IN ({sub})
        ) r
        WHERE r.person_id IS NULL OR r.rn = 1
        GROUP BY sector, indicator, sex, age_group, population_type
        ORDER BY sector, indicator, sex, age_group, population_type
    """  # noqa: S608 - table names are ours, values are parameters
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return [tuple(row) for row in cursor.fetchall()]


def reach(deliveries: QuerySet[ServiceDelivery]) -> Reach:
    by_key: dict[tuple[str, str], Indicator] = {}
    for row in (
        deliveries.order_by()
        .values("sector", "indicator")
        .annotate(n=Count("pk"), q=Sum("quantity"))
        .order_by("sector", "indicator")
    ):
        by_key[(row["sector"], row["indicator"])] = Indicator(
            row["sector"], row["indicator"], deliveries=row["n"], quantity=row["q"] or 0
        )
    found = cells(deliveries)
    for sector, indicator, sex, age, population, n in found:
        ind = by_key.setdefault((sector, indicator), Indicator(sector, indicator))
        ind.people += n
        ind.by_sex[sex] = ind.by_sex.get(sex, 0) + n
        ind.by_age[age] = ind.by_age.get(age, 0) + n
        ind.by_population[population] = ind.by_population.get(population, 0) + n
    return Reach(
        people=delivery.people_reached(deliveries),
        deliveries=sum(i.deliveries for i in by_key.values()),
        indicators=list(by_key.values()),
        cells=found,
    )


def sex_columns() -> list[tuple[str, str]]:
    return [(value, str(label)) for value, label in Sex.choices]


def age_columns() -> list[tuple[str, str]]:
    return [(group, age_label(group)) for group in AGE_GROUPS]


def population_columns() -> list[tuple[str, str]]:
    return [(value, str(label)) for value, label in PopulationType.choices]


def table(result: Reach, period: Period, *, organization: Any, country: Any) -> Table:
    """Long format, one row per cell: what a pivot table or the 5W template wants."""
    sexes, populations = dict(sex_columns()), dict(population_columns())
    rows: list[list[Any]] = [
        [
            sector,
            sector_label(sector),
            indicator,
            indicator_label(indicator),
            sexes.get(sex, sex),
            age_label(age),
            populations.get(population, population),
            n,
        ]
        for sector, indicator, sex, age, population, n in result.cells
    ]
    notes = [
        (_("Organisation"), organization.acronym),
        (_("Country"), country.name),
        (_("From"), period.start.isoformat()),
        (_("To"), period.end.isoformat()),
        (_("Made on"), timezone.localtime().strftime("%Y-%m-%d %H:%M")),
        (_("Distinct people reached, all sectors"), str(result.people)),
        (_("Deliveries"), str(result.deliveries)),
        (
            _("Reading"),
            _(
                "A registered person is counted once per indicator, under the age and "
                "population type of their latest delivery; people counted without a "
                "record are counted each time."
            ),
        ),
    ]
    header = [
        _("Sector code"), _("Sector"), _("Indicator code"), _("Indicator"), _("Sex"),
        _("Age group"),
        _("Population type"), _("People"),
    ]  # fmt: skip
    return Table(name=_("People reached"), header=header, rows=rows, notes=notes)


def deliveries_chart(deliveries: QuerySet[ServiceDelivery], period: Period) -> Chart:
    """Deliveries per day, week or month of the period."""
    bucket = bucket_for(period)
    counted = dict(
        deliveries.order_by()
        .annotate(
            bucket=Trunc(
                "delivered_at",
                bucket,
                output_field=DateField(),
                tzinfo=timezone.get_current_timezone(),
            )
        )
        .values("bucket")
        .annotate(n=Count("pk"))
        .values_list("bucket", "n")
    )
    points: list[tuple[date, int]] = []
    day = bucket_start(period.start, bucket)
    while day <= period.end:
        points.append((day, counted.get(day, 0)))
        day = next_bucket(day, bucket)
    label = {"day": _("Day"), "week": _("Week from"), "month": _("Month")}[bucket]
    fmt = "%Y-%m" if bucket == "month" else "%d/%m/%Y"
    if not any(n for _d, n in points):
        points = []  # an empty chart says so in words rather than draw a flat line
    return line_chart(
        _("Deliveries over time"),
        [d.strftime(fmt) for d, _n in points],
        [Series(_("Deliveries"), [float(n) for _d, n in points])],
        label_header=label,
        empty_message=_("No deliveries in this period."),
    )
