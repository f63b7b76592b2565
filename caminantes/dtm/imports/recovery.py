"""DTM imports whose background worker died: read or committed again (the engine:
lib.import_recovery).

A check that stopped (`reading`) goes back to `queued` and is queued again: the upload is
still there (the dead worker never reached the line that deletes it) and `import_stage`
stages it from the start, dropping the rows the dead worker staged. A commit that stopped
(`committing`) wrote nothing, its one transaction rolled back with the worker's connection:
it is queued again as whoever asked for it. A batch left `queued` with no task in the
queue is queued again too. Each attempt is audited; after IMPORT_RECOVERY_ATTEMPTS the
batch is failed with a message its page shows, and its upload is deleted.
"""

from __future__ import annotations

from typing import Any

from django.utils import translation
from django.utils.translation import ngettext

from caminantes.audit import actions
from caminantes.audit.log import log
from caminantes.dtm.imports.staging import progress_path, upload_path
from caminantes.dtm.models import DtmImport
from caminantes.lib import import_recovery

S = DtmImport.Status


def _queue_stage(batch: DtmImport) -> None:
    from caminantes.dtm import tasks

    tasks.import_stage_task(batch.pk, import_recovery.language_of(batch.created_by))


def _queue_commit(batch: DtmImport) -> None:
    from caminantes.dtm import tasks

    tasks.import_commit_task(
        batch.pk, batch.committed_by_id, import_recovery.language_of(batch.committed_by)
    )


def _fail(batch: DtmImport) -> dict[str, Any]:
    """Failed, in the language of who started the step, as the step's own errors are."""
    user = batch.committed_by if batch.status == S.COMMITTING else batch.created_by
    stops = batch.recovery_attempts + 1
    with translation.override(import_recovery.language_of(user)):
        message = ngettext(
            "The background worker stopped %(n)d time while working on this file, and the "
            "import was given up. Nothing was imported. Upload the file again to retry, or "
            "cancel this import.",
            "The background worker stopped %(n)d times while working on this file, and the "
            "import was given up. Nothing was imported. Upload the file again to retry, or "
            "cancel this import.",
            stops,
        ) % {"n": stops}
    return {"status": S.FAILED, "file_errors": [message], "processed_rows": 0}


def _audit(batch: DtmImport, action: str, facts: dict[str, Any]) -> None:
    step = "recover" if action == import_recovery.REQUEUED else "recover_failed"
    log(None, actions.IMPORT, batch, organization=batch.organization, step=step,
        kind=batch.kind, actor_email=import_recovery.ACTOR, **facts)  # fmt: skip


def _forget(batch: DtmImport) -> None:
    """A failed import keeps no upload (as when its check fails): the file may come again."""
    if batch.file_path:
        upload_path(batch).unlink(missing_ok=True)
        DtmImport.objects.filter(pk=batch.pk).update(file_path="")
    progress_path(batch).unlink(missing_ok=True)


def recoverer() -> import_recovery.Recoverer:
    from caminantes.dtm import tasks  # the tasks import this module

    stage = import_recovery.Step(restart=S.QUEUED, task=tasks.import_stage_task, queue=_queue_stage)
    commit = import_recovery.Step(
        restart=S.COMMITTING,
        task=tasks.import_commit_task,
        queue=_queue_commit,
        progress_file=progress_path,
    )
    return import_recovery.Recoverer(
        name="dtm",
        model=DtmImport,
        steps={S.QUEUED: stage, S.READING: stage, S.COMMITTING: commit},
        fail=_fail,
        audit=_audit,
        forget=_forget,
    )


def imports_recover(*, dry_run: bool = False) -> list[import_recovery.Found]:
    """Queue again (or fail) the DTM imports whose worker died; see lib.import_recovery."""
    return import_recovery.recover(recoverer(), dry_run=dry_run)
