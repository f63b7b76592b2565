"""Notices about referrals, and the daily reminder of overdue ones.

The referring caseworker is told of every step of her referral (received, accepted with the
feedback, declined with the reason …); an overdue referral reminds, once a day, the
caseworker who sent it and the receiving organisation's referral staff in its country. A
restricted referral reminds only its sender (its receiving side lives in protection).

`reminders_send(today=...)` is what the periodic task (`referrals.tasks`) and the command
`caminantes referrals_remind` call, so it runs and is tested without huey.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_noop

from caminantes.accounts.models import Membership, User
from caminantes.accounts.permissions import Perm, Role, permissions_for
from caminantes.assistance.referrals.models import OPEN, Notice, Referral
from caminantes.audit import actions
from caminantes.audit.log import log

STEP_MESSAGES = {
    "received": gettext_noop("%(service)s received your referral %(code)s."),
    "accepted": gettext_noop("%(service)s accepted your referral %(code)s."),
    "declined": gettext_noop("%(service)s declined your referral %(code)s."),
    "in_progress": gettext_noop("%(service)s is attending your referral %(code)s."),
    "completed": gettext_noop("%(service)s completed your referral %(code)s."),
    "closed": gettext_noop("Your referral %(code)s to %(service)s was closed."),
}
OVERDUE_SENDER = gettext_noop("Your referral %(code)s to %(service)s is overdue (due %(due)s).")
OVERDUE_RECEIVER = gettext_noop(
    "Referral %(code)s to %(service)s awaits your answer since %(due)s."
)
NEW_REFERRAL = gettext_noop("New referral %(code)s to %(service)s.")


def _params(referral: Referral) -> dict[str, Any]:
    return {"service": referral.service.name, "code": referral.code,
            "due": referral.due_on.strftime("%d/%m/%Y")}  # fmt: skip


def notify(user: Any, referral: Referral, message: str) -> Notice:
    return Notice.objects.create(user=user, referral=referral, message=message,
                                 params=_params(referral))  # fmt: skip


def step(referral: Referral, status: str, actor: Any) -> None:
    """Tell the sender of a step taken by someone else."""
    if referral.sent_by_id != getattr(actor, "pk", None) and status in STEP_MESSAGES:
        notify(referral.sent_by, referral, STEP_MESSAGES[status])


def receiving_staff(referral: Referral) -> list[User]:
    """The receiving organisation's members who handle referrals in its country."""
    roles = [r.value for r in Role if Perm.REFER in permissions_for(r)]
    members = (
        Membership.objects.active()
        .filter(organization_id=referral.receiving_organization_id, role__in=roles,
                user__is_active=True)
        .prefetch_related("countries")
        .select_related("user")
    )  # fmt: skip
    found: dict[int, User] = {}
    for m in members:
        countries = {c.pk for c in m.countries.all()}
        if not countries or referral.country_id in countries:
            found.setdefault(m.user_id, m.user)
    return list(found.values())


def arrived(referral: Referral) -> None:
    """A new (unrestricted) referral: its receiving staff find it in their inbox."""
    for user in receiving_staff(referral):
        if user.pk != referral.sent_by_id:
            notify(user, referral, NEW_REFERRAL)


def reminders_send(*, today: date | None = None) -> int:
    """Remind of every open referral past its due date, at most once a day; the number of
    referrals reminded of."""
    today = today or timezone.localdate()
    due = (
        Referral.objects.filter(status__in=OPEN, due_on__lt=today)
        .exclude(reminded_on__gte=today)
        .select_related("service", "sent_by")
        .order_by("pk")
    )
    count = 0
    for referral in due:
        with transaction.atomic():
            marked = Referral.objects.filter(pk=referral.pk).exclude(reminded_on__gte=today)
            if not marked.update(reminded_on=today):
                continue  # another run reminded of it meanwhile
            if referral.sent_by.is_active:
                notify(referral.sent_by, referral, OVERDUE_SENDER)
            if not referral.restricted:
                for user in receiving_staff(referral):
                    if user.pk != referral.sent_by_id:
                        notify(user, referral, OVERDUE_RECEIVER)
            count += 1
    if count:
        log(None, actions.UPDATE, Referral, actor_email="system:referral-reminders",
            reminded=count)  # fmt: skip
    return count


def mark_read(*, user: Any) -> int:
    marked = Notice.objects.filter(user=user, read_at__isnull=True).update(read_at=timezone.now())
    return marked
