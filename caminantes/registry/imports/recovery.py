"""Batches whose background worker died: checked or merged again (the engine:
lib.import_recovery).

A check that stopped (`validating`) goes back to `uploaded` and is queued again:
`batch_validate` stages the file from the start, dropping the rows the dead worker staged.
A merge that stopped (`merging`) wrote nothing, its one transaction rolled back with the
worker's connection: it goes back to `approved` and is queued again as the officer who
approved it. A batch left `uploaded` or `approved` with no task in the queue (the queue was
lost, or the upload's request died) is queued again too. Each attempt is audited; after
IMPORT_RECOVERY_ATTEMPTS the batch is failed with a message its page shows.
"""

from __future__ import annotations

from typing import Any

from django.utils import translation
from django.utils.translation import ngettext

from caminantes.audit import actions
from caminantes.audit.log import log
from caminantes.lib import import_recovery
from caminantes.registry.imports.merge import progress_file
from caminantes.registry.models import ImportBatch

S = ImportBatch.Status
MERGE_STATUSES = (S.APPROVED, S.MERGING)


def _queue_check(batch: ImportBatch) -> None:
    from caminantes.registry import tasks

    tasks.batch_validate_task(batch.pk, import_recovery.language_of(batch.created_by))


def _queue_merge(batch: ImportBatch) -> None:
    from caminantes.registry import tasks

    tasks.batch_merge_task(
        batch.pk, batch.approved_by_id, import_recovery.language_of(batch.approved_by)
    )


def _fail(batch: ImportBatch) -> dict[str, Any]:
    """Failed, in the language of who started the step, as the step's own errors are."""
    merging = batch.status in MERGE_STATUSES
    stops = batch.recovery_attempts + 1
    with translation.override(
        import_recovery.language_of(batch.approved_by if merging else batch.created_by)
    ):
        message = ngettext(
            "The background worker stopped %(n)d time while working on this file, and the "
            "import was given up. Nothing was written to the registry. Upload the file "
            "again to retry, or cancel this import.",
            "The background worker stopped %(n)d times while working on this file, and the "
            "import was given up. Nothing was written to the registry. Upload the file "
            "again to retry, or cancel this import.",
            stops,
        ) % {"n": stops}
    return {"status": S.FAILED, "file_errors": [message], "processed_rows": 0}


def _audit(batch: ImportBatch, action: str, facts: dict[str, Any]) -> None:
    step = "recover" if action == import_recovery.REQUEUED else "recover_failed"
    log(None, actions.IMPORT, batch, organization=batch.organization, step=step,
        actor_email=import_recovery.ACTOR, **facts)  # fmt: skip


def _forget(batch: ImportBatch) -> None:
    # The upload stays, as after any failure: cancelling the batch deletes it.
    progress_file(batch).unlink(missing_ok=True)


def recoverer() -> import_recovery.Recoverer:
    from caminantes.registry import tasks  # the tasks import this module

    check = import_recovery.Step(
        restart=S.UPLOADED, task=tasks.batch_validate_task, queue=_queue_check
    )
    merge = import_recovery.Step(
        restart=S.APPROVED,
        task=tasks.batch_merge_task,
        queue=_queue_merge,
        progress_file=progress_file,
    )
    return import_recovery.Recoverer(
        name="registry",
        model=ImportBatch,
        steps={S.UPLOADED: check, S.VALIDATING: check, S.APPROVED: merge, S.MERGING: merge},
        fail=_fail,
        audit=_audit,
        forget=_forget,
    )


def batches_recover(*, dry_run: bool = False) -> list[import_recovery.Found]:
    """Queue again (or fail) the batches whose worker died; see lib.import_recovery."""
    return import_recovery.recover(recoverer(), dry_run=dry_run)
