"""Writing many rows at once: COPY on PostgreSQL, one `executemany` on SQLite.

Rows are dicts of attribute values (`household_id`, not `household`). Whatever a row does
not give comes from the model's own defaults, computed once per model and kind of row (a
fresh uuid4 per row for UUID fields, the same `now` for auto_now fields), so a field added
to a model with a default needs no change here. Ids can be reserved first, so that rows
pointing at each other go in without a round trip: from the table's sequence on PostgreSQL;
on SQLite above the table's highest id so far, which is safe inside a transaction (begun
IMMEDIATE, see settings: no other connection writes until it ends) as long as the rows are
written before anything else inserts into that table. Outside a transaction, SQLite falls
back to `bulk_create` (the database gives the ids).

Used by the registry (registration, imports) and the DTM demo. Imports no app.
"""

from __future__ import annotations

import gc
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from django.db import connection, models


@contextmanager
def gc_paused() -> Iterator[None]:
    """No cyclic garbage collection during a bulk loop.

    The loops make millions of short-lived objects; each full collection then walks every
    object of the process, which costs a quarter of the time. Reference counting still
    frees what the loops drop, so memory stays bounded; collection resumes afterwards.
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


_INTEGER_KEYS = {"AutoField", "BigAutoField", "SmallAutoField"}
# Fields whose preparation only checks the value's type: SQLite takes their values as they
# are, as COPY does (half the cost of a wide row of counts).
_PLAIN = {
    models.IntegerField, models.PositiveIntegerField, models.PositiveSmallIntegerField,
    models.SmallIntegerField, models.BigIntegerField, models.BooleanField, models.CharField,
    models.TextField,
}  # fmt: skip


def _plain(field: models.Field[Any, Any]) -> bool:
    """A field of exactly one of those types (not a subclass: an encrypted text is not
    plain), or a foreign key to an integer id."""
    if isinstance(field, models.ForeignKey):
        return field.target_field.get_internal_type() in _INTEGER_KEYS
    return type(field) in _PLAIN


class BulkWriter:
    def __init__(self) -> None:
        self.copy = connection.vendor == "postgresql"
        self._plans: dict[tuple[Any, ...], tuple[str, list[Any]]] = {}
        # SQLite: the next id to hand out per table (ids reserved and not yet written count).
        self._next_id: dict[type[models.Model], int] = {}

    def _sqlite_ids(self, model: type[models.Model]) -> bool:
        """SQLite can hand out ids itself: inside a transaction, for an integer key."""
        return (
            connection.vendor == "sqlite"
            and connection.in_atomic_block
            and model._meta.pk.get_internal_type() in _INTEGER_KEYS
        )

    def reserve_ids(self, model: type[models.Model], n: int) -> list[int] | None:
        """n ids for new rows of `model`, or None: the insert will give them (SQLite outside
        a transaction)."""
        if n == 0 and (self.copy or self._sqlite_ids(model)):
            return []
        if self.copy:
            with connection.cursor() as cursor:
                cursor.execute(
                    "SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)",
                    [model._meta.db_table, model._meta.pk.column, n],
                )
                return [row[0] for row in cursor.fetchall()]
        if not self._sqlite_ids(model):
            return None
        table, pk = model._meta.db_table, model._meta.pk.column
        with connection.cursor() as cursor:
            # AUTOINCREMENT tables never reuse an id, not even a deleted row's: above both the
            # highest id in the table and the highest ever given (sqlite_sequence), and above
            # what this writer reserved and has not written yet.
            cursor.execute(
                f"SELECT MAX(COALESCE((SELECT MAX({connection.ops.quote_name(pk)}) "  # noqa: S608
                f"FROM {connection.ops.quote_name(table)}), 0), "
                "COALESCE((SELECT seq FROM sqlite_sequence WHERE name = %s), 0))",
                [table],
            )
            start = max(int(cursor.fetchone()[0]) + 1, self._next_id.get(model, 0))
        self._next_id[model] = start + n
        return list(range(start, start + n))

    def write(self, model: type[models.Model], rows: list[dict[str, Any]]) -> list[Any]:
        """Insert the rows; their ids in order: given (reserved) ones, else new ones.

        COPY does not return ids: on PostgreSQL, rows that need theirs get them from
        `reserve_ids` first.
        """
        if not rows:
            return []
        if not self.copy and not self._sqlite_ids(model):
            objs = [model(**row) for row in rows]
            model._default_manager.bulk_create(objs, batch_size=2000)
            return [obj.pk for obj in objs]
        if not self.copy:
            return self._executemany(model, rows)
        keys = tuple(rows[0])
        columns, getters = self._plan(model, keys)
        sql = f"COPY {connection.ops.quote_name(model._meta.db_table)} ({columns}) FROM STDIN"
        with connection.cursor() as cursor, cursor.cursor.copy(sql) as copy:
            for row in rows:
                copy.write_row([get(row) for get in getters])
        return [row.get("id") for row in rows]

    def _executemany(self, model: type[models.Model], rows: list[dict[str, Any]]) -> list[Any]:
        """SQLite: every row with its id (reserved here when it has none), each value
        prepared by its field as bulk_create prepares it, in one statement for all rows:
        bulk_create compiles SQL for every row (half the time of registering in bulk)."""
        pk = model._meta.pk.attname
        given = [row[pk] for row in rows if row.get(pk) is not None]
        if given:
            self._next_id[model] = max(self._next_id.get(model, 0), max(given) + 1)
        missing = [row for row in rows if row.get(pk) is None]
        if missing:
            ids = self.reserve_ids(model, len(missing)) or []
            for row, new_id in zip(missing, ids, strict=True):
                row[pk] = new_id
        keys = tuple(rows[0])
        columns, getters = self._plan(model, keys, prepare=True)
        table = connection.ops.quote_name(model._meta.db_table)
        marks = ", ".join(["%s"] * len(getters))
        with connection.cursor() as cursor:
            cursor.executemany(
                f"INSERT INTO {table} ({columns}) VALUES ({marks})",  # noqa: S608
                [[get(row) for get in getters] for row in rows],
            )
        return [row[pk] for row in rows]

    def _plan(
        self, model: type[models.Model], keys: tuple[str, ...], *, prepare: bool = False
    ) -> tuple[str, list[Any]]:
        """The columns, and a getter per column giving a row's value. `prepare`: each value
        but a plain one (_PLAIN) through its field's `get_db_prep_save` (SQLite's driver
        takes no uuid, no aware datetime); COPY adapts Python's types itself and needs it for
        JSON only."""
        plan = self._plans.get((model, keys, prepare))
        if plan is not None:
            return plan
        template = model()
        names: list[str] = []
        getters: list[Any] = []
        for field in model._meta.concrete_fields:
            attname = field.attname
            if field.primary_key and attname not in keys:
                continue  # the sequence's default
            names.append(connection.ops.quote_name(field.column))
            if attname in keys:
                if (prepare and not _plain(field)) or (field.get_internal_type() == "JSONField"):
                    getters.append(
                        lambda row, a=attname, f=field: f.get_db_prep_save(row[a], connection)
                    )
                else:
                    getters.append(lambda row, a=attname: row[a])
            elif field.has_default() and field.default is uuid.uuid4:
                if prepare:
                    getters.append(
                        lambda row, f=field: f.get_db_prep_save(uuid.uuid4(), connection)
                    )
                else:
                    getters.append(lambda row: uuid.uuid4())
            else:
                value = field.get_db_prep_save(field.pre_save(template, True), connection)
                getters.append(lambda row, v=value: v)
        plan = (", ".join(names), getters)
        self._plans[(model, keys, prepare)] = plan
        return plan
