"""The report as a file: CSV (one line per cell, long format) or XLSX (a sheet per table and
a legend). The cells are the page's, already suppressed: "<5" and "x" travel as text."""

from __future__ import annotations

from collections.abc import Iterator
from typing import IO, Any

from django.utils.translation import gettext as _
from openpyxl import Workbook

from caminantes.lib.safecsv import csv_rows, neutralise
from caminantes.protection.reports.report import Report, legend


def _cell(value: str) -> int | str:
    """Published numbers as numbers (a spreadsheet can sum them), marks as text."""
    return int(value) if value.isdigit() else neutralise(value)


def _period(report: Report) -> str:
    return f"{report.start:%Y-%m} / {report.end:%Y-%m}"


def csv_stream(report: Report) -> Iterator[str]:
    header = [_("Table"), _("Unit"), _("Row"), _("Column"), _("Count")]
    rows: list[list[Any]] = []
    for table in report.tables:
        for label, cells in table.rows:
            for column, value in zip(table.columns, cells, strict=True):
                rows.append([table.title, table.unit, label, column, value])
    for mark, meaning in legend():
        rows.append([_("Legend"), "", mark, "", meaning])
    rows.append([_("Period"), "", _period(report), "", ""])
    return csv_rows(header, rows)


def write_xlsx(report: Report, fh: IO[bytes]) -> None:
    workbook = Workbook(write_only=True)
    for index, table in enumerate(report.tables, start=1):
        sheet = workbook.create_sheet(title=f"{index}")
        sheet.append([neutralise(table.title)])
        sheet.append([neutralise(f"{report.kind_label}, {report.organization.acronym}, "
                                 f"{report.country.name}, {_period(report)}")])  # fmt: skip
        sheet.append([neutralise(table.unit)])
        sheet.append([neutralise(table.corner), *(neutralise(c) for c in table.columns)])
        for label, cells in table.rows:
            sheet.append([neutralise(label), *(_cell(v) for v in cells)])
    notes = workbook.create_sheet(title=_("Legend")[:31])
    for mark, meaning in legend():
        notes.append([mark, neutralise(meaning)])
    workbook.save(fh)
