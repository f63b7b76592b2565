"""Background work of DTM imports (huey; inline under tests and with HUEY_IMMEDIATE)."""

from __future__ import annotations

from huey import crontab
from huey.contrib.djhuey import db_periodic_task, db_task

from caminantes.accounts.models import User
from caminantes.dtm.imports import recovery, staging
from caminantes.dtm.models import DtmImport


@db_task()
def import_stage_task(batch_id: int, language: str) -> None:
    """Read and check an uploaded DTM file; errors in `language` (the uploader's)."""
    batch = DtmImport.objects.filter(pk=batch_id).first()
    if batch is not None:
        staging.import_stage(batch, language=language)


@db_task()
def import_commit_task(batch_id: int, user_id: int | None, language: str) -> None:
    """Write the rows of a checked DTM file, all in one transaction."""
    batch = DtmImport.objects.filter(pk=batch_id).first()
    user = User.objects.filter(pk=user_id).first() if user_id is not None else None
    if batch is not None:
        staging.import_write(batch, user=user, language=language)


@db_periodic_task(crontab(minute="*/5"))
def imports_recover_task() -> None:
    """Every five minutes, in the consumer: imports whose worker died are queued again."""
    recovery.imports_recover()
