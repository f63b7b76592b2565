"""Text clean-up shared by the reader and the reference lists."""

from __future__ import annotations

import re
from functools import lru_cache

import ftfy
from unidecode import unidecode

_SPACES = re.compile(r"\s+")
_PUNCTUATION = re.compile(r"[^a-z0-9+<]+")


@lru_cache(maxsize=65536)
def _repair(text: str) -> str:
    return _SPACES.sub(" ", ftfy.fix_text(text)).strip()


def clean_text(value: str) -> str:
    """Mojibake repaired (ftfy), trimmed, inner whitespace collapsed. ASCII text cannot
    hold mojibake, so it skips ftfy: most cells of a 5W are ASCII, and this keeps a
    50,000-row workbook fast."""
    if value.isascii():
        if "  " in value or "\n" in value or "\t" in value or "\r" in value:
            return _SPACES.sub(" ", value).strip()
        return value.strip()
    return _repair(value)


@lru_cache(maxsize=65536)
def fold(text: str) -> str:
    """A matching key: repaired, accents and case dropped, punctuation as single spaces
    ("Bogotá D.C." and "BOGOTA DC" fold alike)."""
    return _SPACES.sub(" ", _PUNCTUATION.sub(" ", unidecode(clean_text(text)).lower())).strip()
