"""Bulk import of households from CSV and XLSX, including KoboToolbox and ODK flat exports.

upload (`batch_create`) -> a staged batch that changes nothing in the registry ->
`batch_validate` in the background: the file is streamed, never read whole; each row is
staged as an ImportRow with its errors in the uploader's language; duplicates are looked for
inside the batch and against the registry -> an officer approves (`batch_approve`) ->
`batch_merge` writes every valid household in ONE transaction.

Validation is the registry's own: `services.validate_person` for each person, the services'
encryption of document and phone numbers, and the duplicate hook
(`duplicates.find_candidates_bulk`, with the finders of `registry.hooks`). The merge writes
through `services.households_register`, the one registration path, a chunk of households
at a time (one INSERT or COPY per table). Each household points to its batch
(`Household.import_batch`); the batch carries the audit events (upload, validation,
approval, merge, with row counts) instead of one event per record.

Modules: `headers` (the columns and the names files give them), `columns` (cell values),
`reading` (CSV/XLSX, safely), `rows` (one row,
one household: the checks), `staging` (upload and the validation passes), `merge` (approval,
cancellation, merge), `report`, `recovery` (batches whose worker died), and the pages: `views`
with their `urls` (under /registry/imports/; this module does not import them); rows are
written by `lib.bulk` (COPY on PostgreSQL, one executemany on SQLite). Row numbers are those
a spreadsheet shows: the header is row 1.
"""

from __future__ import annotations

from caminantes.registry.imports.headers import (
    COLUMNS,
    canonical_column,
    read_header,
    template_rows,
)
from caminantes.registry.imports.merge import (
    batch_approve,
    batch_cancel,
    batch_merge,
    merge_progress,
)
from caminantes.registry.imports.reading import FileProblem, read_table
from caminantes.registry.imports.report import (
    report_csv,
    report_path,
    report_rows,
    report_xlsx,
    write_report,
)
from caminantes.registry.imports.staging import (
    MAX_UPLOAD_BYTES,
    SameFile,
    batch_create,
    batch_validate,
    file_path,
)

__all__ = [
    "COLUMNS",
    "MAX_UPLOAD_BYTES",
    "FileProblem",
    "SameFile",
    "batch_approve",
    "batch_cancel",
    "batch_create",
    "batch_merge",
    "batch_validate",
    "canonical_column",
    "file_path",
    "merge_progress",
    "read_header",
    "read_table",
    "report_csv",
    "report_path",
    "report_rows",
    "report_xlsx",
    "template_rows",
    "write_report",
]
