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

from caminantes.dtm.imports.headers import breakdown, field_keys
from caminantes.lib.headers import (
    header_key,
    is_system_column,
    looks_like_consent,
    near_miss,
    prefixed_parts,
)

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
    problems: list[str] = field(default_factory=list)  # the check stops before any row
    texts: dict[str, str] = field(default_factory=dict)  # field -> the file's header


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
    keys = field_keys(fields)
    ignored: list[str] = []
    for i, text in enumerate(texts):
        if not text or names[i] is not None:
            continue
        parts = [p for p in re.split(r"[/]|-(?=[a-z_])", text) if p]
        last = parts[-1] if parts else text
        if len(parts) >= 2 and parts[-2].lower() in multi:
            continue  # an option column of a select_multiple
        name = keys.get(header_key(last)) or keys.get(header_key(text))
        if name is None:
            name = breakdown(last, prefixes)  # keeps the code's case (nationality_VE)
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
    header = Header(names, ignored)
    header.texts = {n: t for n, t in zip(names, texts, strict=True) if n}
    _header_problems(header, keys, consent="consent" in fields)
    return header


def _header_problems(header: Header, keys: dict[str, str], *, consent: bool) -> None:
    """A consent column we do not know (where consent is asked) or a typo of one of our
    columns stops the check: ignored, either would lose what the file says."""
    still_ignored = []
    for text in header.ignored:
        if is_system_column(text) or text.lower() in DATE_FALLBACKS:
            still_ignored.append(text)
            continue
        if consent and looks_like_consent(text):
            header.problems.append(
                _(
                    "The column “%(h)s” looks like a consent, but it is not one the import "
                    "knows, so it would be lost. Name it “consent” (or consentimiento, "
                    "consentimento), or remove it if it records no consent."
                )
                % {"h": text}
            )
            continue
        near = next(
            (n for k in prefixed_parts(text) if (n := near_miss(k, keys)) is not None), None
        )
        if near is not None and keys[near] not in header.texts:
            header.problems.append(
                _(
                    "The column “%(h)s” is not one the import knows; it looks like a typo of "
                    "“%(c)s”. Correct its name in the file, or remove the column."
                )
                % {"h": text, "c": keys[near]}
            )
            continue
        still_ignored.append(text)
    header.ignored = still_ignored


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
