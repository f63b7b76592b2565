"""Nicknames and short forms of given names (Pepe -> José), read from data/nicknames.csv.

A nickname may stand for a compound name (Majo -> María José). Keys and values are folded
(lower case, no accents), the way `normalise.fold` leaves them.
"""

from __future__ import annotations

import csv
from functools import cache
from pathlib import Path

_DATA = Path(__file__).parent / "data" / "nicknames.csv"


@cache
def table() -> dict[str, str]:
    with _DATA.open(encoding="utf-8") as fh:
        rows = csv.DictReader(line for line in fh if not line.startswith("#"))
        return {row["nickname"].strip(): row["name"].strip() for row in rows}


def expand(word: str) -> str:
    """The full name a folded nickname stands for, or the word itself."""
    return table().get(word, word)
