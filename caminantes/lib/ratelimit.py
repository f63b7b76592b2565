"""Count attempts per key in fixed time windows, in Django's cache.

`hit(key, limit, window)` records one attempt and answers whether it is still within
`limit` attempts in the current `window` (seconds). The key says what is limited and for
whom ("tracing-search:user:42", "login:ip:10.0.0.1"). Counts live in the configured cache:
with the default local-memory cache each process counts on its own, so production should
point CACHES at a cache the processes share (database, Redis, memcached).

Imports no app.
"""

from __future__ import annotations

import time

from django.core.cache import cache

PREFIX = "ratelimit:"


def _slot(key: str, window: int) -> str:
    return f"{PREFIX}{key}:{window}:{int(time.time() // window)}"


def hit(key: str, limit: int, window: int) -> bool:
    """One more attempt under `key`: True while at most `limit` in this window."""
    if limit < 1 or window < 1:
        raise ValueError("limit and window must be positive")
    slot = _slot(key, window)
    # add() is a no-op when the slot exists, so two processes starting a window at once
    # do not reset each other's count; incr() is atomic on the shared caches.
    cache.add(slot, 0, timeout=window + 1)
    try:
        count = cache.incr(slot)
    except ValueError:  # the slot expired between add() and incr()
        cache.set(slot, 1, timeout=window + 1)
        count = 1
    return count <= limit


def count(key: str, window: int) -> int:
    """Attempts recorded under `key` in the current window."""
    return int(cache.get(_slot(key, window), 0))


def reset(key: str, window: int) -> None:
    """Forget the current window's attempts (after a successful login, say)."""
    cache.delete(_slot(key, window))
