"""Mobility tracking exports (CSV, XLSX, HXL-tagged CSV): three tables of one operation.

- `areas`: one row per baseline assessment (admin area x round), people by sex and age;
- `needs`: one row per admin area x round x sector, with the severity (1-5);
- `sites`: one row per collective site x round: capacity, people present, occupancy.

Read through the access policy, audited with the row count. Country codes are ISO 3166-1
alpha-3 (`#country+code`: COL, PER), admin codes the OCHA P-codes (ISO 3166-2 where an area
has none). `caminantes/dtm/hxl/mobility_schema.csv` is the schema libhxl validates them
against (tests/test_mobility_outputs.py).
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _

from caminantes.accounts import policies
from caminantes.accounts.permissions import Perm
from caminantes.audit import actions
from caminantes.audit.log import log
from caminantes.audit.models import Outcome
from caminantes.dtm.choices import CHILD_FIELDS, SEX_AGE_FIELDS, BaselineDimension, Sector
from caminantes.dtm.dashboards.mobility import (
    MobilityFilters,
    admin1_of,
    baselines,
    site_assessments,
)
from caminantes.dtm.models import BaselineAssessment, BaselineBreakdown, Operation, SiteAssessment
from caminantes.geo.models import AdminArea
from caminantes.lib.tables import Table

TABLES = ("areas", "needs", "sites")
FEMALE = tuple(f for f in SEX_AGE_FIELDS if f.startswith("female"))
MALE = tuple(f for f in SEX_AGE_FIELDS if f.startswith("male"))
PLACE_TAGS = ["#country+code", "#adm1+name", "#adm1+code", "#adm2+name", "#adm2+code"]


def require_export(user: Any, operation: Operation) -> None:
    """EXPORT_AGGREGATES in the operation's organisation, or 403 (audited)."""
    if not policies.has_perm(
        user, Perm.EXPORT_AGGREGATES, organization_id=operation.organization_id
    ):
        log(user, actions.ACCESS_DENIED, operation, Outcome.DENIED,
            permission=Perm.EXPORT_AGGREGATES.value)  # fmt: skip
        raise PermissionDenied(_("Your roles do not allow this here."))


def _code(area: AdminArea | None) -> str:
    return (area.pcode or area.iso_code) if area else ""


def _place(country_iso3: str, area: AdminArea | None) -> list[Any]:
    """Country, admin 1 name and code, admin 2 name and code (blank at admin 1)."""
    if area is None:
        return [country_iso3, "", "", "", ""]
    admin1 = admin1_of(area)
    admin2 = area if area.level >= 2 else None
    return [country_iso3, admin1.name, _code(admin1), admin2.name if admin2 else "",
            _code(admin2)]  # fmt: skip


def _place_header() -> list[str]:
    return [_("Country"), _("Admin 1"), _("Admin 1 code"), _("Admin 2"), _("Admin 2 code")]


def _areas(rows: list[BaselineAssessment]) -> Table:
    header = [*_place_header(), _("Round"), _("Assessment date"), _("Individuals"),
              _("Households"), _("Women and girls"), _("Men and boys"), _("Children"),
              _("Key informants")]  # fmt: skip
    tags = [*PLACE_TAGS, "#date+round", "#date+assessed", "#affected+ind", "#affected+hh",
            "#affected+f", "#affected+m", "#affected+children", "#meta+informants"]  # fmt: skip
    out = [
        [*_place(b.country.iso3, b.admin_area), b.round.number, b.assessed_on.isoformat(),
         b.individuals, b.households, sum(getattr(b, f) for f in FEMALE),
         sum(getattr(b, f) for f in MALE), sum(getattr(b, f) for f in CHILD_FIELDS),
         b.key_informants]
        for b in rows
    ]  # fmt: skip
    return Table("areas", header, out, tags)


