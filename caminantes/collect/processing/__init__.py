"""Turns a stored submission into domain records (owned by the processing work).

`process_submission(submission_id)` is the one entry point the OpenRosa server calls after
a new submission (or an edit) is stored; until a mapping exists it leaves the submission
RECEIVED.
"""

from __future__ import annotations


def process_submission(submission_id: int) -> None:
    """Map one stored submission to its domain records (placeholder until mappings land)."""
    return None
