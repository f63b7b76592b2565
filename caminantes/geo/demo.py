"""Demo data for geo: the real places (idempotent)."""

from __future__ import annotations

from collections.abc import Callable

from caminantes.geo.services import places_load


def load(say: Callable[[str], None], **options: object) -> None:
    counts = places_load()
    say("Places: " + ", ".join(f"{k} {v}" for k, v in counts.items()))
