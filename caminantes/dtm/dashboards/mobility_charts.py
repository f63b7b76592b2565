"""Charts, key figures and the map of the mobility tracking dashboard, in the active language."""

from __future__ import annotations

from django.utils.safestring import SafeString
from django.utils.translation import gettext as _

from caminantes.dtm.charts import Chart, bar_chart, stacked_chart
from caminantes.dtm.choices import Sector
from caminantes.dtm.dashboards.figures import KeyFigure, signed_percent
from caminantes.dtm.dashboards.mobility import SEVERITIES, MobilityFigures
from caminantes.dtm.mapping.svg import SHADES, MapArea, MapPoint, area_map, classes, features_of
from caminantes.geo.models import AdminArea
from caminantes.lib.charts import number

TOP = 12


def sector_label(code: str) -> str:
    return str(dict(Sector.choices).get(code, code))


def severity_label(level: int) -> str:
    return {
        1: _("1 minimal"),
        2: _("2 stressed"),
        3: _("3 moderate"),
        4: _("4 severe"),
        5: _("5 extreme"),
    }[level]


def key_figures(fig: MobilityFigures) -> list[KeyFigure]:
    previous = fig.previous_round
    change_detail = (
        _("%(n)d areas assessed in rounds %(a)d and %(b)d: %(before)s → %(now)s")
        % {
            "n": fig.compared_areas,
            "a": previous.number,
            "b": fig.filters.round.number,
            "before": number(fig.compared_previous),
            "now": number(fig.compared_current),
        }
        if previous is not None and fig.filters.round is not None
        else _("No earlier round to compare with.")
    )
    over = fig.sites_over_capacity
    return [
        KeyFigure(_("People in the areas assessed"), number(fig.current_total),
                  _("%(n)d areas") % {"n": sum(1 for a in fig.areas if a.current is not None)}),
        KeyFigure(
            _("Change against the previous round"),
            f"{'+' if fig.compared_change > 0 else ''}{number(fig.compared_change)}"
            if previous is not None else "—",
            f"{signed_percent(fig.compared_change_percent)} · {change_detail}",
        ),
        KeyFigure(_("People in collective sites"), number(fig.site_people),
                  _("capacity %(c)s") % {"c": number(fig.site_capacity)}),
        KeyFigure(_("Sites over capacity"), f"{over} / {len(fig.sites)}"),
    ]  # fmt: skip


def charts(fig: MobilityFigures) -> dict[str, Chart]:
    current = [(a.area.name, float(a.current)) for a in fig.areas if a.current is not None]
    return {
        "areas": bar_chart(
            _("People by admin area"),
            current[:TOP],
            label_header=_("Admin area"),
            value_header=_("Individuals"),
            empty_message=_("No baseline assessment in this round."),
            note=_("The %(n)d areas with most people.") % {"n": TOP}
            if len(current) > TOP else "",
        ),
        "rounds": bar_chart(
            _("People in the areas assessed, by round"),
            [(_("Round %(n)d") % {"n": r.number}, float(fig.totals_by_round.get(r.number, 0)))
             for r in fig.rounds],
            label_header=_("Round"),
            value_header=_("Individuals"),
            empty_message=_("No baseline assessment yet."),
            note=_("Rounds may cover different areas: compare like for like in the table."),
        ),
        "occupancy": bar_chart(
            _("Site occupancy against capacity"),
            [(s.assessment.site.name, s.occupancy or 0.0) for s in fig.sites][:TOP],
            percent=True,
            label_header=_("Site"),
            value_header=_("% of capacity"),
            empty_message=_("No site assessment in this round."),
            note=_("Over 100 %: more people than the site's capacity."),
        ),
        "needs": stacked_chart(
            _("Needs by sector: admin areas at each severity"),
            [(sector_label(s.sector), [float(s.areas_by_severity[v]) for v in SEVERITIES])
             for s in fig.sectors],
            [severity_label(v) for v in SEVERITIES],
            label_header=_("Sector"),
            empty_message=_("No needs assessed in this round."),
            note=_("Severity from 1 (minimal) to 5 (extreme), as the key informants rated it."),
        ),
    }  # fmt: skip


def _map_name(area: AdminArea) -> str:
    """The area's name as the shipped boundaries spell it (Spanish, Portuguese or English)."""
    names = [n for n in (area.name_es, area.name_pt, area.name_en) if n]
    return next((n for n in names if features_of(area.country.iso2, n)), names[0] if names else "")


def legend(fig: MobilityFigures) -> list[tuple[str, str]]:
    """(colour, range) of the five classes of the map, as the map draws them."""
    by_admin1: dict[int, int] = {}
    for row in fig.areas:
        if row.current is not None:
            by_admin1[row.admin1.pk] = by_admin1.get(row.admin1.pk, 0) + row.current
    if not by_admin1:
        return []
    bounds = classes([float(v) for v in by_admin1.values()])
    lows = [0.0, *bounds[:-1]]
    return [(shade, f"{number(low)} – {number(high)}")  # noqa: RUF001
            for shade, low, high in zip(SHADES, lows, bounds, strict=True)]  # fmt: skip


def mobility_map(fig: MobilityFigures, countries: list[str]) -> SafeString:
    """Admin-1 areas shaded by the people present, sites sized by the people staying."""
    by_admin1: dict[int, tuple[str, str, int]] = {}
    for row in fig.areas:
        if row.current is None:
            continue
        a1 = row.admin1
        country, name, n = by_admin1.get(a1.pk, (a1.country.iso2, _map_name(a1), 0))
        by_admin1[a1.pk] = (country, name, n + row.current)
    areas = [MapArea(c, name, float(n), number(n)) for c, name, n in by_admin1.values()]
    points = []
    for s in fig.sites:
        site = s.assessment.site
        lat, lon = site.latitude, site.longitude
        if (lat is None or lon is None) and site.place is not None:
            lat, lon = site.place.latitude, site.place.longitude
        if lat is None or lon is None:
            continue
        label = _("%(people)s people, capacity %(capacity)s") % {
            "people": number(s.assessment.individuals),
            "capacity": number(s.assessment.capacity),
        }
        value = float(s.assessment.individuals)
        points.append(MapPoint(site.name, float(lat), float(lon), value, label, s.over_capacity))
    return area_map(
        areas,
        points,
        title=_("People by admin area and collective sites"),
        countries=countries or sorted({a.country for a in areas}),
    )
