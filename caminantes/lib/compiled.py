"""A look-up of one fixed shape whose SQL Django compiles once per database, then run with
new values, its rows made into instances the way the ORM makes them (the same converters,
`select_related` objects and annotations: Django's ModelIterable without the compiling).

Compiling a look-up costs 0.5 to 1 ms of CPU every time; PostgreSQL answers the same
look-up by a unique index in 0.1 ms. On a path taken a hundred times a second (an OpenRosa
submission) the compiling was most of the server's work. The queryset is written with the
ORM as usual, with a placeholder for each value:

    BY_TOKEN = Compiled(
        lambda token: AppUser.objects.filter(token_hash=token).select_related("organization"),
        token=str,
    )
    app_user = BY_TOKEN.first(token=token_hash(raw))

A placeholder must reach the SQL as it is (an exact match, a foreign key id: not inside
`icontains`, which would wrap it), and every one must be used; both are checked when the
look-up is compiled. Other parameters (`is_open=True`) are kept as they were compiled. Only
model querysets (no `values()`, no `prefetch_related`).

`insert(obj)` is `obj.save(force_insert=True)` and `update(Model, pk, **values)` is
`Model.objects.filter(pk=pk).update(**values)`, their SQL written once per model and
database (the signals sent, the fields' own preparation of each value); whatever they are
not made for (a model with parents, a value that is an expression) goes the ORM's way.
Imports no app.
"""

from __future__ import annotations

import functools
import threading
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from django.db import connections, models, router, transaction
from django.db.models.query import ModelIterable, get_related_populators  # type: ignore[attr-defined]
from django.db.models.signals import post_save, pre_save

M = TypeVar("M", bound=models.Model)


def _placeholder(name: str, kind: type, n: int) -> Any:
    if kind is int:
        return -917_000_000 - n  # never an id
    if kind is str:
        return f"\x1f{name}\x1f"
    raise TypeError("a placeholder is an int or a str")


@dataclass(frozen=True)
class _Shape:
    alias: str
    sql: str
    params: list[tuple[bool, Any]]  # (a placeholder?, its name or the constant)
    model: type[models.Model]
    init_list: list[str]  # the model's columns: their attribute names...
    start: int  # ...and where they are in a row
    end: int
    converters: list[tuple[int, list[Any], Any]]  # (column, converters, expression)
    populators: list[Any]  # select_related
    annotations: list[tuple[str, int]]


class Compiled(Generic[M]):
    def __init__(self, build: Callable[..., models.QuerySet[M]], **kinds: type) -> None:
        self._build = build
        self._placeholders = {
            name: _placeholder(name, kind, n) for n, (name, kind) in enumerate(kinds.items())
        }
        self._shapes: dict[str, _Shape] = {}
        self._lock = threading.Lock()

    def _params(self, params: Any) -> list[tuple[bool, Any]]:
        by_value = {value: name for name, value in self._placeholders.items()}
        order: list[tuple[bool, Any]] = []
        for p in params:
            if isinstance(p, int | str) and not isinstance(p, bool) and p in by_value:
                order.append((True, by_value[p]))
            elif isinstance(p, str) and "\x1f" in p:
                raise ValueError(f"a placeholder reached the SQL changed: {p!r}")
            else:
                order.append((False, p))
        if {name for placeholder, name in order if placeholder} != set(self._placeholders):
            raise ValueError("a placeholder of the look-up is not in its SQL")
        return order

    def _compile(self, alias: str | None) -> _Shape:
        qs = self._build(**self._placeholders)
        prefetch = qs._prefetch_related_lookups  # type: ignore[attr-defined]
        if qs._iterable_class is not ModelIterable or prefetch:
            raise ValueError("a compiled look-up reads model instances, without prefetching")
        # A related manager's queryset (app_user.forms) carries its instance: not compiled.
        if qs._known_related_objects:  # type: ignore[attr-defined]
            raise ValueError("write the look-up from the model's manager")
        alias = alias or router.db_for_read(qs.model)
        compiler = qs.query.get_compiler(using=alias)
        sql, params = compiler.as_sql()
        select, klass_info = compiler.select, compiler.klass_info
        fields = klass_info["select_fields"]
        start, end = fields[0], fields[-1] + 1
        converters = compiler.get_converters([s[0] for s in select[: compiler.col_count]])
        return _Shape(
            alias=alias, sql=sql, params=self._params(params), model=klass_info["model"],
            init_list=[f[0].target.attname for f in select[start:end]], start=start, end=end,
            converters=[(pos, convs, expr) for pos, (convs, expr) in converters.items()],
            populators=get_related_populators(klass_info, select, alias),
            annotations=list(compiler.annotation_col_map.items()),
        )  # fmt: skip

    def _shape(self, using: str | None) -> _Shape:
        key = using or ""
        shape = self._shapes.get(key)
        if shape is None:
            shape = self._compile(using)
            with self._lock:
                self._shapes[key] = shape
        return shape

    def all(self, using: str | None = None, **values: Any) -> list[M]:
        shape = self._shape(using)
        connection = connections[shape.alias]
        params = [values[item] if placeholder else item for placeholder, item in shape.params]
        with connection.cursor() as cursor:
            cursor.execute(shape.sql, params)
            rows = cursor.fetchall()
        found: list[M] = []
        for fetched in rows:
            row = list(fetched)
            for pos, convs, expression in shape.converters:
                value = row[pos]
                for converter in convs:
                    value = converter(value, expression, connection)
                row[pos] = value
            obj = shape.model.from_db(shape.alias, shape.init_list, row[shape.start : shape.end])
            for populator in shape.populators:
                populator.populate(row, obj)
            for name, pos in shape.annotations:
                setattr(obj, name, row[pos])
            found.append(obj)  # type: ignore[arg-type]
        return found

    def first(self, using: str | None = None, **values: Any) -> M | None:
        found = self.all(using, **values)
        return found[0] if found else None


