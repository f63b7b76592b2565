"""Flow aggregates: one row per flow monitoring point, month and flow type, from the
daily rollup.

The HXL hashtags follow ../shared/DOMAIN.md; where HXL has no standard attribute we use a
lower-case custom one (+incoming, +outgoing, +unaccompanied, +groups, #meta+sheets) and a
custom hashtag for the flow type (#x_flow_type: pendular, transit, stay, return, unknown),
and say so in the export's notes. `caminantes/dtm/hxl/flow_aggregates_schema.csv` is the
schema libhxl validates the file against.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.db.models import Q, Sum
from django.db.models.functions import TruncMonth
from django.utils.translation import gettext as _

from caminantes.accounts import policies
from caminantes.accounts.permissions import Perm
from caminantes.audit import actions
from caminantes.audit.log import log
from caminantes.audit.models import Outcome
from caminantes.dtm.choices import CHILD_FIELDS, SEX_AGE_FIELDS, Direction, FlowType
from caminantes.dtm.dashboards.filters import Filters
from caminantes.dtm.models import FlowDaily, FlowMonitoringPoint, Operation
from caminantes.lib.tables import Table

HXL_TAGS = [
    "#country+code",
    "#adm1+code",
    "#adm1+name",
    "#loc+code",
    "#loc+name",
    "#geo+lat",
    "#geo+lon",
    "#date+month",
    "#x_flow_type",
    "#affected+total",
    "#affected+incoming",
    "#affected+outgoing",
    "#affected+f",
    "#affected+m",
    "#affected+children",
    "#affected+children+unaccompanied",
    "#affected+groups",
    "#meta+sheets",
]


def _header() -> list[str]:
    return [
        _("Country"),
        _("Admin-1 code"),
        _("Admin-1"),
        _("Point code"),
        _("Point"),
        _("Latitude"),
        _("Longitude"),
        _("Month"),
        _("Flow type"),
        _("Individuals"),
        _("Incoming"),
        _("Outgoing"),
        _("Women and girls"),
        _("Men and boys"),
        _("Children"),
        _("Unaccompanied children"),
        _("Groups"),
        _("Tally sheets"),
    ]


def _require(user: Any, operation: Operation) -> None:
    if not policies.has_perm(
        user, Perm.EXPORT_AGGREGATES, organization_id=operation.organization_id
    ):
        log(
            user,
            actions.ACCESS_DENIED,
            operation,
            Outcome.DENIED,
            permission=Perm.EXPORT_AGGREGATES.value,
        )
        raise PermissionDenied(_("Your roles do not allow this here."))


def flow_aggregates(
    *, user: Any, operation: Operation, filters: Filters, file_format: str
) -> Table:
    """The aggregates the user may see, audited with the row count."""
    _require(user, operation)
    qs = policies.visible(user, FlowDaily, Perm.DTM_ANALYSE).filter(
        operation=operation, day__gte=filters.start, day__lte=filters.end
    )
    if filters.country_id:
        qs = qs.filter(country_id=filters.country_id)
    if filters.point_ids:
        qs = qs.filter(point_id__in=filters.point_ids)
    if filters.direction:
        qs = qs.filter(direction=filters.direction)
    if filters.flow_type:
        qs = qs.filter(flow_type=filters.flow_type)
    sums: dict[str, Any] = {
        "total": Sum("individuals"),
        "groups_n": Sum("groups"),
        "unaccompanied": Sum("unaccompanied_children"),
        "sheets_n": Sum("sheets"),
        **{f"dir_{d}": Sum("individuals", filter=Q(direction=d)) for d in Direction.values},
        **{f: Sum(f) for f in SEX_AGE_FIELDS},
    }
    grouped = (
        qs.annotate(month=TruncMonth("day"))
        .values("point_id", "month", "flow_type")
        .annotate(**sums)
        .order_by("point_id", "month", "flow_type")
    )
    rows_data = list(grouped)
    points = {
        p.pk: p
        for p in FlowMonitoringPoint.objects.filter(
            pk__in={r["point_id"] for r in rows_data}
        ).select_related("country", "admin_area")
    }
    rows = []
    for r in rows_data:
        p = points[r["point_id"]]
        area = p.admin_area
        month = r["month"]
        rows.append(
            [
                p.country.iso2,
                (area.iso_code or area.pcode) if area else "",
                area.name if area else "",
                p.code,
                p.name,
                float(p.latitude),
                float(p.longitude),
                f"{month:%Y-%m}",
                r["flow_type"],
                r["total"] or 0,
                r["dir_incoming"] or 0,
                r["dir_outgoing"] or 0,
                sum(r[f] or 0 for f in SEX_AGE_FIELDS if f.startswith("female")),
                sum(r[f] or 0 for f in SEX_AGE_FIELDS if f.startswith("male")),
                sum(r[f] or 0 for f in CHILD_FIELDS),
                r["unaccompanied"] or 0,
                r["groups_n"] or 0,
                r["sheets_n"] or 0,
            ]
        )
    order = {code: i for i, code in enumerate(FlowType.values)}
    rows.sort(key=lambda row: (row[0], row[3], row[7], order.get(str(row[8]), 99)))
    log(
        user,
        actions.EXPORT,
        FlowDaily,
        rows=len(rows),
        file_format=file_format,
        operation=str(operation.uuid),
        **filters.describe(),
    )
    notes = [
        (_("Operation"), operation.name),
        (_("Period"), f"{filters.start.isoformat()} / {filters.end.isoformat()}"),
        (
            _("HXL"),
            _(
                "Custom lower-case attributes where HXL has no standard one: +incoming, "
                "+outgoing, +unaccompanied, +groups and #meta+sheets; the custom hashtag "
                "#x_flow_type holds the flow type."
            ),
        ),
        (
            _("Flow types"),
            "; ".join(f"{code}: {label}" for code, label in FlowType.choices)
            + ". "
            + _(
                "One row per point, month and flow type. Pendular movements (people who "
                "cross and come back) are not migrants: do not add them to the others "
                "without saying so. “unknown”: counted before flow types were asked."
            ),
        ),
        (
            _("Counting"),
            _(
                "Counts are of movements observed during the monitoring shifts, not of "
                "distinct people: one person crossing twice is counted twice."
            ),
        ),
    ]
    return Table("flows", _header(), rows, HXL_TAGS, notes)
