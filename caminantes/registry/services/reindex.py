"""Rebuild what registration derives from names and numbers, after the rules changed.

A person's search name and keys (`fields.name_fields`) and a document's look-up hash
(`fields.document_fields`) are computed once, when written. When the rules in `lib.names`
change (a new sound rule, new typo keys, a document form), the stored values must follow
or the search and the duplicate check miss what they used to find. The data migration
`0010_rebuild_search_keys` runs this on upgrade; `caminantes search_index` runs it by hand.
Only rows whose value changed are written, so a second run writes nothing.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.db import connection, transaction

from caminantes.lib import crypto
from caminantes.registry import duplicates
from caminantes.registry.services.fields import name_fields

BATCH = 2000


def _update(model: Any, columns: list[str], rows: list[tuple[Any, ...]]) -> None:
    """UPDATE rows (new values..., pk) in one transaction, as one batch of statements:
    `bulk_update` builds a CASE per column and took most of a million-row rebuild."""
    if not rows:
        return
    sets = ", ".join(f"{connection.ops.quote_name(c)} = %s" for c in columns)
    sql = f"UPDATE {connection.ops.quote_name(model._meta.db_table)} SET {sets} WHERE id = %s"  # noqa: S608 - our own table and columns
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.executemany(sql, rows)


@dataclass
class Rebuilt:
    people_checked: int = 0
    people_changed: int = 0
    documents_checked: int = 0
    documents_changed: int = 0
    documents_unreadable: int = 0


def search_keys_rebuild(
    *,
    person_model: Any,
    document_model: Any,
    batch_size: int = BATCH,
    progress: Callable[[Rebuilt], None] | None = None,
) -> Rebuilt:
    """Recompute every person's search name and keys and every document's look-up hash.

    Takes the models so a data migration can pass its historical ones. Erased people keep
    their empty keys; a document that no configured key can decrypt keeps its hash and is
    counted as unreadable (the key rotation's own report says what to do)."""
    done = Rebuilt()
    people = person_model.objects.filter(anonymised_at__isnull=True).order_by("pk")
    last = 0
    while True:
        rows = list(
            people.filter(pk__gt=last).values_list(
                "pk",
                "given_names",
                "first_surname",
                "second_surname",
                "preferred_name",
                "search_name",
                "search_tokens",
            )[:batch_size]
        )
        if not rows:
            break
        changed: list[tuple[Any, ...]] = []
        for pk, given, first, second, preferred, name, keys in rows:
            fields = name_fields(given, first, second, preferred)
            if fields["search_name"] != name or fields["search_tokens"] != keys:
                changed.append((fields["search_name"], json.dumps(fields["search_tokens"]), pk))
        _update(person_model, ["search_name", "search_tokens"], changed)
        last = rows[-1][0]
        done.people_checked += len(rows)
        done.people_changed += len(changed)
        if progress:
            progress(done)
    last = 0
    documents = document_model.objects.exclude(number_encrypted="").order_by("pk")
    while True:
        docs = list(
            documents.filter(pk__gt=last).values_list(
                "pk", "number_encrypted", "number_hash", "number_last4"
            )[:batch_size]
        )
        if not docs:
            break
        changed = []
        for pk, encrypted, old_hash, old_last4 in docs:
            try:
                number = crypto.decrypt(encrypted)
            except crypto.InvalidToken:
                done.documents_unreadable += 1
                continue
            normalised = duplicates.normalise_document(number)
            new_hash = crypto.lookup_hash(normalised, purpose="document")
            if (new_hash, normalised[-4:]) != (old_hash, old_last4):
                changed.append((new_hash, normalised[-4:], pk))
        _update(document_model, ["number_hash", "number_last4"], changed)
        last = docs[-1][0]
        done.documents_checked += len(docs)
        done.documents_changed += len(changed)
        if progress:
            progress(done)
    return done
