"""Requests made twice: one door to tell a re-send from a reuse of the same client id.

Every write that a client may send again (a handover queued offline, an API call retried on
a slow link) carries a UUID made by the client. The first write stores it, unique, beside
`content_digest(content)` of what was asked. A later write with the same UUID is a re-send
when the digest is the same (answer what the first one did, change nothing) and a conflict
when it differs (refuse: `request_id_reused`).

Two ways to keep the id, one door each:

- `claim`: a ledger of requests (a row per request id, with the owner it was sent to: the
  warehouse, the site, the organization…), claimed before the write, inside its
  transaction. The write goes on with `Claim.new`, and notes on it what it made (`note`);
  a re-send gets `Claim.earlier` and answers from what the first one noted.
- `earlier`: the row the write makes carries the id itself (a referral, a booking, a
  handover): look it up before writing, and again when the write's insert fails on the id
  (the same request sent at the same moment, and that one won).
- `create_once`: the same, when the write is the row's creation itself (a DTM tally sheet):
  the earlier row, or the new one made in a savepoint, a twin that won read instead. For a
  file of many requests, `stored_digests` reads the digests once and `known` checks each
  row against them without a query.

In each, the conflict raised is the caller's (`conflict`: an exception, or a function that
makes one), so each module keeps its own error class and message.
"""

from __future__ import annotations

import hashlib
import json
import uuid as uuid_lib
from collections.abc import Callable, Iterable, Mapping
from functools import partial
from typing import Any, Generic, NamedTuple, TypeVar

from django.db import IntegrityError, connection, models, transaction

R = TypeVar("R", bound=models.Model)

# What to raise when the id was used for something else: an exception, or a function that
# makes one (a message translated only when it is needed).
Conflict = Callable[[], Exception] | Exception


def content_digest(content: dict[str, Any]) -> str:
    """SHA-256 of the request's content, independent of key order; dates and UUIDs as text."""
    return hashlib.sha256(json.dumps(content, sort_keys=True, default=str).encode()).hexdigest()


class Claim(NamedTuple, Generic[R]):
    """What `claim` found: at most one of the two is set (neither without a request id)."""

    new: R | None  # this request's row, just written: go on with the write
    earlier: R | None  # the row of the same request sent before: answer what it made


def claim(
    model: type[R],
    request_id: uuid_lib.UUID | None,
    content: dict[str, Any],
    /,
    *,
    conflict: Conflict,
    insert_first: bool = False,
    **owner: Any,
) -> Claim[R]:
    """Claim `request_id` in `model`'s ledger (fields `uuid`, `sha256` and the `owner`'s).

    No id: `Claim(None, None)`, nothing is stored. A new id: its row is created with the
    digest of `content` and the `owner` values (`warehouse=…`), `Claim(row, None)`. An id
    already stored with the same digest and owner: `Claim(None, row)`. An id stored with
    other content, or for another owner (compared by id for a relation): `conflict` is
    raised.

    The row is created in a savepoint, so a twin sent at the same moment that won (an
    IntegrityError on the unique id) is read instead. With `insert_first`, a new id costs
    one statement (INSERT … ON CONFLICT DO NOTHING RETURNING, no look first and no savepoint;
    a re-send one more): for the busiest writes, called inside the write's transaction."""
    if request_id is None:
        return Claim(None, None)
    sha = content_digest(content)
    manager = model._default_manager
    found: R | None
    if insert_first:
        row = model(uuid=request_id, sha256=sha, **owner)
        if _insert_unless_taken(row):
            return Claim(row, None)
        found = manager.get(uuid=request_id)  # sent before, or at once
    else:
        found = manager.filter(uuid=request_id).first()
        if found is None:
            try:
                with transaction.atomic():
                    return Claim(manager.create(uuid=request_id, sha256=sha, **owner), None)
            except IntegrityError:  # sent twice at once: the other one won
                found = manager.get(uuid=request_id)
    _check(found, sha, "sha256", owner, conflict)
    return Claim(None, found)


def earlier(
    rows: type[R] | models.QuerySet[R],
    request_id: uuid_lib.UUID | None,
    sha: str,
    /,
    *,
    conflict: Conflict,
    id_field: str = "uuid",
    digest_field: str = "sha256",
    **owner: Any,
) -> R | None:
    """The row stored under `request_id` (in `id_field`, read from `rows`: a model or a
    query) when this is a re-send of it: the same digest `sha` (in `digest_field`) and the
    same `owner` values. None without an id or when nothing is stored under it; `conflict`
    raised when the id was used for other content or another owner."""
    if request_id is None:
        return None
    query = rows if isinstance(rows, models.QuerySet) else rows._default_manager.all()
    found = query.filter(**{id_field: request_id}).first()
    if found is not None:
        _check(found, sha, digest_field, owner, conflict)
    return found


