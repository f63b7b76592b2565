"""How long a one-tap decision can be taken back.

"Not the same person", voiding a tally sheet and withdrawing a consent are one tap each, on
a phone, in a queue: each asks for a confirmation first, and the person who meant the other
button has a few minutes to undo it. After that, the decision stands; a later change is an
ordinary new decision (a new consent, a new sheet), not an undo.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from django.utils import timezone

UNDO_MINUTES = 10
UNDO_WINDOW = timedelta(minutes=UNDO_MINUTES)


def undo_open(done_at: datetime | None, *, now: datetime | None = None) -> bool:
    """True while a decision taken at `done_at` may still be undone."""
    if done_at is None:
        return False
    return (now or timezone.now()) - done_at <= UNDO_WINDOW


def undo_until(done_at: datetime | None) -> datetime | None:
    """While the undo is offered, the moment it stops (shown to the person as a time)."""
    if done_at is None or not undo_open(done_at):
        return None
    return done_at + UNDO_WINDOW
