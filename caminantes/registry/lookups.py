"""`has_any_token`: does a JSON list of strings hold any of these? One door for both
databases: PostgreSQL answers from the GIN index on the column (`?|`), SQLite walks the
list with json_each (fine at the sizes an embedded install holds)."""

from __future__ import annotations

from typing import Any

from django.db import models
from django.db.models import Lookup


@models.JSONField.register_lookup
class HasAnyToken(Lookup):
    lookup_name = "has_any_token"
    prepare_rhs = False

    def get_db_prep_lookup(self, value: Any, connection: Any) -> Any:
        return ("%s", [list(value)])

    def as_sql(self, compiler: Any, connection: Any) -> tuple[str, list[Any]]:
        lhs, lhs_params = self.process_lhs(compiler, connection)
        values = [str(v) for v in self.rhs]
        if not values:
            return "1 = 0", []
        marks = ", ".join(["%s"] * len(values))
        return (
            # The column comes from the compiler, the values are parameters.
            f"EXISTS (SELECT 1 FROM json_each({lhs}) WHERE json_each.value IN ({marks}))",  # noqa: S608
            [*lhs_params, *values],
        )

    def as_postgresql(self, compiler: Any, connection: Any) -> tuple[str, list[Any]]:
        lhs, lhs_params = self.process_lhs(compiler, connection)
        values = [str(v) for v in self.rhs]
        if not values:
            return "1 = 0", []
        return f"{lhs} ?| %s::text[]", [*lhs_params, values]
