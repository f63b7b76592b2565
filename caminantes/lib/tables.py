"""Writing a table as CSV or XLSX, formula cells neutralised."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from typing import IO, Any

from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

from caminantes.lib.safecsv import csv_rows, neutralise


@dataclass
class Table:
    name: str
    header: list[str]
    rows: list[list[Any]]
    hxl: list[str] = field(default_factory=list)  # hashtags, one per column, or none
    notes: list[tuple[str, str]] = field(default_factory=list)  # shown in a second sheet


def csv_stream(table: Table, *, with_hxl: bool = False) -> Iterator[str]:
    rows: Iterable[list[Any]] = table.rows
    if with_hxl:
        rows = [table.hxl, *table.rows]
    return csv_rows(table.header, rows)


def _cell(value: Any) -> Any:
    if isinstance(value, str):
        return ILLEGAL_CHARACTERS_RE.sub("", neutralise(value))
    if isinstance(value, Decimal):
        return float(value)
    if value is None or isinstance(value, int | float | date | datetime):
        return value
    return _cell(str(value))


def write_xlsx(table: Table, fh: IO[bytes]) -> None:
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title=table.name[:31])
    sheet.append([_cell(h) for h in table.header])
    if table.hxl:
        sheet.append([_cell(h) for h in table.hxl])
    for row in table.rows:
        sheet.append([_cell(v) for v in row])
    if table.notes:
        notes = workbook.create_sheet(title="notes")
        for key, value in table.notes:
            notes.append([_cell(key), _cell(value)])
    workbook.save(fh)
