"""Count attempts per key in fixed time windows, in the cache the processes share.

`hit(key, limit, window)` records one attempt and answers whether it is still within
`limit` attempts in the current `window` (seconds). The key says what is limited and for
whom ("tracing-search:user:42", "login:ip:10.0.0.1").

Counting must be atomic, or parallel requests (password guesses from many threads) each
read the same count and the limit lets through as many more as run at once:
- on Django's database cache (the default, settings.CACHES), whose `incr` is a read and a
  write, each attempt is one INSERT ... ON CONFLICT DO UPDATE ... RETURNING on the cache's
  own table (SQLite 3.35+ and PostgreSQL run it as one statement, under the row's lock);
  the row holds the plain count, under a key of its own that the cache API never reads,
  with the window's end as its expiry, so the cache's own culling clears old windows;
- on any other cache (Redis in production), `add` then `incr`, which are atomic there.
With the local-memory cache each process would count on its own: production must not use it.

Imports no app.
"""

from __future__ import annotations

import hashlib
import time
from datetime import UTC, datetime
from typing import Any

from django.core.cache import cache, caches
from django.core.cache.backends.db import DatabaseCache
from django.db import connections, router
from django.db.backends.base.base import BaseDatabaseWrapper

PREFIX = "ratelimit:"


def _slot(key: str, window: int) -> str:
    slot = f"{PREFIX}{key}:{window}:{int(time.time() // window)}"
    if len(slot) > 200:  # the database cache's keys are at most 255 characters
        slot = PREFIX + hashlib.sha256(slot.encode()).hexdigest()
    return slot


def _database_cache() -> DatabaseCache | None:
    backend = caches["default"]
    if not isinstance(backend, DatabaseCache):
        return None
    connection = connections[router.db_for_write(backend.cache_model_class)]
    if connection.vendor == "sqlite" and not connection.features.can_return_columns_from_insert:
        return None  # SQLite before 3.35: no RETURNING
    if connection.vendor not in ("sqlite", "postgresql"):
        return None
    return backend


def _expiry(connection: BaseDatabaseWrapper, seconds_from_now: float) -> Any:
    """The moment as the cache table's `expires` column holds it."""
    moment = datetime.fromtimestamp(time.time() + seconds_from_now, tz=UTC)
    return connection.ops.adapt_datetimefield_value(moment)


def _table(backend: DatabaseCache, connection: BaseDatabaseWrapper) -> str:
    return str(connection.ops.quote_name(backend._table))  # type: ignore[attr-defined]


def _upsert(backend: DatabaseCache, slot: str, window: int) -> int:
    connection = connections[router.db_for_write(backend.cache_model_class)]
    table = _table(backend, connection)
    now, expires = _expiry(connection, 0), _expiry(connection, window + 1)
    with connection.cursor() as cursor:
        # A row left from an expired window of the same slot (a clock set back) starts at 1.
        cursor.execute(
            f"INSERT INTO {table} (cache_key, value, expires) VALUES (%s, '1', %s) "  # noqa: S608
            "ON CONFLICT (cache_key) DO UPDATE SET "
            f"value = CASE WHEN {table}.expires < %s THEN '1' "
            f"ELSE CAST(CAST({table}.value AS INTEGER) + 1 AS TEXT) END, "
            f"expires = CASE WHEN {table}.expires < %s THEN excluded.expires "
            f"ELSE {table}.expires END "
            "RETURNING value",
            [slot, expires, now, now],
        )
        return int(cursor.fetchone()[0])


def hit(key: str, limit: int, window: int) -> bool:
    """One more attempt under `key`: True while at most `limit` in this window."""
    if limit < 1 or window < 1:
        raise ValueError("limit and window must be positive")
    slot = _slot(key, window)
    backend = _database_cache()
    if backend is not None:
        return _upsert(backend, slot, window) <= limit
    # add() is a no-op when the slot exists, so two processes starting a window at once
    # do not reset each other's count; incr() is atomic on Redis and memcached.
    cache.add(slot, 0, timeout=window + 1)
    try:
        count = cache.incr(slot)
    except ValueError:  # the slot expired between add() and incr()
        cache.set(slot, 1, timeout=window + 1)
        count = 1
    return count <= limit


def count(key: str, window: int) -> int:
    """Attempts recorded under `key` in the current window."""
    slot = _slot(key, window)
    backend = _database_cache()
    if backend is None:
        return int(cache.get(slot, 0))
    connection = connections[router.db_for_read(backend.cache_model_class)]
    table = _table(backend, connection)
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT value FROM {table} WHERE cache_key = %s AND expires >= %s",  # noqa: S608
            [slot, _expiry(connection, 0)],
        )
        row = cursor.fetchone()
    return int(row[0]) if row else 0


def reset(key: str, window: int) -> None:
    """Forget the current window's attempts (after a successful login, say)."""
    slot = _slot(key, window)
    backend = _database_cache()
    if backend is None:
        cache.delete(slot)
        return
    connection = connections[router.db_for_write(backend.cache_model_class)]
    with connection.cursor() as cursor:
        cursor.execute(
            f"DELETE FROM {_table(backend, connection)} WHERE cache_key = %s",  # noqa: S608
            [slot],
        )
