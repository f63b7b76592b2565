"""The per-row validation report, as CSV or XLSX, every cell neutralised (lib.safecsv).

One line per error and per possible duplicate, and one per row that is fine, in file
order. Only row numbers, household codes and messages: never the people's data itself.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

from django.conf import settings
from django.utils.translation import gettext as _

from caminantes.lib import safecsv
from caminantes.registry.imports.merge import household_flags
from caminantes.registry.imports.staging import IMPORTS_DIR
from caminantes.registry.models import ImportBatch, ImportRow


def _header() -> list[str]:
    return [_("row"), "household_id", _("status"), _("column"), _("message")]


def reason_labels(codes: list[str]) -> str:
    labels = {
        "document": _("same document"),
        "name": _("similar name"),
        "birth_date": _("same date of birth"),
        "birth_date_near": _("close date of birth"),
    }
    return ", ".join(str(labels.get(c, c)) for c in codes)


def report_rows(batch: ImportBatch) -> Iterator[tuple[Any, ...]]:
    """One line per problem, and one per row that is fine, in file order."""
    bad, doubtful = household_flags(batch)
    merged = batch.status == ImportBatch.Status.MERGED
    left_out = doubtful - bad if merged and not batch.summary.get("include_duplicates") else set()
    for number, key, errors, found in (
        ImportRow.objects.filter(batch=batch)
        .order_by("row_number")
        .values_list("row_number", "household_key", "errors", "duplicate_of")
        .iterator(chunk_size=5000)
    ):
        for e in errors:
            column = e.get("header") or e.get("column", "")  # as the file names it
            yield (number, key, _("error"), column, e.get("message", ""))
        for d in found:
            if d.get("kind") != "registry":
                continue
            yield (
                number,
                key,
                _("possible duplicate"),
                "",
                _("Looks like a registered person (household %(code)s, %(score)d%%: %(why)s).")
                % {
                    "code": d["household"][:8].upper(),
                    "score": round(100 * float(d.get("score", 0))),
                    "why": reason_labels(d.get("reasons", [])),
                },
            )
        if errors:
            continue
        if key in bad:
            yield (
                number,
                key,
                _("not imported") if merged else _("will not be imported"),
                "",
                _(
                    "Another row of this household has errors: a household is imported whole or "
                    "not at all."
                ),
            )
        elif key in left_out:
            yield (
                number,
                key,
                _("not imported"),
                "",
                _("Left out as a possible duplicate: check it and register it by hand if new."),
            )
        elif not found:
            yield (number, key, _("imported") if merged else _("ok"), "", "")


def report_csv(batch: ImportBatch) -> Iterator[str]:
    return safecsv.csv_rows(_header(), report_rows(batch))


def report_xlsx(batch: ImportBatch, out: Any) -> int:
    """Write the report as XLSX (write-only: rows go to disk as they come). Returns rows."""
    import openpyxl
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

    book = openpyxl.Workbook(write_only=True)
    sheet = book.create_sheet(_("Validation")[:31])
    sheet.append(_header())
    count = 0

    for line in report_rows(batch):
        sheet.append(
            [
                safecsv.neutralise(ILLEGAL_CHARACTERS_RE.sub("", v)) if isinstance(v, str) else v
                for v in line
            ]
        )
        count += 1
    book.save(out)
    return count


def report_path(batch: ImportBatch) -> Path:
    """Where the command line writes the report for a batch."""
    return Path(settings.MEDIA_ROOT) / IMPORTS_DIR / f"{batch.uuid}-report.csv"


def write_report(batch: ImportBatch) -> Path:
    path = report_path(batch)
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding="utf-8", newline="") as out:
        for line in report_csv(batch):
            out.write(line)
    return path
