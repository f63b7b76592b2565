"""Mobility tracking figures: baselines by admin area and round, sites, needs by sector.

Everything is read through the access policy (an analyst of another country or area sees
only her part). Baseline assessments may be made at admin-1 or admin-2 level: at admin-1
the admin-2 rows are added up under their department or state. The change between rounds
is given for the areas assessed in both rounds (like for like); an area assessed only once
shows no change, and the totals say how many areas they compare.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from django import forms
from django.db.models import Q, QuerySet, Sum
from django.utils.translation import gettext_lazy as _

from caminantes.accounts import policies
from caminantes.accounts.permissions import Perm
from caminantes.dtm.choices import BaselineDimension, Sector
from caminantes.dtm.models import (
    BaselineAssessment,
    BaselineBreakdown,
    DtmApiFigure,
    Operation,
    Round,
    SiteAssessment,
)
from caminantes.geo.models import AdminArea, Country

SEVERITIES = (1, 2, 3, 4, 5)
SEVERE = 4  # severity 4 (severe) and 5 (extreme)


class MobilityFilterForm(forms.Form):
    round = forms.ModelChoiceField(
        label=_("Round"), queryset=Round.objects.none(), required=False, to_field_name="uuid",
        empty_label=_("Latest round"),
    )  # fmt: skip
    level = forms.TypedChoiceField(
        label=_("Admin level"), coerce=int, required=False, empty_value=None,
        choices=[(1, _("Admin 1 (department, state)")), (2, _("Admin 2 (municipality)"))],
    )  # fmt: skip
    country = forms.ModelChoiceField(
        label=_("Country"), queryset=Country.objects.none(), required=False,
        to_field_name="iso2", empty_label=_("All countries"),
    )  # fmt: skip

    def __init__(self, *args: Any, rounds: Any, countries: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["round"].queryset = rounds  # type: ignore[attr-defined]
        self.fields["country"].queryset = countries  # type: ignore[attr-defined]


@dataclass(frozen=True)
class MobilityFilters:
    round: Round | None
    level: int = 1
    country: Country | None = None

    def describe(self) -> dict[str, Any]:
        return {
            "round": self.round.number if self.round else "",
            "level": self.level,
            "country": self.country.iso2 if self.country else "",
        }


@dataclass
class AreaRow:
    area: AdminArea  # the admin-1 or admin-2 area of the row
    admin1: AdminArea
    by_round: dict[int, int] = field(default_factory=dict)  # round number -> individuals
    households: dict[int, int] = field(default_factory=dict)
    current: int | None = None
    previous: int | None = None

    @property
    def change(self) -> int | None:
        if self.current is None or self.previous is None:
            return None
        return self.current - self.previous

    @property
    def change_percent(self) -> float | None:
        if self.change is None or not self.previous:
            return None
        return 100 * self.change / self.previous


@dataclass
class SiteRow:
    assessment: SiteAssessment
    previous: int | None = None

    @property
    def occupancy(self) -> float | None:
        rate = self.assessment.occupancy_rate
        return None if rate is None else 100 * rate

    @property
    def over_capacity(self) -> bool:
        return self.assessment.individuals > self.assessment.capacity


@dataclass
class SectorRow:
    sector: str
    areas_by_severity: dict[int, int]
    people_severe: int  # people in the areas at severity 4 or 5
    areas: int

    @property
    def label(self) -> str:
        return str(dict(Sector.choices).get(self.sector, self.sector))

    @property
    def severe_areas(self) -> int:
        return sum(n for s, n in self.areas_by_severity.items() if s >= SEVERE)


@dataclass
class ApiRow:
    name: str
    pcode: str
    country: str
    current: int
    previous: int | None
    date: Any
    round_number: int | None

    @property
    def change(self) -> int | None:
        return None if self.previous is None else self.current - self.previous


@dataclass
class MobilityFigures:
    filters: MobilityFilters
    rounds: list[Round] = field(default_factory=list)  # rounds with baselines, in order
    previous_round: Round | None = None
    areas: list[AreaRow] = field(default_factory=list)
    totals_by_round: dict[int, int] = field(default_factory=dict)
    compared_areas: int = 0
    compared_current: int = 0
    compared_previous: int = 0
    sites: list[SiteRow] = field(default_factory=list)
    sectors: list[SectorRow] = field(default_factory=list)
    # (area, {sector: severity}) for the table of needs
    severity_grid: list[tuple[AdminArea, dict[str, int]]] = field(default_factory=list)
    api_rows: list[ApiRow] = field(default_factory=list)

    @property
    def current_total(self) -> int:
        number = self.filters.round.number if self.filters.round else None
        return self.totals_by_round.get(number, 0) if number is not None else 0

    @property
    def compared_change(self) -> int:
        return self.compared_current - self.compared_previous

    @property
    def compared_change_percent(self) -> float | None:
        if not self.compared_previous:
            return None
        return 100 * self.compared_change / self.compared_previous

    @property
    def site_capacity(self) -> int:
        return sum(s.assessment.capacity for s in self.sites)

    @property
    def site_people(self) -> int:
        return sum(s.assessment.individuals for s in self.sites)

    @property
    def sites_over_capacity(self) -> int:
        return sum(1 for s in self.sites if s.over_capacity)


def admin1_of(area: AdminArea) -> AdminArea:
    """The department or state an area lies in (itself at level 1)."""
    seen = 0
    while area.level > 1 and area.parent is not None and seen < 5:
        area = area.parent
        seen += 1
    return area


def visible_rounds(user: Any, operation: Operation) -> QuerySet[Round]:
    return policies.visible(user, Round, Perm.DTM_ANALYSE).filter(operation=operation)


def filters_from(form: MobilityFilterForm, rounds: QuerySet[Round]) -> MobilityFilters:
    """The chosen round, or the latest round with a baseline or a site assessment."""
    data = form.cleaned_data if form.is_valid() else {}
    chosen = data.get("round")
    if chosen is None:
        chosen = (
            rounds.filter(Q(baselines__isnull=False) | Q(site_assessments__isnull=False))
            .order_by("-number")
            .first()
        ) or rounds.order_by("-number").first()
    return MobilityFilters(chosen, data.get("level") or 1, data.get("country"))


def baselines(user: Any, operation: Operation, filters: MobilityFilters) -> QuerySet[Any]:
    qs = policies.visible(user, BaselineAssessment, Perm.DTM_ANALYSE).filter(
        round__operation=operation
    )
    if filters.country is not None:
        qs = qs.filter(country=filters.country)
    return qs


def site_assessments(user: Any, operation: Operation, filters: MobilityFilters) -> QuerySet[Any]:
    qs = policies.visible(user, SiteAssessment, Perm.DTM_ANALYSE).filter(round__operation=operation)
    if filters.country is not None:
        qs = qs.filter(country=filters.country)
    return qs


def mobility_figures(
    *, user: Any, operation: Operation, filters: MobilityFilters
) -> MobilityFigures:
    fig = MobilityFigures(filters=filters)
    # People and households per area and round, summed by PostgreSQL: every round of every
    # area is one row here, not one model instance with its round, area and country each
    # (3,152 baselines made 20,000 instances and 1.6 s of Python).
    sums = list(
        baselines(user, operation, filters)
        .order_by()
        .values("admin_area_id", "round_id", "round__number")
        .annotate(people=Sum("individuals"), homes=Sum("households"))
    )
    fig.rounds = list(Round.objects.filter(pk__in={s["round_id"] for s in sums}).order_by("number"))
    current = filters.round.number if filters.round else None
    earlier = [r for r in fig.rounds if current is not None and r.number < current]
    fig.previous_round = earlier[-1] if earlier else None
    previous = fig.previous_round.number if fig.previous_round else None
    places = AdminArea.objects.select_related(
        "country", "parent__country", "parent__parent__country"
    ).in_bulk({s["admin_area_id"] for s in sums})
    by_key: dict[int, AreaRow] = {}
    for s in sums:
        admin1 = admin1_of(places[s["admin_area_id"]])
        area = places[s["admin_area_id"]] if filters.level >= 2 else admin1
        row = by_key.setdefault(area.pk, AreaRow(area=area, admin1=admin1))
        n = s["round__number"]
        row.by_round[n] = row.by_round.get(n, 0) + s["people"]
        row.households[n] = row.households.get(n, 0) + s["homes"]
        fig.totals_by_round[n] = fig.totals_by_round.get(n, 0) + s["people"]
    for row in by_key.values():
        row.current = row.by_round.get(current) if current is not None else None
        row.previous = row.by_round.get(previous) if previous is not None else None
        if row.current is not None and row.previous is not None:
            fig.compared_areas += 1
            fig.compared_current += row.current
            fig.compared_previous += row.previous
    fig.areas = sorted(
        by_key.values(), key=lambda r: (-(r.current or 0), r.admin1.name, r.area.name)
    )
    if filters.round is not None:
        _sites(fig, user, operation, filters, previous)
        current_rows = list(
            baselines(user, operation, filters)
            .filter(round=filters.round)
            .select_related("admin_area__country")
        )
        _needs(fig, user, operation, filters, current_rows)
    fig.api_rows = api_figures(user, operation, filters)
    return fig


def _sites(
    fig: MobilityFigures, user: Any, operation: Operation, filters: MobilityFilters,
    previous: int | None,
) -> None:  # fmt: skip
    qs = site_assessments(user, operation, filters).select_related(
        "site", "site__admin_area", "site__place", "round", "country"
    )
    assessments = list(qs.filter(round__number__in=[filters.round.number, previous or -1]))  # type: ignore[union-attr]
    before = {a.site_id: a.individuals for a in assessments if a.round.number == previous}
    fig.sites = sorted(
        (
            SiteRow(a, before.get(a.site_id))
            for a in assessments
            if a.round.number == filters.round.number  # type: ignore[union-attr]
        ),
        key=lambda s: (-(s.occupancy or 0), s.assessment.site.name),
    )


def _needs(
    fig: MobilityFigures, user: Any, operation: Operation, filters: MobilityFilters,
    current: list[BaselineAssessment],
) -> None:  # fmt: skip
    """Severity (1-5) of each sector per area: the areas at each level, and the people in
    the areas where it is severe or extreme."""
    people = {b.pk: b.individuals for b in current}
    areas = {b.pk: b.admin_area for b in current}
    needs = policies.visible(user, BaselineBreakdown, Perm.DTM_ANALYSE).filter(
        assessment_id__in=list(people), dimension=BaselineDimension.NEED
    )
    by_sector: dict[str, dict[int, int]] = defaultdict(lambda: dict.fromkeys(SEVERITIES, 0))
    severe_people: dict[str, int] = defaultdict(int)
    grid: dict[int, dict[str, int]] = defaultdict(dict)
    for assessment_id, code, value in needs.values_list("assessment_id", "code", "value"):
        severity = min(max(int(value), 1), 5)
        by_sector[code][severity] += 1
        if severity >= SEVERE:
            severe_people[code] += people[assessment_id]
        grid[assessment_id][code] = severity
    order = {code: i for i, code in enumerate(Sector.values)}
    fig.sectors = sorted(
        (
            SectorRow(code, counts, severe_people[code], sum(counts.values()))
            for code, counts in by_sector.items()
        ),
        key=lambda s: (-s.severe_areas, -s.people_severe, order.get(s.sector, 99)),
    )
    fig.severity_grid = sorted(
        ((areas[pk], cells) for pk, cells in grid.items()), key=lambda item: item[0].name
    )


def api_figures(user: Any, operation: Operation, filters: MobilityFilters) -> list[ApiRow]:
    """IDP figures of the IOM DTM API (public) for the operation's countries at admin 1:
    the latest reporting date and the one before it."""
    countries = list(operation.countries.all())
    if filters.country is not None:
        countries = [c for c in countries if c.pk == filters.country.pk]
    qs = (
        policies.visible(user, DtmApiFigure)
        .filter(country__in=countries, admin_level=1)
        .select_related("country")
    )
    latest: dict[tuple[int | None, str], list[DtmApiFigure]] = defaultdict(list)
    for f in qs.order_by("-reporting_date"):
        latest[(f.country_id, f.admin1_pcode or f.admin1_name)].append(f)
    rows = []
    for figures in latest.values():
        now = figures[0]
        before = next((f for f in figures[1:] if f.reporting_date < now.reporting_date), None)
        rows.append(
            ApiRow(
                name=now.admin1_name,
                pcode=now.admin1_pcode,
                country=now.country.name if now.country else now.admin0_name,
                current=now.idps,
                previous=before.idps if before else None,
                date=now.reporting_date,
                round_number=now.round_number,
            )
        )
    return sorted(rows, key=lambda r: -r.current)
