"""Reads of feedback and complaints: the one door (use these, never the model's manager).

`items_for(user)` is what the user may list, count, chart or export: the policy door's
queryset, in which a sensitive item exists only for its focal points. `item_for(user, uuid)`
is one item or Http404, exactly as for an id that does not exist; opening one is audited
(a sensitive one under the hidden type, so the general trail never shows it), and so is an
attempt on one the user may not see. `dashboard(items)` computes the trends from whatever
queryset it is given, so a non-focal point's figures simply do not contain sensitive items.
"""

from __future__ import annotations

import statistics
import uuid as uuid_lib
from collections import Counter
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.db.models import QuerySet
from django.http import Http404
from django.utils import timezone

from caminantes.accounts import policies
from caminantes.accounts.models import Organization
from caminantes.audit import actions
from caminantes.audit.log import Subject, log
from caminantes.audit.models import AuditEvent
from caminantes.coordination.feedback.models import (
    OPEN,
    Category,
    Channel,
    FeedbackItem,
    Status,
)
from caminantes.coordination.feedback.policies import subject
from caminantes.lib.tables import Table


def items_for(user: Any) -> QuerySet[FeedbackItem]:
    return policies.visible(user, FeedbackItem).select_related("country", "organization")


def filtered(
    items: QuerySet[FeedbackItem], *, status: str = "", category: str = "", channel: str = "",
    overdue: bool = False, country: Any = None,
) -> QuerySet[FeedbackItem]:  # fmt: skip
    if status in Status.values:
        items = items.filter(status=status)
    if category in Category.values:
        items = items.filter(category=category)
    if channel in Channel.values:
        items = items.filter(channel=channel)
    if country is not None:
        items = items.filter(country=country)
    if overdue:
        items = overdue_items(items)
    return items


def overdue_items(items: QuerySet[FeedbackItem]) -> QuerySet[FeedbackItem]:
    today = timezone.localdate()
    late = items.filter(status__in=OPEN, due_on__lt=today)
    untaken = items.filter(sensitive=True, taken_at__isnull=True, take_by__lt=today).exclude(
        status=Status.CLOSED
    )
    return items.filter(pk__in=late.values("pk")) | items.filter(pk__in=untaken.values("pk"))


def _key(uuid: Any) -> uuid_lib.UUID:
    try:
        return uuid if isinstance(uuid, uuid_lib.UUID) else uuid_lib.UUID(str(uuid))
    except (ValueError, TypeError, AttributeError) as exc:
        raise Http404 from exc


def item_for(user: Any, uuid: Any, *, audit: bool = True) -> FeedbackItem:
    """The item, or Http404 whether it is missing or hidden. Opening it is audited; pass
    audit=False only for a write that audits itself."""
    key = _key(uuid)
    item = items_for(user).filter(uuid=key).first()
    if item is None:
        found = FeedbackItem.objects.filter(uuid=key).first()
        if found is not None:  # a probe, not a mistyped link: filed where its owners look
            owner = Organization.objects.filter(pk=found.organization_id).first()
            log(user, actions.ACCESS_DENIED, subject(found), "denied", object_organization=owner)
        raise Http404
    if audit:
        action = actions.READ_RESTRICTED if item.sensitive else actions.READ_PERSONAL
        log(user, action, subject(item))
    return item


def record_list(user: Any, items: list[FeedbackItem]) -> None:
    """A page listed these sensitive items (their references): one restricted read."""
    sensitive = [i for i in items if i.sensitive]
    if sensitive:
        log(user, actions.READ_RESTRICTED, Subject("feedback.sensitive"), count=len(sensitive),
            ids=[str(i.uuid) for i in sensitive])  # fmt: skip


def trail(item: FeedbackItem, *, limit: int = 100) -> QuerySet[AuditEvent]:
    """Who recorded, opened, changed or tried to open this item. Call it only with an item
    from `item_for`."""
    types = ["feedback.sensitive", "feedback.feedbackitem"]
    return (
        AuditEvent.objects.filter(object_type__in=types, object_uuid=item.uuid)
        .select_related("actor")
        .order_by("-id")[:limit]
    )


@dataclass
class Dashboard:
    total: int = 0
    by_category: list[tuple[str, int]] = field(default_factory=list)
    by_channel: list[tuple[str, int]] = field(default_factory=list)
    by_month: list[tuple[str, int]] = field(default_factory=list)
    by_country: list[tuple[str, int]] = field(default_factory=list)
    median_days: float | None = None
    responded: int = 0
    closed: int = 0
    closed_in_time: int = 0
    overdue: list[FeedbackItem] = field(default_factory=list)

    @property
    def closed_in_time_pct(self) -> float | None:
        return None if not self.closed else 100.0 * self.closed_in_time / self.closed


def dashboard(items: QuerySet[FeedbackItem], *, today: date | None = None) -> Dashboard:
    """Trends over `items` (already the user's): counts per category, channel, month and
    country, median days from receipt to response, the share of closed items answered by
    their due date, and the overdue list."""
    today = today or timezone.localdate()
    rows = list(
        items.values_list(
            "category",
            "channel",
            "received_on",
            "country__iso2",
            "status",
            "responded_on",
            "due_on",
        )
    )
    result = Dashboard(total=len(rows))
    labels_cat, labels_ch = dict(Category.choices), dict(Channel.choices)
    cats: Counter[str] = Counter(r[0] for r in rows)
    result.by_category = [(str(labels_cat[c]), n) for c, n in cats.most_common()]
    chans: Counter[str] = Counter(r[1] for r in rows)
    result.by_channel = [(str(labels_ch[c]), n) for c, n in chans.most_common()]
    months: Counter[str] = Counter(r[2].strftime("%Y-%m") for r in rows)
    result.by_month = sorted(months.items())
    result.by_country = Counter(r[3] for r in rows).most_common()
    days = [(r[5] - r[2]).days for r in rows if r[5] is not None]
    result.responded = len(days)
    result.median_days = float(statistics.median(days)) if days else None
    closed = [r for r in rows if r[4] == Status.CLOSED]
    result.closed = len(closed)
    result.closed_in_time = sum(1 for r in closed if r[5] is not None and r[5] <= r[6])
    result.overdue = list(overdue_items(items).order_by("due_on")[:100])
    return result


EXPORT_HEADER = [
    "reference", "country", "received_on", "channel", "category", "status", "due_on",
    "responded_on", "closed_on", "outcome", "overdue",
]  # fmt: skip


def export_table(items: QuerySet[FeedbackItem]) -> Table:
    """The items without anything personal (no description, name, contact or response)."""
    today = timezone.localdate()
    rows = [
        [i.reference, i.country.iso2, i.received_on, i.channel, i.category, i.status,
         i.due_on, i.responded_on, i.reach_on, i.reach, "yes" if i.overdue_on(today) else ""]
        for i in items.order_by("received_on", "pk")
    ]  # fmt: skip
    return Table(name="feedback", header=list(EXPORT_HEADER), rows=rows)
