"""Reading an import file as rows, safely: CSV in UTF-8 only, XLSX checked for zip bombs.

The format is chosen by content, not by file name. Rows are streamed (csv module, openpyxl
in read-only mode), never loaded whole. Anything that makes the whole file unusable raises
FileProblem with a message that says what to do.
"""

from __future__ import annotations

import codecs
import csv
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from django.utils.translation import gettext as _

from caminantes.registry.imports.columns import cell_text
from caminantes.registry.imports.headers import canonical_column

XLSX_MAX_UNCOMPRESSED = 512 * 1024 * 1024
XLSX_MAX_RATIO = 100  # real sheets compress 5-30 times; zip bombs 1000 times and more
XLSX_MAX_MEMBERS = 500


class FileProblem(Exception):
    """The whole file is refused; the message says why and what to do."""


def _check_utf8(path: Path) -> None:
    """Decode the whole file in chunks; name the line of the first invalid byte."""
    with path.open("rb") as fh:
        head = fh.read(4)
        if head[:2] in (b"\xff\xfe", b"\xfe\xff"):
            raise FileProblem(
                _(
                    "The file is in UTF-16 (“Unicode text”), not UTF-8. Save it as "
                    "“CSV UTF-8” and upload it again."
                )
            )
        fh.seek(0)
        decoder = codecs.getincrementaldecoder("utf-8")()
        line = 1
        while chunk := fh.read(1024 * 1024):
            try:
                decoder.decode(chunk)
            except UnicodeDecodeError as exc:
                line += chunk[: exc.start].count(b"\n")
                raise FileProblem(_not_utf8(path, line)) from exc
            line += chunk.count(b"\n")
        try:
            decoder.decode(b"", final=True)
        except UnicodeDecodeError as exc:
            raise FileProblem(_not_utf8(path, line)) from exc


def _not_utf8(path: Path, line: int) -> str:
    message = _(
        "The file is not in UTF-8 (first wrong character on line %(line)d). Save it as "
        "“CSV UTF-8” (Excel: Save as, CSV UTF-8; LibreOffice: character set Unicode "
        "(UTF-8)) and upload it again."
    ) % {"line": line}
    try:
        path.read_bytes().decode("cp1252")
    except UnicodeDecodeError:
        return message
    # Not accepted even so: Windows-1252, Latin-1, Mac Roman and DOS code pages can all
    # decode the same bytes into different letters, and a wrong guess breaks names quietly.
    return (
        message
        + " "
        + _("It looks like Windows-1252 (Latin-1), what Excel writes for plain “CSV”.")
    )


def _csv_rows(path: Path) -> Iterator[list[Any]]:
    _check_utf8(path)
    with path.open(encoding="utf-8-sig", newline="") as fh:
        first = fh.readline()
    # Spanish-language Excel separates with ";": take what the header line uses most.
    counts = {d: first.count(d) for d in (",", ";", "\t")}
    delimiter = max(counts, key=lambda d: counts[d]) if any(counts.values()) else ","
    with path.open(encoding="utf-8-sig", newline="") as fh:
        reader = csv.reader(fh, delimiter=delimiter)
        try:
            yield from reader
        except csv.Error as exc:
            raise FileProblem(
                _("The CSV file is broken near line %(line)d (%(error)s).")
                % {"line": reader.line_num, "error": exc}
            ) from exc


def check_xlsx(path: Path) -> None:
    """Refuse zip bombs from the zip directory alone, before openpyxl inflates anything."""
    try:
        with zipfile.ZipFile(path) as archive:
            infos = archive.infolist()
    except (zipfile.BadZipFile, OSError) as exc:
        raise FileProblem(_("The XLSX file is damaged and cannot be opened.")) from exc
    if len(infos) > XLSX_MAX_MEMBERS:
        raise FileProblem(_("The XLSX file holds too many parts to be a spreadsheet."))
    total = 0
    for info in infos:
        total += info.file_size
        ratio = info.file_size / max(info.compress_size, 1)
        if total > XLSX_MAX_UNCOMPRESSED or (
            info.file_size > 1024 * 1024 and ratio > XLSX_MAX_RATIO
        ):
            raise FileProblem(
                _(
                    "The XLSX file would unpack to %(mb)d MB (compressed %(ratio)d times): "
                    "refused as a possible zip bomb. Export the data again, or as CSV UTF-8."
                )
                % {"mb": total // (1024 * 1024), "ratio": int(ratio)}
            )


def _xlsx_rows(path: Path) -> Iterator[list[Any]]:
    import openpyxl  # defusedxml is installed: openpyxl then parses the XML safely

    check_xlsx(path)
    try:
        # data_only=False: a formula arrives as its text ("=HYPERLINK(…)") and is refused.
        book = openpyxl.load_workbook(path, read_only=True, data_only=False)
    except Exception as exc:  # openpyxl raises many kinds for a broken file
        raise FileProblem(_("The XLSX file is damaged and cannot be opened.")) from exc
    try:
        # Kobo's XLSX puts the main data on the first sheet; take the first with our columns.
        sheet = book.worksheets[0]
        for candidate in book.worksheets:
            header = next(candidate.iter_rows(max_row=1, values_only=True), ())
            mapped = {canonical_column(cell_text(h)) for h in header}
            if "given_names" in mapped and "household_id" in mapped:
                sheet = candidate
                break
        try:
            for row in sheet.iter_rows(values_only=True):
                yield list(row)
        except Exception as exc:  # defusedxml refusals, broken XML part way through
            raise FileProblem(_("The XLSX file is damaged and cannot be opened.")) from exc
    finally:
        book.close()


def magic_bytes(path: Path) -> bytes:
    with path.open("rb") as fh:
        return fh.read(8)


def read_table(path: Path) -> Iterator[list[Any]]:
    """Rows of the file, the header first, chosen by content rather than by file name."""
    magic = magic_bytes(path)
    if magic.startswith(b"PK\x03\x04"):
        return _xlsx_rows(path)
    if magic.startswith(b"\xd0\xcf\x11\xe0"):
        raise FileProblem(
            _("Old Excel files (.xls) are not read: save it as .xlsx or as CSV UTF-8.")
        )
    return _csv_rows(path)
