"""Flow aggregates, ready for HDX: one row per flow monitoring point, month, round and flow
type (or, with `level="country"`, per country, month, round and flow type: the totals of a
regional operation), from the daily rollup.

Columns follow ../shared/DOMAIN.md and HDX practice: the country as ISO 3166-1 alpha-3 in
`#country+code`, the admin-1 P-code in `#adm1+code` with its ISO 3166-2 code beside it
(`#adm1+code+iso`), `#adm2+code` where the point lies in a second-level area, the round
(`#date+round`), the full sex x age disaggregation as collected (+f/+m with +age0_5,
+age6_17, +age18_59, +age60plus), and the nationality, destination and means of transport
breakdowns as counts, one column per code present (+nat_ven, +dest_per, +transport_bus).
Where HXL has no standard attribute we use a lower-case custom one and say so in the notes.
`caminantes/dtm/hxl/flow_aggregates_schema.csv` is the schema libhxl validates it against.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db.models import Case, IntegerField, Q, QuerySet, Sum, Value, When
from django.db.models.functions import TruncMonth
from django.utils.translation import gettext as _

from caminantes.accounts import policies
from caminantes.accounts.permissions import Perm
from caminantes.audit import actions
from caminantes.audit.log import log
from caminantes.audit.models import Outcome
from caminantes.dtm.choices import (
    AGE_GROUPS,
    CHILD_FIELDS,
    SEX_AGE_FIELDS,
    CountDimension,
    Direction,
    FlowType,
)
from caminantes.dtm.dashboards.filters import Filters
from caminantes.dtm.models import (
    FlowDaily,
    FlowDailyBreakdown,
    FlowMonitoringPoint,
    Operation,
    Round,
)
from caminantes.lib.tables import Table

DIRECTIONS = tuple(Direction.values)
BREAKDOWN_ATTRIBUTE = {
    CountDimension.NATIONALITY: "nat",
    CountDimension.DESTINATION: "dest",
    CountDimension.TRANSPORT: "transport",
}
Key = tuple[Any, ...]


def _require(user: Any, operation: Operation) -> None:
    if not policies.has_perm(
        user, Perm.EXPORT_AGGREGATES, organization_id=operation.organization_id
    ):
        log(user, actions.ACCESS_DENIED, operation, Outcome.DENIED,
            permission=Perm.EXPORT_AGGREGATES.value)  # fmt: skip
        raise PermissionDenied(_("Your roles do not allow this here."))


def _round_number(operation: Operation) -> Case | Value:
    """The round a day falls in, as a number (0: in no round)."""
    rounds = list(Round.objects.filter(operation=operation).order_by("number"))
    if not rounds:
        return Value(0, output_field=IntegerField())
    return Case(
        *[When(day__gte=r.starts_on, day__lte=r.ends_on, then=Value(r.number)) for r in rounds],
        default=Value(0),
        output_field=IntegerField(),
    )


def _iso3_code(code: str) -> str:
    import pycountry

    found = pycountry.countries.get(alpha_2=code.upper()) if len(code) == 2 else None
    return found.alpha_3.lower() if found else code.lower()


def _filtered(qs: QuerySet[Any], operation: Operation, filters: Filters) -> QuerySet[Any]:
    qs = qs.filter(operation=operation, day__gte=filters.start, day__lte=filters.end)
    if filters.country_id:
        qs = qs.filter(country_id=filters.country_id)
    if filters.point_ids:
        qs = qs.filter(point_id__in=filters.point_ids)
    if filters.direction:
        qs = qs.filter(direction=filters.direction)
    if filters.flow_type:
        qs = qs.filter(flow_type=filters.flow_type)
    return qs.annotate(month=TruncMonth("day"), round_no=_round_number(operation))


def _areas(point: FlowMonitoringPoint) -> tuple[Any, Any]:
    """(admin-1, admin-2 or None) of the point's area."""
    area = point.admin_area
    if area is None:
        return None, None
    if area.level >= 2 and area.parent is not None:
        return area.parent, area
    return area, None


