"""Writing many rows at once: COPY on PostgreSQL, `bulk_create` elsewhere (SQLite).

Rows are dicts of attribute values (`household_id`, not `household`). Whatever a row does
not give comes from the model's own defaults, computed once per model and kind of row (a
fresh uuid4 per row for UUID fields, the same `now` for auto_now fields), so a field added
to a model with a default needs no change here. On PostgreSQL, ids can be reserved from the
table's sequence first, so that rows pointing at each other go in without a round trip.
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


class BulkWriter:
    def __init__(self) -> None:
        self.copy = connection.vendor == "postgresql"
        self._plans: dict[tuple[type[models.Model], tuple[str, ...]], tuple[str, list[Any]]] = {}

    def reserve_ids(self, model: type[models.Model], n: int) -> list[int] | None:
        """n ids from the table's sequence (PostgreSQL), or None: the insert will give them."""
        if not self.copy:
            return None
        if n == 0:
            return []
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)",
                [model._meta.db_table, model._meta.pk.column, n],
            )
            return [row[0] for row in cursor.fetchall()]

    def write(self, model: type[models.Model], rows: list[dict[str, Any]]) -> list[Any]:
        """Insert the rows; their ids in order: given ones, or (bulk_create) the database's.

        COPY does not return ids: rows that need theirs get them from `reserve_ids`.
        """
        if not rows:
            return []
        if not self.copy:
            objs = [model(**row) for row in rows]
            model._default_manager.bulk_create(objs, batch_size=2000)
            return [obj.pk for obj in objs]
        keys = tuple(rows[0])
        columns, getters = self._plan(model, keys)
        sql = f"COPY {connection.ops.quote_name(model._meta.db_table)} ({columns}) FROM STDIN"
        with connection.cursor() as cursor, cursor.cursor.copy(sql) as copy:
            for row in rows:
                copy.write_row([get(row) for get in getters])
        return [row.get("id") for row in rows]

    def _plan(self, model: type[models.Model], keys: tuple[str, ...]) -> tuple[str, list[Any]]:
        plan = self._plans.get((model, keys))
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
                if field.get_internal_type() == "JSONField":
                    getters.append(
                        lambda row, a=attname, f=field: f.get_db_prep_save(row[a], connection)
                    )
                else:
                    getters.append(lambda row, a=attname: row[a])
            elif field.has_default() and field.default is uuid.uuid4:
                getters.append(lambda row: uuid.uuid4())
            else:
                value = field.get_db_prep_save(field.pre_save(template, True), connection)
                getters.append(lambda row, v=value: v)
        plan = (", ".join(names), getters)
        self._plans[(model, keys)] = plan
        return plan
