"""Rebuild what registration derives from names and numbers, after the rules changed.

A person's search name and keys (`fields.name_fields`) and a document's look-up hash
(`fields.document_fields`) are computed once, when written. When the rules in `lib.names`
change (a new sound rule, new typo keys, a document form), the stored values must follow
or the search and the duplicate check miss what they used to find. The data migration
`0007_rebuild_search_keys` runs this on upgrade; `caminantes search_index` runs it by hand.
Only rows whose value changed are written, so a second run writes nothing.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.db import transaction

from caminantes.lib import crypto
from caminantes.registry import duplicates
from caminantes.registry.services.fields import name_fields

BATCH = 2000


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
        changed = []
        for pk, given, first, second, preferred, name, keys in rows:
            fields = name_fields(given, first, second, preferred)
            if fields["search_name"] != name or fields["search_tokens"] != keys:
                changed.append(person_model(pk=pk, **fields))
        with transaction.atomic():
            person_model.objects.bulk_update(changed, ["search_name", "search_tokens"])
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
                changed.append(
                    document_model(pk=pk, number_hash=new_hash, number_last4=normalised[-4:])
                )
        with transaction.atomic():
            document_model.objects.bulk_update(changed, ["number_hash", "number_last4"])
        last = docs[-1][0]
        done.documents_checked += len(docs)
        done.documents_changed += len(changed)
        if progress:
            progress(done)
    return done
