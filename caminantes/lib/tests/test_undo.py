from __future__ import annotations

from datetime import timedelta

from django.utils import timezone

from caminantes.lib.undo import UNDO_WINDOW, undo_open, undo_until


def test_it_offers_the_undo_for_the_window_and_not_after() -> None:
    now = timezone.now()
    assert undo_open(now - UNDO_WINDOW, now=now)
    assert not undo_open(now - UNDO_WINDOW - timedelta(seconds=1), now=now)
    assert not undo_open(None)


def test_it_says_until_when_only_while_open() -> None:
    done = timezone.now() - timedelta(minutes=1)
    assert undo_until(done) == done + UNDO_WINDOW
    assert undo_until(done - UNDO_WINDOW) is None
    assert undo_until(None) is None
