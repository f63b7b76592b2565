"""Background work of field collection (huey; inline under tests and with HUEY_IMMEDIATE)."""

from __future__ import annotations

from huey.contrib.djhuey import db_task


@db_task()
def process_submission_task(submission_id: int) -> None:
    """Turn a stored submission into domain records (`collect.processing`'s work)."""
    from caminantes.collect.processing import process_submission

    process_submission(submission_id)
