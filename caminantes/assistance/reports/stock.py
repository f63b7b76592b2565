"""Stock per warehouse over a period: opening balance, what came in (receipts, transfers
received, returns), what went out (issues, transfers sent, losses), count adjustments and
the closing balance, per item or per lot.

One grouped query over the ledger (`StockMovement`, append-only, signed quantities) gives
every column at once: sums filtered by kind and by the period's bounds. Nothing is read row
by row, so a warehouse with a million movements answers in the time PostgreSQL needs to sum
them. Opening + in - out + counts = closing holds by construction, and closing equals the
balance rows when the period ends today (`selectors.reconcile` watches that).
"""

from __future__ import annotations

from dataclasses import dataclass, fields
from datetime import date
from typing import Any

from django.db.models import DateField, Q, Sum
from django.db.models.functions import Trunc
from django.utils import timezone
from django.utils.translation import gettext as _

from caminantes.assistance.models import Item, MovementKind, StockMovement, Warehouse
from caminantes.assistance.reports.periods import Period, bucket_for, bucket_start, next_bucket
from caminantes.lib.charts import Chart, Series, line_chart
from caminantes.lib.tables import Table

K = MovementKind
# Column -> the movement kind it sums, and whether the quantities are shown negated (goods
# out are negative in the ledger, positive in the report).
COLUMNS: dict[str, tuple[str, bool]] = {
    "receipts": (K.RECEIPT, False),
    "transfers_in": (K.TRANSFER_IN, False),
    "returns": (K.RETURN, False),
    "issues": (K.ISSUE, True),
    "transfers_out": (K.TRANSFER_OUT, True),
    "losses": (K.LOSS, True),
    "counts": (K.COUNT, False),
}


@dataclass
class StockLine:
    item: Item
    lot: str | None  # None when the report is per item
    opening: int
    receipts: int
    transfers_in: int
    returns: int
    issues: int
    transfers_out: int
    losses: int
    counts: int  # signed: a count finding more adds, finding less subtracts
    closing: int

    @property
    def total_in(self) -> int:
        return self.receipts + self.transfers_in + self.returns

    @property
    def total_out(self) -> int:
        return self.issues + self.transfers_out + self.losses

    @property
    def moved(self) -> bool:
        return any(getattr(self, name) for name in COLUMNS)


def stock_report(warehouse: Warehouse, period: Period, *, by_lot: bool = False) -> list[StockLine]:
    """The warehouse's lines for the period (items or lots with stock or movement in it)."""
    since, until = period.since, period.until
    in_period = Q(created_at__gte=since)
    sums: dict[str, Any] = {
        name: Sum("quantity", filter=in_period & Q(kind=kind), default=0)
        for name, (kind, _negated) in COLUMNS.items()
    }
    keys = ["item_id", "lot"] if by_lot else ["item_id"]
    rows = list(
        StockMovement.objects.filter(warehouse=warehouse, created_at__lt=until)
        .order_by()  # the model's ordering would join the GROUP BY
        .values(*keys)
        .annotate(
            opening=Sum("quantity", filter=Q(created_at__lt=since), default=0),
            closing=Sum("quantity", default=0),
            **sums,
        )
    )
    items = Item.objects.in_bulk({r["item_id"] for r in rows})
    lines = []
    for r in rows:
        values = {name: -r[name] if COLUMNS[name][1] else r[name] for name in COLUMNS}
        line = StockLine(
            item=items[r["item_id"]], lot=r["lot"] if by_lot else None,
            opening=r["opening"], closing=r["closing"], **values,
        )  # fmt: skip
        if line.opening or line.closing or line.moved:
            lines.append(line)
    lines.sort(key=lambda x: (x.item.category, x.item.code, x.lot or ""))
    return lines


def totals(lines: list[StockLine]) -> dict[str, int]:
    """Column totals, for one item's lots (units differ between items)."""
    names = [f.name for f in fields(StockLine) if f.name not in ("item", "lot")]
    return {name: sum(getattr(line, name) for line in lines) for name in names}


def header(*, by_lot: bool) -> list[str]:
    return [
        _("Item code"), _("Item"), _("Unit"), *([_("Lot")] if by_lot else []),
        _("Opening balance"), _("Receipts"), _("Transfers received"), _("Returns"),
        _("Total in"), _("Issues"), _("Transfers sent"), _("Losses"), _("Total out"),
        _("Count adjustments"), _("Closing balance"),
    ]  # fmt: skip


def table(warehouse: Warehouse, period: Period, lines: list[StockLine], *, by_lot: bool) -> Table:
    rows = [
        [
            line.item.code,
            line.item.name,
            line.item.get_unit_display(),
            *([line.lot or ""] if by_lot else []),
            line.opening,
            line.receipts,
            line.transfers_in,
            line.returns,
            line.total_in,
            line.issues,
            line.transfers_out,
            line.losses,
            line.total_out,
            line.counts,
            line.closing,
        ]
        for line in lines
    ]
    notes = [
        (_("Warehouse"), warehouse.name),
        (_("Organisation"), warehouse.organization.acronym),
        (_("Country"), warehouse.country.name),
        (_("From"), period.start.isoformat()),
        (_("To"), period.end.isoformat()),
        (_("Made on"), timezone.localtime().strftime("%Y-%m-%d %H:%M")),
        (
            _("Reading"),
            _("Opening + total in - total out + count adjustments = closing balance."),
        ),
    ]
    return Table(name=_("Stock"), header=header(by_lot=by_lot), rows=rows, notes=notes)


# --- stock of one item over the period --------------------------------------------------


def stock_over_time(
    warehouse: Warehouse, item: Item, period: Period
) -> tuple[str, list[tuple[date, int]]]:
    """The item's stock at the end of each day, week or month of the period: the opening
    sum plus the grouped sums of each bucket, two queries."""
    bucket = bucket_for(period)
    movements = StockMovement.objects.filter(warehouse=warehouse, item=item).order_by()
    opening = movements.filter(created_at__lt=period.since).aggregate(n=Sum("quantity", default=0))[
        "n"
    ]
    moved = dict(
        movements.filter(created_at__gte=period.since, created_at__lt=period.until)
        .annotate(
            bucket=Trunc(
                "created_at",
                bucket,
                output_field=DateField(),
                tzinfo=timezone.get_current_timezone(),
            )
        )
        .values("bucket")
        .annotate(n=Sum("quantity"))
        .values_list("bucket", "n")
    )
    points = []
    level = opening
    day = bucket_start(period.start, bucket)
    while day <= period.end:
        level += moved.get(day, 0)
        points.append((day, level))
        day = next_bucket(day, bucket)
    return bucket, points


def stock_chart(warehouse: Warehouse, item: Item, period: Period) -> Chart:
    bucket, points = stock_over_time(warehouse, item, period)
    label = {"day": _("Day"), "week": _("Week from"), "month": _("Month")}[bucket]
    note = {
        "day": _("Stock at the end of each day."),
        "week": _("Stock at the end of each week (weeks start on Monday)."),
        "month": _("Stock at the end of each month."),
    }[bucket]
    fmt = "%Y-%m" if bucket == "month" else "%d/%m/%Y"
    if not any(n for _d, n in points):
        points = []  # an empty chart says so in words rather than draw a flat line
    return line_chart(
        _("Stock of %(item)s") % {"item": item.name},
        [d.strftime(fmt) for d, _n in points],
        [Series(item.get_unit_display(), [float(n) for _d, n in points])],
        label_header=label,
        empty_message=_("No stock in this period."),
        note=note,
    )
