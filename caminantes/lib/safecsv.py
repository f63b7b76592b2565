"""CSV that a spreadsheet cannot turn into a formula (OWASP CSV injection)."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Iterator
from typing import Any

_DANGEROUS = ("=", "+", "-", "@", "\t", "\r")


def neutralise(value: Any) -> Any:
    """Prefix a quote to text a spreadsheet would read as a formula; numbers pass."""
    if isinstance(value, str) and value.startswith(_DANGEROUS):
        return "'" + value
    return value


def _line(values: Iterable[Any]) -> str:
    buffer = io.StringIO()
    csv.writer(buffer).writerow(values)
    return buffer.getvalue()


def csv_rows(header: list[str], rows: Iterable[Iterable[Any]]) -> Iterator[str]:
    """Stream CSV lines (UTF-8 with BOM so Excel reads the accents), cells neutralised."""
    yield "\ufeff"
    yield _line(header)
    for row in rows:
        yield _line(neutralise(v) for v in row)
