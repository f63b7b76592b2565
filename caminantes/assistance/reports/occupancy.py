"""Shelter occupancy over time: per night, the beds a site had, the beds held and the rate,
as a page with a chart and as CSV or XLSX. The figures are the shelter's own
(`shelter.selectors.occupancy_by_night`); this module only lays them out."""

from __future__ import annotations

from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from caminantes.assistance.reports.periods import Period, PeriodForm
from caminantes.assistance.shelter.models import Site
from caminantes.assistance.shelter.selectors import (
    MAX_RANGE_DAYS,
    NightOccupancy,
    occupancy_by_night,
)
from caminantes.lib.charts import Chart, Series, line_chart
from caminantes.lib.tables import Table


class OccupancyForm(PeriodForm):
    """The period of an occupancy report: at most a year, night by night."""

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        start, end = data.get("start"), data.get("end")
        if start and end and start <= end and (end - start).days + 1 > MAX_RANGE_DAYS:
            self.add_error("start", gettext_lazy("Choose a period of at most one year."))
        return data


def nights(site: Site, period: Period) -> list[NightOccupancy]:
    return occupancy_by_night(site, period.start, period.end)


def header() -> list[str]:
    return [_("Night"), _("Beds"), _("Occupied beds"), _("Free beds"), _("Occupancy (%)")]


def table(site: Site, period: Period, rows: list[NightOccupancy]) -> Table:
    notes = [
        (_("Shelter"), site.name),
        (_("Organisation"), site.organization.acronym),
        (_("Country"), site.country.name),
        (_("From"), period.start.isoformat()),
        (_("To"), period.end.isoformat()),
        (_("Made on"), timezone.localtime().strftime("%Y-%m-%d %H:%M")),
        (_("Reading"), _("A bed is occupied on a night when a guest who arrived holds it.")),
    ]
    return Table(
        name=_("Occupancy"),
        header=header(),
        rows=[[n.night, n.beds, n.occupied, n.free, n.percent] for n in rows],
        notes=notes,
    )


def chart(rows: list[NightOccupancy]) -> Chart:
    return line_chart(
        _("Occupied beds per night"),
        [n.night.strftime("%d/%m") for n in rows],
        [
            Series(_("Beds"), [float(n.beds) for n in rows]),
            Series(_("Occupied beds"), [float(n.occupied) for n in rows]),
        ],
        label_header=_("Night"),
        empty_message=_("No beds in this period."),
        note=_("Beds the shelter had and beds held by guests, night by night."),
    )
