"""Writes of identity. Each: permission check -> change -> audit (and timeline), atomic."""

from __future__ import annotations

from caminantes.registry.models import Person


def survivor_of(person: Person) -> Person:
    """The record that stands for this person now: itself, or the one it was merged into
    (following a chain of merges)."""
    seen = {person.pk}
    while person.merged_into_id is not None and person.merged_into_id not in seen:
        seen.add(person.merged_into_id)
        person = Person.objects.get(pk=person.merged_into_id)
    return person
