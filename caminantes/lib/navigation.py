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


_ENTRIES: dict[str, Entry] = {}


def add(url_name: str, label: Any, permission: str | None, *, order: int = 500) -> None:
    _ENTRIES[url_name] = Entry(url_name, label, permission, order)


def entries() -> list[Entry]:
    return sorted(_ENTRIES.values(), key=lambda e: (e.order, e.url_name))