def flow_aggregates(
    *, user: Any, operation: Operation, filters: Filters, file_format: str, level: str = "point"
) -> Table:
    """The aggregates the user may see, audited with the row count."""
    _require(user, operation)
    by_country = level == "country"
    visible = policies.visible(user, FlowDaily, Perm.DTM_ANALYSE)
    qs = _filtered(visible, operation, filters)
    group = ["country_id"] if by_country else ["point_id"]
    group += ["month", "round_no", "flow_type"]
    sums: dict[str, Any] = {
        "total": Sum("individuals"), "groups_n": Sum("groups"),
        "unaccompanied": Sum("unaccompanied_children"), "sheets_n": Sum("sheets"),
        **{f"dir_{d}": Sum("individuals", filter=Q(direction=d)) for d in DIRECTIONS},
        **{f: Sum(f) for f in SEX_AGE_FIELDS},
    }  # fmt: skip
    totals = list(qs.values(*group).annotate(**sums).order_by(*group))
    parts: dict[Key, dict[str, int]] = defaultdict(dict)
    codes: dict[str, set[str]] = defaultdict(set)
    bd = _filtered(policies.visible(user, FlowDailyBreakdown, Perm.DTM_ANALYSE), operation,
                   filters)  # fmt: skip
    for row in bd.values(*group, "dimension", "code").annotate(n=Sum("individuals")):
        attribute = BREAKDOWN_ATTRIBUTE.get(row["dimension"])
        if attribute is None:
            continue
        code = _iso3_code(row["code"]) if attribute != "transport" else row["code"].lower()
        column = f"{attribute}_{code}"
        key = tuple(row[g] for g in group)
        parts[key][column] = parts[key].get(column, 0) + (row["n"] or 0)
        codes[attribute].add(code)
    breakdown_columns = [f"{a}_{c}" for a in ("nat", "dest", "transport")
                         for c in sorted(codes[a])]  # fmt: skip
    header, tags = _columns(by_country, breakdown_columns)
    points = {
        p.pk: p
        for p in FlowMonitoringPoint.objects.filter(
            pk__in={r["point_id"] for r in totals if "point_id" in r}
        ).select_related("country", "admin_area__parent")
    }
    countries = {c.pk: c for c in operation.countries.all()}
    rows = []
    for r in totals:
        key = tuple(r[g] for g in group)
        month: date = r["month"]
        if by_country:
            country = countries.get(r["country_id"])
            place: list[Any] = []
        else:
            point = points[r["point_id"]]
            country = point.country
            adm1, adm2 = _areas(point)
            place = [
                adm1.pcode if adm1 else "", adm1.iso_code if adm1 else "",
                adm1.name if adm1 else "", adm2.pcode if adm2 else "",
                adm2.name if adm2 else "", point.code, point.name,
                float(point.latitude), float(point.longitude),
            ]  # fmt: skip
        sex_age = [r[f] or 0 for f in SEX_AGE_FIELDS]
        row = [
            country.iso3 if country else "", country.name_en if country else "", *place,
            f"{month:%Y-%m}", r["round_no"] or "", r["flow_type"], r["total"] or 0,
            *[r[f"dir_{d}"] or 0 for d in DIRECTIONS],
            sum(r[f] or 0 for f in SEX_AGE_FIELDS if f.startswith("female")),
            sum(r[f] or 0 for f in SEX_AGE_FIELDS if f.startswith("male")),
            sum(r[f] or 0 for f in CHILD_FIELDS), *sex_age,
            r["unaccompanied"] or 0, r["groups_n"] or 0, r["sheets_n"] or 0,
            *[parts[key].get(c, 0) for c in breakdown_columns],
        ]  # fmt: skip
        rows.append(row)
    order = {code: i for i, code in enumerate(FlowType.values)}
    keys = (0, 2, 3) if by_country else (0, 7, 11, 12)
    flow_at = keys[-1] + 1
    rows.sort(key=lambda row: (*(str(row[i]) for i in keys), order.get(str(row[flow_at]), 99)))
    log(user, actions.EXPORT, FlowDaily, rows=len(rows), file_format=file_format,
        operation=str(operation.uuid), level=level, **filters.describe())  # fmt: skip
    notes = [
        (_("Operation"), operation.name),
        (_("Period"), f"{filters.start.isoformat()} / {filters.end.isoformat()}"),
        (_("Rows"), _("One per country, month, round and flow type (the operation's totals "
                      "by country).")
         if by_country else _("One per flow monitoring point, month, round and flow type.")),
        (_("Flow types"), "; ".join(f"{code}: {label}" for code, label in FlowType.choices)
         + ". " + _("Pendular movements (people who cross and come back) are not migrants: "
                    "do not add them to the others without saying so. “unknown”: counted "
                    "before flow types were asked.")),
        (_("HXL"), _(
            "Country as ISO 3166-1 alpha-3; admin-1 as P-code, its ISO 3166-2 code in "
            "#adm1+code+iso. Custom lower-case attributes where HXL has no standard one: "
            "+incoming, +outgoing, +unaccompanied, +groups, +age0_5 … +age60plus, "
            "+nat_<country>, +dest_<country>, +transport_<mode>, +iso, #date+round and "
            "#meta+sheets; the custom hashtag #x_flow_type holds the flow type.")),
        (_("Counting"), _(
            "Counts are of movements observed during the monitoring shifts, not of "
            "distinct people: one person crossing twice is counted twice.")),
    ]  # fmt: skip
    return Table("flows", header, rows, tags, notes)


