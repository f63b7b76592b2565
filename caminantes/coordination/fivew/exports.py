"""The 5W exports: consolidated figures (CSV with HXL hashtags, XLSX), validated rows as HXL
(through the engine's writer, valid against the shipped schema), and the public aggregate
of a country's year, where the protection sectors' small cells are suppressed.

Protection in the public file: people reached per protection sector or subsector x admin-1
is one count table, protected by `lib.suppression` (cells of 1 to 4 shown as "<5", further
cells hidden as "x" so that no "<5" can be worked back from the totals published beside
them). Monthly beneficiaries and breakdowns are not published for protection at all: they
would give more equations to solve. Other sectors are published as they are (counts of
services, not of survivors)."""

from __future__ import annotations

import io
from datetime import date
from typing import Any

from django.db.models import QuerySet
from django.utils.translation import gettext as _

from caminantes.coordination.fivew import bridge, consolidate
from caminantes.coordination.fivew.engine import fields as F
from caminantes.coordination.fivew.models import BREAKDOWN_FIELDS, Activity, Sector
from caminantes.geo.models import Country
from caminantes.lib import suppression
from caminantes.lib.tables import Table

FIELD_TAGS = {
    F.POP_IN_DESTINATION: "#reached+dest",
    F.POP_IN_TRANSIT: "#reached+transit",
    F.POP_HOST_COMMUNITY: "#reached+host",
    F.POP_PENDULAR: "#reached+pendular",
    F.POP_COLOMBIAN_RETURNEES: "#reached+returnees",
    F.WOMEN_UNDER18: "#reached+f+children",
    F.MEN_UNDER18: "#reached+m+children",
    F.OTHER_UNDER18: "#reached+i+children",
    F.WOMEN_OVER18: "#reached+f+adults",
    F.MEN_OVER18: "#reached+m+adults",
    F.OTHER_OVER18: "#reached+i+adults",
}
NOTES = [
    (
        "#reached+total",
        "Total monthly beneficiaries (sum over months: counts a person once per month served)",
    ),
    (
        "#reached+new",
        "People reached: new beneficiaries summed over the months (custom attribute +new)",
    ),
    (
        "+transit +pendular +host +returnees",
        "Population types (custom attributes; +dest is standard)",
    ),
    ("counting", "Only validated RMRP activities under Direct Assistance indicators."),
]


def _filtered(qs: QuerySet[Activity], **filters: Any) -> QuerySet[Activity]:
    sector = filters.get("sector")
    return consolidate.filtered(
        qs,
        countries=filters.get("countries") or [],
        start=filters.get("start"),
        end=filters.get("end"),
        sectors=[sector] if sector else [],
    )


def consolidated_table(qs: QuerySet[Activity], **filters: Any) -> Table:
    """Per country x admin-1 x sector x subsector: monthly beneficiaries, people reached and
    their breakdowns (sum model)."""
    rows = consolidate.by(
        _filtered(qs, **filters), "country", "admin1", "admin1_pcode", "sector", "subsector"
    )
    header = [
        _("Country"),
        _("Admin-1"),
        _("P-code"),
        _("Sector"),
        _("Subsector"),
        _("Total monthly beneficiaries"),
        _("People reached"),
        *(F.label(f) for f in BREAKDOWN_FIELDS),
    ]
    tags = [
        "#country+code",
        "#adm1+name",
        "#adm1+code",
        "#sector",
        "#subsector",
        "#reached+total",
        "#reached+new",
        *(FIELD_TAGS[f] for f in BREAKDOWN_FIELDS),
    ]
    body = [
        [
            r["country"],
            r["admin1"],
            r["admin1_pcode"],
            r["sector"],
            r["subsector"] if r["subsector"] != r["sector"] else "",
            r["monthly_beneficiaries"],
            r["people_reached"],
            *(r[f] for f in BREAKDOWN_FIELDS),
        ]
        for r in rows
    ]
    return Table(name="5W", header=header, rows=body, hxl=tags, notes=NOTES)


def hxl_csv(qs: QuerySet[Activity], **filters: Any) -> str:
    """The validated rows, one per 5W row, through the engine's HXL writer."""
    from caminantes.coordination.fivew.engine import hxl

    out = io.StringIO()
    rows = bridge.rows_of(_filtered(qs, **filters).order_by("report__month", "pk"))
    hxl.write_hxl(rows, out, bridge.reference())
    return out.getvalue()


PUBLIC_HEADER = [
    "Country",
    "Admin1",
    "Admin1 P-code",
    "Sector",
    "Subsector",
    "Total monthly beneficiaries",
    "People reached",
]
PUBLIC_TAGS = [
    "#country+code",
    "#adm1+name",
    "#adm1+code",
    "#sector",
    "#subsector",
    "#reached+total",
    "#reached+new",
]
TOTAL_LABEL = "Total"


def public_table(country: Country, year: int) -> Table:
    """A country's validated year per admin-1 and sector, protection cells suppressed."""
    qs = consolidate.filtered(
        consolidate.validated(),
        countries=[country],
        start=date(year, 1, 1),
        end=date(year, 12, 1),
    )
    rows = consolidate.by(qs, "admin1", "admin1_pcode", "sector", "subsector")
    protection = set(Sector.objects.filter(protection=True).values_list("name", flat=True)) | set(
        Sector.objects.filter(parent__protection=True).values_list("name", flat=True)
    )
    pcode = {r["admin1"]: r["admin1_pcode"] for r in rows}
    body: list[list[Any]] = []
    protected = [r for r in rows if r["sector"] in protection or r["subsector"] in protection]
    for r in rows:
        if r in protected:
            continue
        sub = r["subsector"] if r["subsector"] != r["sector"] else ""
        body.append(
            [
                country.iso3,
                r["admin1"],
                r["admin1_pcode"],
                r["sector"],
                sub,
                r["monthly_beneficiaries"],
                r["people_reached"],
            ]
        )
    if protected:
        subs = tuple(sorted({r["subsector"] for r in protected}))
        areas = tuple(sorted({r["admin1"] for r in protected}))
        table = suppression.CountTable(
            name="protection",
            population="people_reached",
            rows=suppression.Dimension("subsector", subs),
            cols=suppression.Dimension("admin1", areas),
            counts={(r["subsector"], r["admin1"]): int(r["people_reached"]) for r in protected},
        )
        (published,) = suppression.protect([table])
        parent = {r["subsector"]: r["sector"] for r in protected}
        for sub in (*subs, suppression.TOTAL):
            for area in (*areas, suppression.TOTAL):
                shown = published.shown(sub, area)
                if (
                    sub != suppression.TOTAL
                    and area != suppression.TOTAL
                    and not (table.value(sub, area) or shown.mark)
                ):
                    continue  # a zero cell that had no row: not listed, as for other sectors
                sector = parent.get(sub, "Protection") if sub != suppression.TOTAL else "Protection"
                body.append(
                    [
                        country.iso3,
                        TOTAL_LABEL if area == suppression.TOTAL else area,
                        "" if area == suppression.TOTAL else pcode.get(area, ""),
                        sector,
                        TOTAL_LABEL if sub == suppression.TOTAL else (sub if sub != sector else ""),
                        "",
                        str(shown),
                    ]
                )
    notes = [
        *NOTES,
        ("<5", "Protection: between 1 and 4 people (suppressed)"),
        ("x", "Protection: hidden so that a suppressed cell cannot be worked out from totals"),
    ]
    return Table(
        name=f"5W {country.iso3} {year}",
        header=PUBLIC_HEADER,
        rows=body,
        hxl=PUBLIC_TAGS,
        notes=notes,
    )
