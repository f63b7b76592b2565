"""The XLSForms the project ships for field collection, by form kind.

Household registration and distribution receipt are here (`build_xlsforms` writes them);
the DTM flow count tally and the flow monitoring survey are DTM's own, reused, not copied:
caminantes/dtm/xlsforms/flow_monitoring_tally.xlsx, and the survey that
`dtm.xlsforms.build_xlsform.build` makes for an operation's points. `xlsform(kind)` gives
the bytes of each (the survey with the example points), `question_names(kind)` the names
of its questions (what the kind's mapping reads).
"""

from __future__ import annotations

import io
from functools import lru_cache
from pathlib import Path

HERE = Path(__file__).parent
DTM = HERE.parent.parent / "dtm" / "xlsforms"
FILES = {
    "household_registration": HERE / "household_registration.xlsx",
    "distribution_receipt": HERE / "distribution_receipt.xlsx",
    "flow_count": DTM / "flow_monitoring_tally.xlsx",
}
KINDS = ("household_registration", "flow_count", "flow_survey", "distribution_receipt")


@lru_cache(maxsize=8)
def xlsform(kind: str) -> bytes:
    """The XLSForm of a form kind (KeyError for a kind without one)."""
    if kind == "flow_survey":
        from caminantes.dtm.xlsforms.build_xlsform import build, example_points

        out = io.BytesIO()
        build(out, points=example_points(), version="example")
        return out.getvalue()
    return FILES[kind].read_bytes()


@lru_cache(maxsize=8)
def question_names(kind: str) -> tuple[str, ...]:
    """The `name` column of the survey sheet."""
    import openpyxl

    book = openpyxl.load_workbook(io.BytesIO(xlsform(kind)), read_only=True)
    sheet = book["survey"]
    rows = sheet.iter_rows(values_only=True)
    header = [str(h or "").strip().lower() for h in next(rows)]
    column = header.index("name")
    names = tuple(str(r[column]).strip() for r in rows if r and r[column])
    book.close()
    return names