@functools.lru_cache(maxsize=64)
def _insert_sql(
    model: type[models.Model], alias: str, with_pk: bool
) -> tuple[str, list[Any], bool]:
    """The INSERT of a row of `model`, its fields, and whether it can be sent as it is (or
    must go through the ORM: parents, a field with its own placeholder, no RETURNING)."""
    meta, connection = model._meta, connections[alias]
    qn = connection.ops.quote_name
    fields = [
        f for f in meta.local_concrete_fields
        if not f.generated and (with_pk or f is not meta.auto_field)
    ]  # fmt: skip
    returning, returning_params = connection.ops.return_insert_columns(meta.db_returning_fields)
    plain = (
        not meta.parents
        and not meta.order_with_respect_to
        and not returning_params
        and bool(connection.features.can_return_columns_from_insert)
        and not any(hasattr(f, "get_placeholder") for f in fields)
    )
    # Identifiers of the model, quoted; every value is a parameter.
    sql = (
        f"INSERT INTO {qn(meta.db_table)} ({', '.join(qn(f.column) for f in fields)}) "  # noqa: S608
        f"VALUES ({', '.join(['%s'] * len(fields))}) {returning}"
    )
    return sql, fields, plain


def insert(obj: models.Model, using: str | None = None) -> None:
    """`obj.save(force_insert=True)` with the INSERT written once (see the module)."""
    model = type(obj)
    meta = model._meta
    alias = using or router.db_for_write(model, instance=obj)
    if meta.proxy or meta.parents or meta.auto_created:
        obj.save(force_insert=True, using=alias)
        return
    obj._prepare_related_fields_for_save(operation_name="save")  # type: ignore[attr-defined]
    pre_save.send(sender=model, instance=obj, raw=False, using=alias, update_fields=None)
    if not obj._is_pk_set(meta):  # type: ignore[attr-defined]
        setattr(obj, meta.pk.attname, meta.pk.get_pk_value_on_save(obj))  # type: ignore[attr-defined]
    sql, fields, plain = _insert_sql(model, alias, obj._is_pk_set(meta))  # type: ignore[attr-defined]
    connection = connections[alias]
    raw = [f.pre_save(obj, True) for f in fields]
    returning = meta.db_returning_fields
    with transaction.mark_for_rollback_on_error(using=alias):
        if not plain or any(hasattr(v, "resolve_expression") for v in raw):
            returned = model._base_manager._insert(  # type: ignore[attr-defined]
                [obj], fields=fields, returning_fields=returning, using=alias
            )
            row = list(returned[0]) if returned else []
        else:
            params = [f.get_db_prep_save(v, connection) for f, v in zip(fields, raw, strict=True)]
            with connection.cursor() as cursor:
                cursor.execute(sql, params)
                row = list(connection.ops.fetch_returned_insert_columns(cursor, ()))
            for i, field in enumerate(returning):
                col = field.get_col(meta.db_table)
                for convert in connection.ops.get_db_converters(col) + col.get_db_converters(
                    connection
                ):
                    row[i] = convert(row[i], col, connection)
    for value, field in zip(row, meta.db_returning_fields, strict=False):
        setattr(obj, field.attname, value)
    obj._state.db = alias
    obj._state.adding = False
    post_save.send(
        sender=model, instance=obj, created=True, update_fields=None, raw=False, using=alias
    )


@functools.lru_cache(maxsize=64)
def _update_sql(
    model: type[models.Model], alias: str, names: tuple[str, ...]
) -> tuple[str, list[Any]]:
    meta, connection = model._meta, connections[alias]
    qn = connection.ops.quote_name
    fields: list[Any] = [meta.get_field(name) for name in names]
    if any(not f.concrete or f.primary_key or hasattr(f, "get_placeholder") for f in fields):
        raise ValueError("update() sets plain columns")
    sets = ", ".join(f"{qn(f.column)} = %s" for f in fields)
    where = f"{qn(meta.pk.column)} = %s"
    return f"UPDATE {qn(meta.db_table)} SET {sets} WHERE {where}", fields  # noqa: S608


def update(model: type[models.Model], pk: Any, using: str | None = None, **values: Any) -> int:
    """`model.objects.filter(pk=pk).update(**values)` with the UPDATE written once: the rows
    changed (no signal, as update() sends none)."""
    alias = using or router.db_for_write(model)
    if any(
        hasattr(v, "resolve_expression") or hasattr(v, "prepare_database_save")
        for v in values.values()
    ):  # an expression, a model instance: the ORM's way
        return int(model._base_manager.using(alias).filter(pk=pk).update(**values))
    sql, fields = _update_sql(model, alias, tuple(values))
    connection = connections[alias]
    params = [
        f.get_db_prep_save(values[name], connection) for name, f in zip(values, fields, strict=True)
    ]
    params.append(model._meta.pk.get_db_prep_value(pk, connection))
    with transaction.mark_for_rollback_on_error(using=alias), connection.cursor() as cursor:
        cursor.execute(sql, params)
        return int(cursor.rowcount)
