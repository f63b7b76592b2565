"""Staged imports of DTM files: flow counts, survey submissions, baseline and site assessments.

`import_create` stores the upload, refuses a file already imported or waiting (same
SHA-256 in the organisation), reads it (`reading`), maps ODK/Kobo headers and validates
every row with the intake's own checks, staging each row with its errors in the uploader's
language. Nothing is written to DTM tables yet. `import_commit` then writes every row in
ONE transaction through the same intake functions the pages use (all or nothing), and
refreshes the daily rollup once for the days touched. Rows whose submission id is already
stored with the same content are "known" and skipped, so an overlapping export is safe.
"""

from __future__ import annotations

from caminantes.dtm.imports.reading import FileProblem
from caminantes.dtm.imports.staging import (
    COLUMNS,
    MAX_ROWS,
    SameFile,
    import_cancel,
    import_commit,
    import_create,
)

__all__ = [
    "COLUMNS",
    "MAX_ROWS",
    "FileProblem",
    "SameFile",
    "import_cancel",
    "import_commit",
    "import_create",
]
