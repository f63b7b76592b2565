"""The main menu grows with each module: apps add entries here in AppConfig.ready()."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Entry:
    url_name: str
    label: Any  # a lazy translation
    permission: str | None
    order: int
    # Other permissions that show the entry as well (a page two kinds of staff share).
    alternatives: tuple[str, ...] = ()

    @property
    def permissions(self) -> tuple[str, ...]:
        """Any one of these shows the entry; empty when everyone sees it."""
        return () if self.permission is None else (self.permission, *self.alternatives)


_ENTRIES: dict[str, Entry] = {}


def add(
    url_name: str, label: Any, permission: str | None, *, order: int = 500,
    alternatives: tuple[str, ...] = (),
) -> None:  # fmt: skip
    _ENTRIES[url_name] = Entry(url_name, label, permission, order, alternatives)


def entries() -> list[Entry]:
    return sorted(_ENTRIES.values(), key=lambda e: (e.order, e.url_name))
