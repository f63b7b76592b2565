"""Reading a DTM file: CSV (UTF-8) or XLSX, chosen by content, with ODK/Kobo headers mapped.

The ideas are the registry import's (caminantes/registry/imports): the format is sniffed,
XLSX is checked for zip bombs before it is opened, formulas are refused as text, and
headers are mapped to our field names. KoboToolbox flat exports name columns
`group/field` and add `_uuid`, `_submission_time`, `_id` …; ODK Central writes
`group-field`, `meta-instanceID` and `KEY`. Group prefixes are dropped; select_multiple
option columns (`needs/food`) are understood and skipped (the main column holds the codes).
"""

from __future__ import annotations

import codecs
import csv
import re
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.utils.translation import gettext as _

XLSX_MAX_UNCOMPRESSED = 256 * 1024 * 1024
XLSX_MAX_RATIO = 100

# Submission id columns, best first: the first present wins.
ID_COLUMNS = ("uuid", "_uuid", "meta/instanceid", "meta-instanceid", "instanceid", "key")
DATE_FALLBACKS = ("today", "_submission_time", "submissiondate")


class FileProblem(Exception):
    """The whole file is refused; the message says why and what to do."""


@dataclass
class Header:
    names: list[str | None]  # our field name per column, None = ignored
    ignored: list[str] = field(default_factory=list)


def map_header(
    raw: list[Any], fields: set[str], prefixes: tuple[str, ...], multi: set[str]
) -> Header:
    texts = [("" if h is None else str(h)).strip() for h in raw]
    names: list[str | None] = [None] * len(texts)
    taken: set[str] = set()
    lowered = [t.lower() for t in texts]
    for candidate in ID_COLUMNS:
        if candidate in lowered:
            names[lowered.index(candidate)] = "uuid"
            taken.add("uuid")
            break
    ignored: list[str] = []
    for i, text in enumerate(texts):
        if not text or names[i] is not None:
            continue
        parts = [p for p in re.split(r"[/]|-(?=[a-z_])", text) if p]
        last = parts[-1] if parts else text
        low = last.lower()
        if len(parts) >= 2 and parts[-2].lower() in multi:
            continue  # an option column of a select_multiple
        name = None
        if low in fields:
            name = low
        elif any(low.startswith(p) for p in prefixes):
            name = last  # a breakdown column: keep the code's case (nationality_VE)
        if name is None or name in taken:
            if text.lower() not in ID_COLUMNS:
                ignored.append(text)
            continue
        names[i] = name
        taken.add(name)
    if "date" in fields and "date" not in taken:
        for fallback in DATE_FALLBACKS:
            if fallback in lowered and names[lowered.index(fallback)] is None:
                names[lowered.index(fallback)] = "date"
                ignored = [t for t in ignored if t.lower() != fallback]
                break
    return Header(names, ignored)


def _check_utf8(path: Path) -> None:
    decoder = codecs.getincrementaldecoder("utf-8")()
    line = 1
    with path.open("rb") as fh:
        while chunk := fh.read(1024 * 1024):
            try:
                decoder.decode(chunk)
            except UnicodeDecodeError as exc:
                line += chunk[: exc.start].count(b"\n")
                raise FileProblem(
                    _(
                        "The file is not in UTF-8 (first wrong character on line %(line)d). "
                        "Save it as “CSV UTF-8” and upload it again."
                    )
                    % {"line": line}
                ) from exc
            line += chunk.count(b"\n")


def _csv_rows(path: Path) -> Iterator[list[Any]]:
    _check_utf8(path)
    with path.open(encoding="utf-8-sig", newline="") as fh:
        first = fh.readline()
    counts = {d: first.count(d) for d in (",", ";", "\t")}
    delimiter = max(counts, key=lambda d: counts[d]) if any(counts.values()) else ","
    with path.open(encoding="utf-8-sig", newline="") as fh:
        reader = csv.reader(fh, delimiter=delimiter)
        try:
            yield from reader
        except csv.Error as exc:
            raise FileProblem(
                _("The CSV file is broken near line %(line)d.") % {"line": reader.line_num}
            ) from exc


def _xlsx_rows(path: Path) -> Iterator[list[Any]]:
    import openpyxl

    try:
        with zipfile.ZipFile(path) as archive:
            infos = archive.infolist()
    except (zipfile.BadZipFile, OSError) as exc:
        raise FileProblem(_("The XLSX file is damaged and cannot be opened.")) from exc
    total = 0
    for info in infos:
        total += info.file_size
        ratio = info.file_size / max(info.compress_size, 1)
        if total > XLSX_MAX_UNCOMPRESSED or (
            info.file_size > 1024 * 1024 and ratio > XLSX_MAX_RATIO
        ):
            raise FileProblem(_("The XLSX file unpacks to too much data: refused."))
    handle = path.open("rb")  # a file object: openpyxl would refuse our temporary name
    try:
        book = openpyxl.load_workbook(handle, read_only=True, data_only=False)
    except Exception as exc:  # openpyxl raises many kinds for a broken file
        handle.close()
        raise FileProblem(_("The XLSX file is damaged and cannot be opened.")) from exc
    try:
        for row in book.worksheets[0].iter_rows(values_only=True):
            values = list(row)
            if any(isinstance(v, str) and v.startswith("=") for v in values):
                raise FileProblem(_("The file holds formulas: save the values only."))
            yield values
    finally:
        book.close()
        handle.close()


def read_table(path: Path) -> Iterator[list[Any]]:
    with path.open("rb") as fh:
        magic = fh.read(8)
    if magic.startswith(b"PK\x03\x04"):
        return _xlsx_rows(path)
    if magic.startswith(b"\xd0\xcf\x11\xe0"):
        raise FileProblem(_("Old Excel files (.xls) are not read: save it as .xlsx or CSV UTF-8."))
    return _csv_rows(path)
