"""Fixed-window rate limits on Django's cache: `hit(key, limit=, window=)`.

The cache must be shared by every web process for a limit to hold across them (settings
use the database cache, or Redis when configured; never a per-process memory cache). Keys
are hashed, so an e-mail address or an address typed by an attacker can be part of a key
without reaching the cache in clear or breaking its key rules.
"""

from __future__ import annotations

import hashlib
import time

from django.core.cache import cache


def _cache_key(key: str, window: int) -> str:
    digest = hashlib.sha256(key.encode("utf-8", "surrogatepass")).hexdigest()
    return f"rl:{window}:{int(time.time() // window)}:{digest}"


def hit(key: str, *, limit: int, window: int) -> bool:
    """Count one hit on `key`; True while at most `limit` hits fell in this `window` (seconds).

    Once refused, further hits keep counting until the window ends. A limit below 1 refuses
    everything. (Django's database cache increments by read-then-write, so a burst of
    simultaneous hits may slip a few past the limit; Redis counts atomically.)
    """
    if window < 1:
        raise ValueError("window must be at least one second")
    name = _cache_key(key, window)
    # add() is a no-op when the counter exists; +1 second so it outlives its window.
    cache.add(name, 0, timeout=window + 1)
    try:
        count = cache.incr(name)
    except ValueError:  # expired between add() and incr()
        cache.set(name, 1, timeout=window + 1)
        count = 1
    return count <= limit
