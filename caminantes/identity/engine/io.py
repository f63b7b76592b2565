"""CSV in and out for the command line and the benchmarks."""

from __future__ import annotations

import csv
from collections.abc import Iterable
from pathlib import Path

from caminantes.identity.engine.record import FIELDS, Record


class InputError(ValueError):
    """The input file cannot be deduplicated as it is; the message says why."""


# Spreadsheets saved as CSV on Windows in Latin America are often Windows-1252, not UTF-8.
ENCODINGS = ("utf-8-sig", "cp1252")


def read_records(path: str | Path) -> list[Record]:
    """The records of a CSV (comma, semicolon or tab) in UTF-8 or, failing that, Windows-1252."""
    failed: UnicodeDecodeError | None = None
    for encoding in ENCODINGS:
        try:
            return _read(path, encoding)
        except UnicodeDecodeError as exc:
            failed = exc
    raise InputError(f"{path} is neither UTF-8 nor Windows-1252 text") from failed


def _read(path: str | Path, encoding: str) -> list[Record]:
    try:
        fh = Path(path).open(newline="", encoding=encoding)
    except OSError as exc:
        raise InputError(f"cannot read {path}: {exc.strerror or exc}") from exc
    with fh:
        try:
            first = fh.readline()
            fh.seek(0)
            # Excel in Spanish and Portuguese saves "CSV" with semicolons (the comma is the
            # decimal mark there); the header, all plain names, says which one the file uses
            delimiter = max(",;\t", key=first.count)
            reader = csv.reader(fh, delimiter=delimiter)
            header = [h.strip().lower() for h in next(reader, [])]
            missing = [f for f in FIELDS if f not in header]
            if missing:
                raise InputError(f"{path}: missing column(s): {', '.join(missing)}")
            at = [header.index(f) for f in FIELDS]
            width = len(header)
            records: list[Record] = []
            seen: set[str] = set()
            for line, row in enumerate(reader, start=2):
                if not row:
                    continue
                if len(row) < width:
                    row = row + [""] * (width - len(row))
                values = [row[k].strip() for k in at]
                rid = values[0]
                if not rid:
                    raise InputError(f"{path}, line {line}: empty record_id")
                if rid in seen:
                    raise InputError(f"{path}, line {line}: repeated record_id {rid!r}")
                seen.add(rid)
                records.append(Record(*values))
        except csv.Error as exc:
            raise InputError(f"{path} is not a readable CSV file: {exc}") from exc
    return records


def write_clusters(path: str | Path, clusters: Iterable[tuple[str, str]]) -> None:
    with Path(path).open("w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh)
        w.writerow(["record_id", "cluster_id"])
        w.writerows(clusters)
