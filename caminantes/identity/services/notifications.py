"""In-app notices to one user: marking them read once shown."""

from __future__ import annotations

from collections.abc import Iterable

from django.db import transaction
from django.utils import timezone

from caminantes.accounts.models import User
from caminantes.audit.log import log
from caminantes.identity import actions
from caminantes.identity.models import Notification


def notifications_mark_read(*, user: User, notification_ids: Iterable[int]) -> int:
    """Mark the user's own unread notices among these as read; another user's are left
    alone (a notice belongs to one user). Returns how many were marked."""
    ids = list(notification_ids)
    if not ids:
        return 0
    with transaction.atomic():
        marked = Notification.objects.filter(pk__in=ids, user=user, read_at__isnull=True).update(
            read_at=timezone.now()
        )
        if marked:
            log(user, actions.NOTIFICATIONS_READ, Notification, count=marked)
    return marked
