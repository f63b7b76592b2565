"""Staged imports of DTM files: flow counts, survey submissions, baseline and site assessments.

`import_create` stores the upload (under VAR_DIR/dtm-imports), refuses a file already
imported or waiting (same SHA-256 in the organisation) and queues the batch; the background
task (`tasks.import_stage_task` → `import_stage`) reads it (`reading`), maps ODK/Kobo headers
and validates every row with the intake's own checks, staging each row with its errors in
the uploader's language and counting the rows on the batch as it goes. Nothing is written
to DTM tables yet. `import_commit` then has `tasks.import_commit_task` (`import_write`)
write every row in ONE transaction through the same intake functions the pages use (all or
nothing: a failure leaves the batch `failed` with the reason), and refresh the daily rollup
once for the days touched. Rows whose submission id is already
stored with the same content are "known" and skipped, so an overlapping export is safe.
"""

from __future__ import annotations

from caminantes.dtm.imports.reading import FileProblem
from caminantes.dtm.imports.staging import (
    CANCELLABLE,
    COLUMNS,
    MAX_ROWS,
    RUNNING,
    SameFile,
    commit_progress,
    import_cancel,
    import_commit,
    import_create,
    import_stage,
    import_write,
)

__all__ = [
    "CANCELLABLE",
    "COLUMNS",
    "MAX_ROWS",
    "RUNNING",
    "FileProblem",
    "SameFile",
    "commit_progress",
    "import_cancel",
    "import_commit",
    "import_create",
    "import_stage",
    "import_write",
]