def create_once(
    rows: type[R],
    request_id: uuid_lib.UUID,
    sha: str,
    create: Callable[[], R],
    /,
    *,
    conflict: Conflict,
    digests: Mapping[Any, str] | None = None,
    id_field: str = "uuid",
    digest_field: str = "sha256",
) -> tuple[R, bool]:
    """(row, created) for a row that carries its request id and digest: the row stored under
    `request_id` before, with the same digest `sha` (`conflict` raised when with another),
    and False; else the row `create()` makes, in a savepoint, and True. When the create fails
    on a unique constraint because a twin sent at the same moment stored the id first, the
    twin's row (and False); any other IntegrityError stands. `digests` (from
    `stored_digests`) saves the first look."""
    seen = partial(known, rows, request_id, sha, conflict=conflict, id_field=id_field,
                   digest_field=digest_field)  # fmt: skip
    if not seen(digests=digests):
        try:
            with transaction.atomic():
                return create(), True
        except IntegrityError:  # the twin that won, or another constraint of the row
            if not seen():
                raise
    return rows._default_manager.get(**{id_field: request_id}), False


def stored_digests(
    rows: type[models.Model],
    ids: Iterable[Any],
    *,
    id_field: str = "uuid",
    digest_field: str = "sha256",
) -> dict[Any, str]:
    """The digest stored under each of these request ids, in one query: read once for a file
    of many requests, then given to `known` or `create_once` as `digests`."""
    query = rows._default_manager.filter(**{f"{id_field}__in": list(ids)})
    return dict(query.values_list(id_field, digest_field))


def known(
    rows: type[models.Model],
    request_id: uuid_lib.UUID | None,
    sha: str,
    *,
    conflict: Conflict,
    digests: Mapping[Any, str] | None = None,
    id_field: str = "uuid",
    digest_field: str = "sha256",
) -> bool:
    """True when `request_id` is stored with the digest `sha` (a re-send), False when nothing
    is stored under it (or no id); `conflict` raised when it is stored with another digest.
    `digests` (from `stored_digests`) answers without a query."""
    if request_id is None:
        return False
    if digests is None:
        digests = stored_digests(rows, [request_id], id_field=id_field, digest_field=digest_field)
    stored = digests.get(request_id)
    if stored is not None and stored != sha:
        raise _made(conflict)
    return stored is not None


def note(request: models.Model | None, **made: Any) -> None:
    """Note on a claimed request row what the write made (`stay=…`), for a re-send to answer
    with. Nothing without a row (a write without a request id)."""
    if request is not None:
        for name, obj in made.items():
            setattr(request, name, obj)
        request.save(update_fields=list(made))


def _check(
    row: models.Model, sha: str, digest_field: str, owner: dict[str, Any], conflict: Conflict
) -> None:
    if getattr(row, digest_field) != sha or any(
        _differs(row, name, value) for name, value in owner.items()
    ):
        raise _made(conflict)


def _made(conflict: Conflict) -> Exception:
    return conflict() if callable(conflict) else conflict


def _differs(row: models.Model, name: str, value: Any) -> bool:
    """Whether `row`'s field `name` holds something else than `value` (a relation by id)."""
    field = row._meta.get_field(name)
    assert isinstance(field, models.Field)  # a concrete field of the row, never a reverse one
    if isinstance(value, models.Model):
        value = value.pk
    return bool(getattr(row, field.attname) != value)


def _insert_unless_taken(row: models.Model) -> bool:
    """INSERT … ON CONFLICT (uuid) DO NOTHING RETURNING id: True and the row's id set when it
    was written, False when the id was taken. (Django's bulk_create(ignore_conflicts=True)
    does not return the id.)"""
    meta = row._meta
    fields = [f for f in meta.concrete_fields if f is not meta.auto_field]
    values = [f.get_db_prep_save(f.pre_save(row, True), connection) for f in fields]
    quote = connection.ops.quote_name
    columns = ", ".join(quote(f.column) for f in fields)
    marks = ", ".join(["%s"] * len(fields))
    unique = next(quote(f.column) for f in fields if f.name == "uuid")
    sql = (
        f"INSERT INTO {quote(meta.db_table)} ({columns}) VALUES ({marks}) "  # noqa: S608
        f"ON CONFLICT ({unique}) DO NOTHING RETURNING {quote(meta.pk.column)}"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, values)
        found = cursor.fetchone()
    if found is None:
        return False
    row.pk = found[0]
    row._state.adding, row._state.db = False, connection.alias
    return True