def _needs(user: Any, rows: list[BaselineAssessment]) -> Table:
    header = [*_place_header(), _("Round"), _("Sector code"), _("Sector"),
              _("Severity (1-5)"), _("Individuals")]  # fmt: skip
    tags = [*PLACE_TAGS, "#date+round", "#sector+code", "#sector+name", "#severity",
            "#affected+ind"]  # fmt: skip
    by_pk = {b.pk: b for b in rows}
    needs = (
        policies.visible(user, BaselineBreakdown, Perm.DTM_ANALYSE)
        .filter(assessment_id__in=list(by_pk), dimension=BaselineDimension.NEED)
        .values_list("assessment_id", "code", "value")
    )
    labels = dict(Sector.choices)
    out = []
    for assessment_id, code, value in needs:
        b = by_pk[assessment_id]
        out.append([*_place(b.country.iso3, b.admin_area), b.round.number, code,
                    str(labels.get(code, code)), min(max(value, 1), 5), b.individuals])  # fmt: skip
    out.sort(key=lambda r: (r[0], r[1], r[3], r[5], r[6]))
    return Table("needs", header, out, tags)


def _sites(rows: list[SiteAssessment]) -> Table:
    header = [_("Country"), _("Admin 1"), _("Admin 1 code"), _("Site code"), _("Site"),
              _("Site type"), _("Latitude"), _("Longitude"), _("Round"), _("Assessment date"),
              _("Capacity"), _("People present"), _("Households"), _("Women and girls"),
              _("Men and boys"), _("Children"), _("Occupancy (%)"),
              _("Over capacity")]  # fmt: skip
    tags = ["#country+code", "#adm1+name", "#adm1+code", "#loc+code", "#loc+name", "#loc+type",
            "#geo+lat", "#geo+lon", "#date+round", "#date+assessed", "#capacity",
            "#affected+ind", "#affected+hh", "#affected+f", "#affected+m", "#affected+children",
            "#indicator+occupancy+pct", "#indicator+overcapacity"]  # fmt: skip
    out = []
    for a in rows:
        site = a.site
        admin1 = admin1_of(site.admin_area) if site.admin_area else None
        lat, lon = site.latitude, site.longitude
        if (lat is None or lon is None) and site.place is not None:
            lat, lon = site.place.latitude, site.place.longitude
        rate = a.occupancy_rate
        out.append([
            a.country.iso3, admin1.name if admin1 else "", _code(admin1), site.code, site.name,
            site.site_type, float(lat) if lat is not None else "",
            float(lon) if lon is not None else "", a.round.number, a.assessed_on.isoformat(),
            a.capacity, a.individuals, a.households, sum(getattr(a, f) for f in FEMALE),
            sum(getattr(a, f) for f in MALE), sum(getattr(a, f) for f in CHILD_FIELDS),
            round(100 * rate, 1) if rate is not None else "",
            "yes" if a.individuals > a.capacity else "no",
        ])  # fmt: skip
    return Table("sites", header, out, tags)


def mobility_table(
    *, user: Any, operation: Operation, filters: MobilityFilters, table: str, file_format: str
) -> Table:
    """One of TABLES with every round of the operation the user may see (the country filter
    applies), audited with its row count."""
    require_export(user, operation)
    if table == "sites":
        sites = list(
            site_assessments(user, operation, filters)
            .select_related("site__admin_area__parent__parent", "site__place", "round", "country")
            .order_by("country__iso2", "site__name", "round__number")
        )
        result = _sites(sites)
        model: Any = SiteAssessment
    else:
        rows = list(
            baselines(user, operation, filters)
            .select_related("admin_area__parent__parent", "round", "country")
            .order_by("country__iso2", "admin_area__name_es", "round__number")
        )
        result = _areas(rows) if table == "areas" else _needs(user, rows)
        model = BaselineAssessment if table == "areas" else BaselineBreakdown
    log(user, actions.EXPORT, model, rows=len(result.rows), file_format=file_format,
        operation=str(operation.uuid), table=table,
        country=filters.country.iso2 if filters.country else "")  # fmt: skip
    result.notes = [
        (_("Operation"), operation.name),
        (_("Codes"), _("Countries in ISO 3166-1 alpha-3; admin areas by OCHA P-code, or ISO "
                       "3166-2 where an area has none.")),
        (_("Method"), _("Baselines and site assessments are made with key informants; the "
                        "figures are estimates of the people present, not a registration.")),
    ]  # fmt: skip
    return result
