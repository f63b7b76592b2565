"""What would betray another organisation's record on a page: its planted values (names
and a document number, tests/world.py) and the uuid of each of its records."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db import models

from caminantes.accounts import policies
from tests.world import plant


@dataclass(frozen=True)
class Marker:
    """A value that would betray one record: a planted value or a record's uuid."""

    label: str
    model: str = ""  # the record's model label, for a uuid


def markers(world: dict[type[models.Model], Any], org: Any) -> dict[str, Marker]:
    """What would betray one of `org`'s records, lower-cased.

    Left out: records of models any member may see (shared reference data), records that
    belong to a country rather than to an organisation (duplicate thresholds, dedupe runs:
    shared by every organisation working there), and the organisation itself:
    organisations know of each other."""
    shared = {
        model
        for model, scope in policies.registered_models().items()
        if scope.any_member
        or not (scope.organization or scope.owner or scope.country_rule or scope.assigned)
    }
    found = {word.lower(): Marker(f"planted value {word}") for word in plant(org).words}
    for obj in world.values():
        if type(obj) in shared or obj == org:
            continue
        marker = Marker(f"uuid of {obj._meta.label} {obj.pk}", obj._meta.label)
        found[str(obj.uuid).lower()] = marker
        found[obj.uuid.hex] = marker
    return found


def found_in(text: str, wanted: dict[str, Marker], query: dict[str, Any]) -> set[Marker]:
    """The markers an answer's `readable` text shows. A value the request itself carried
    may come back as typed (a search box keeps its words): that is an echo, not a record.
    (Read an answer once: a streamed export is empty the second time.)"""
    asked = " ".join(str(v) for v in query.values()).lower()
    return {what for marker, what in wanted.items() if marker in text and marker not in asked}
