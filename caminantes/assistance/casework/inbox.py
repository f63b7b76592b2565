"""The caseworker's inbox: on one page, what is waiting for her today.

- referrals to answer (her organisation's inbox, open, urgent and oldest due first);
- her own referrals still open (the other side's answer, overdue ones flagged);
- today's regularization appointments at her offices, and past ones nobody marked;
- relocation visits and livelihood outcomes due within a week or overdue.

Each block reads through its own app's selectors (the policy door) and shows at most
`SHOWN` rows with the count beside them, counted up to `COUNTED` ("999+" past it, as a mail
client does; the full lists behind "All" give the exact figure), so the page costs the same
with ten or two hundred thousand open referrals. Names of people are shown only where the
list they come from already shows them (appointments, follow-ups), and those reads are
audited.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from django.http import HttpResponse
from django.shortcuts import render
from django.utils import timezone

from caminantes.accounts import policies
from caminantes.accounts.context import AuthenticatedRequest
from caminantes.accounts.decorators import perm_required
from caminantes.accounts.permissions import Perm
from caminantes.assistance.casework import selectors as casework
from caminantes.assistance.referrals import selectors as referrals
from caminantes.assistance.referrals.models import OPEN
from caminantes.assistance.regularization import selectors as regularization
from caminantes.assistance.regularization.models import Appointment, AppointmentStatus
from caminantes.registry.models import Household, Person

SHOWN = 20
COUNTED = 999  # a badge counts this far; past it the page says "999+"


@dataclass
class Block:
    items: list[Any]
    total: int
    overdue: int = 0

    @property
    def total_label(self) -> str:
        return _label(self.total)

    @property
    def overdue_label(self) -> str:
        return _label(self.overdue)


def _label(n: int) -> str:
    return f"{COUNTED}+" if n > COUNTED else str(n)


def _counted(qs: Any) -> int:
    """How many rows, counting no further than one past COUNTED (a bounded index scan)."""
    return int(qs[: COUNTED + 1].count())


def _referral_block(qs: Any, today: date) -> Block:
    open_ = qs.filter(status__in=OPEN)
    # Two bounded counts on the open-referral indexes, however long the inbox.
    return Block(
        items=list(referrals.for_list(open_)[:SHOWN]),
        total=_counted(open_.order_by()),
        overdue=_counted(open_.filter(due_on__lt=today).order_by()),
    )


def inbox_blocks(user: Any, organization: Any, today: date) -> dict[str, Block]:
    received = referrals.inbox(user=user, open_only=True)
    mine = referrals.sent(user=user).order_by("due_on", "sent_at")
    start, _end = regularization.day_bounds(today)
    unmarked = (
        policies.visible(user, Appointment)
        .filter(status=AppointmentStatus.BOOKED, slot__starts_at__lt=start)
        .select_related("slot__office", "step__scheme", "person")
        .order_by("-slot__starts_at")
    )
    follow_ups = casework.due_follow_ups(user=user, today=today, organization=organization)
    appointments = regularization.appointments_on(user=user, day=today)
    return {
        "received": _referral_block(received, today),
        "sent": _referral_block(mine, today),
        "appointments": Block(items=appointments[:SHOWN], total=len(appointments)),
        "unmarked": Block(items=list(unmarked[:SHOWN]), total=_counted(unmarked.order_by())),
        "follow_ups": Block(
            items=follow_ups[:SHOWN],
            total=len(follow_ups),
            overdue=sum(1 for d in follow_ups if d.due_on < today),
        ),
    }


@perm_required(Perm.REFER)
def inbox(request: AuthenticatedRequest) -> HttpResponse:
    today = timezone.localdate()
    blocks = inbox_blocks(request.user, request.context.organization, today)
    people = [a.person for a in blocks["appointments"].items + blocks["unmarked"].items]
    policies.record_reads(request.user, Person, people)
    households = [d.household for d in blocks["follow_ups"].items]
    policies.record_reads(request.user, Household, households)
    return render(request, "casework/inbox.html", {"blocks": blocks, "today": today,
                                                   "shown": SHOWN})  # fmt: skip
