"""The 5W dashboard's figures: KPIs, charts and the admin-1 map, from the summaries of the
validated rows (`summary`), beside the distinct registered people the platform's own deliveries
reached in the same countries, sectors and months."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.utils.safestring import SafeString
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _

from caminantes.assistance.models import ServiceDelivery
from caminantes.coordination.fivew import deliveries, summary
from caminantes.coordination.fivew.engine.reference import DELIVERY_MECHANISMS, POPULATION_TYPES
from caminantes.coordination.fivew.models import AGE_SEX_FIELDS, Sector
from caminantes.dtm.mapping.svg import MapArea, area_map
from caminantes.lib import charts
from caminantes.lib.charts import Chart

AGE_SEX_LABELS = {
    "women_under18": gettext_lazy("Women under 18"),
    "men_under18": gettext_lazy("Men under 18"),
    "other_under18": gettext_lazy("Other under 18"),
    "women_over18": gettext_lazy("Women 18 and over"),
    "men_over18": gettext_lazy("Men 18 and over"),
    "other_over18": gettext_lazy("Other 18 and over"),
}


def _lang(labels: dict[str, str]) -> str:
    return labels.get((get_language() or "es")[:2], labels["en"])


@dataclass
class Figures:
    totals: dict[str, int]
    max_sector: dict[str, int]
    by_country: list[dict[str, Any]]
    by_sector: list[dict[str, Any]]
    by_admin1: list[dict[str, Any]]
    cva: list[dict[str, Any]]
    registered: int | None
    charts: list[Chart] = field(default_factory=list)
    map: SafeString | None = None


def figures(
    summaries: summary.Summaries,
    *,
    countries: Any,
    start: date | None,
    end: date | None,
    sector: Sector | None,
) -> Figures:
    """The figures of the validated rows in `summaries` (the user's), for the filters: read
    from the summaries, equal to what `consolidate` computes from the rows."""
    s = summaries.filtered(
        countries=list(countries), start=start, end=end, sectors=[sector] if sector else []
    )
    t = summary.tables(s.reach)
    totals = t.totals
    maxed = summary.max_sector(s.reach)
    by_country, by_sector, by_admin1, by_month = t.by_country, t.by_sector, t.by_admin1, t.by_month
    # Sectors are added up under R4V's (English) names, as the exports write them; the page
    # shows the Spanish name to a Spanish reader, as the filter does.
    if (get_language() or "es")[:2] == "es":
        spanish = dict(Sector.objects.exclude(name_es="").values_list("name", "name_es"))
        by_sector = [{**r, "subsector": spanish.get(r["subsector"], r["subsector"])}
                     for r in by_sector]  # fmt: skip
    cva = summary.cva_by_mechanism(s.cva)
    for c in cva:
        c["label"] = _lang(DELIVERY_MECHANISMS.get(c["mechanism"], {"en": c["mechanism"] or "—"}))
    f = Figures(
        totals,
        maxed,
        by_country,
        by_sector,
        by_admin1,
        cva,
        registered_people(countries=countries, start=start, end=end, sector=sector),
    )
    f.charts = [
        charts.bar_chart(
            _("People reached by sector (new beneficiaries)"),
            [(r["subsector"], r["people_reached"]) for r in by_sector],
            label_header=_("Sector"),
            value_header=_("People reached"),
            empty_message=_("No validated rows for these filters."),
        ),
        charts.line_chart(
            _("Monthly beneficiaries and new beneficiaries by month"),
            [f"{r['month']:%Y-%m}" for r in by_month],
            [
                charts.Series(
                    _("Monthly beneficiaries"), [r["monthly_beneficiaries"] for r in by_month]
                ),
                charts.Series(_("New beneficiaries"), [r["people_reached"] for r in by_month]),
            ],
            label_header=_("Month"),
            empty_message=_("No validated rows for these filters."),
        ),
        charts.bar_chart(
            _("People reached by population type"),
            [(_lang(POPULATION_TYPES[k]), totals[k]) for k in POPULATION_TYPES],
            label_header=_("Population type"),
            value_header=_("People reached"),
            empty_message=_("No validated rows for these filters."),
        ),
        charts.bar_chart(
            _("People reached by age and sex"),
            [(str(AGE_SEX_LABELS[k]), totals[k]) for k in AGE_SEX_FIELDS],
            label_header=_("Age and sex"),
            value_header=_("People reached"),
            empty_message=_("No validated rows for these filters."),
        ),
        charts.bar_chart(
            _("CVA value by delivery mechanism (USD)"),
            [(c["label"], float(c["value_usd"])) for c in cva],
            label_header=_("Delivery mechanism"),
            value_header=_("USD"),
            empty_message=_("No validated CVA rows for these filters."),
        ),
    ]
    iso2 = {c.iso3: c.iso2 for c in countries}
    areas = [
        MapArea(
            iso2.get(r["country"], ""),
            r["admin1"],
            float(r["people_reached"]),
            charts.number(r["people_reached"]),
        )
        for r in by_admin1
        if r["admin1"] != "Country level"
    ]
    f.map = area_map(
        areas,
        title=_("People reached by admin-1 area"),
        countries=sorted({a.country for a in areas}) or [c.iso2 for c in countries],
    )
    return f


def registered_people(
    *, countries: Any, start: date | None, end: date | None, sector: Sector | None
) -> int | None:
    """Distinct registered people reached by the platform's deliveries in these countries
    and months (and the sector, when its code is one the deliveries use)."""
    qs = ServiceDelivery.objects.filter(country__in=list(countries))
    if start is not None:
        qs = qs.filter(delivered_at__gte=deliveries.month_bounds(start)[0])
    if end is not None:
        qs = qs.filter(delivered_at__lt=deliveries.month_bounds(end)[1])
    if sector is not None:
        qs = qs.filter(sector__in={sector.code, sector.code.replace("-", "_")})
    return deliveries.registered_people(qs)
