"""Cut a period into whole calendar months and the days at its edges.

Dashboards read whole months from the monthly rollups and only the remaining days from
the daily rollup (or the raw survey choices), so a long period costs a few rows per point
and month instead of one per day.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from django.db.models import Q


def next_month(month: date) -> date:
    return (month.replace(day=28) + timedelta(days=4)).replace(day=1)


@dataclass(frozen=True)
class Split:
    """`first_month`..`last_month` (first days) are whole months inside the period; `edges`
    are the day ranges of the period outside them (none, one or two)."""

    first_month: date | None
    last_month: date | None
    edges: tuple[tuple[date, date], ...]

    def months_q(self, field: str = "month") -> Q | None:
        if self.first_month is None or self.last_month is None:
            return None
        return Q(**{f"{field}__gte": self.first_month, f"{field}__lte": self.last_month})

    def edges_q(self, field: str) -> Q | None:
        q: Q | None = None
        for start, end in self.edges:
            part = Q(**{f"{field}__gte": start, f"{field}__lte": end})
            q = part if q is None else q | part
        return q


def split(start: date, end: date) -> Split:
    first = start if start.day == 1 else next_month(start.replace(day=1))
    after_end = end + timedelta(days=1)
    last = (after_end if after_end.day == 1 else after_end.replace(day=1)) - timedelta(days=1)
    last = last.replace(day=1)  # the first day of the last whole month
    if first > last:
        return Split(None, None, ((start, end),))
    edges = []
    if start < first:
        edges.append((start, first - timedelta(days=1)))
    after_last = next_month(last)
    if after_last <= end:
        edges.append((after_last, end))
    return Split(first, last, tuple(edges))