def _columns(by_country: bool, breakdowns: list[str]) -> tuple[list[str], list[str]]:
    columns: list[tuple[str, str]] = [
        (_("Country code"), "#country+code"), (_("Country"), "#country+name"),
    ]  # fmt: skip
    if not by_country:
        columns += [
            (_("Admin-1 P-code"), "#adm1+code"), (_("Admin-1 ISO 3166-2"), "#adm1+code+iso"),
            (_("Admin-1"), "#adm1+name"), (_("Admin-2 P-code"), "#adm2+code"),
            (_("Admin-2"), "#adm2+name"), (_("Point code"), "#loc+code"),
            (_("Point"), "#loc+name"), (_("Latitude"), "#geo+lat"), (_("Longitude"), "#geo+lon"),
        ]  # fmt: skip
    columns += [
        (_("Month"), "#date+month"), (_("Round"), "#date+round"), (_("Flow type"), "#x_flow_type"),
        (_("Individuals"), "#affected+total"), (_("Incoming"), "#affected+incoming"),
        (_("Outgoing"), "#affected+outgoing"),
        (_("Women and girls"), "#affected+f"), (_("Men and boys"), "#affected+m"),
        (_("Children"), "#affected+children"),
    ]  # fmt: skip
    for words, attribute in ((_("Women and girls"), "f"), (_("Men and boys"), "m")):
        for code, label in AGE_GROUPS:
            age = "age" + code.replace("_plus", "plus")
            columns.append((f"{words} {label}", f"#affected+{attribute}+{age}"))
    columns += [
        (_("Unaccompanied children"), "#affected+children+unaccompanied"),
        (_("Groups"), "#affected+groups"), (_("Tally sheets"), "#meta+sheets"),
    ]  # fmt: skip
    names = {"nat": _("Nationality"), "dest": _("Destination"), "transport": _("Transport")}
    for column in breakdowns:
        attribute, code = column.split("_", 1)
        columns.append((f"{names[attribute]} {code.upper()}", f"#affected+{attribute}_{code}"))
    return [c[0] for c in columns], [c[1] for c in columns]
