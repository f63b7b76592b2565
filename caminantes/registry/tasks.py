"""Background work of the registry (huey; inline under tests and with HUEY_IMMEDIATE)."""

from __future__ import annotations

from huey import crontab
from huey.contrib.djhuey import db_periodic_task, db_task

from caminantes.accounts.models import User
from caminantes.registry import imports
from caminantes.registry.imports import recovery
from caminantes.registry.models import ImportBatch


@db_task()
def batch_validate_task(batch_id: int, language: str) -> None:
    """Read, stage and check an uploaded batch; errors in `language` (the uploader's)."""
    batch = ImportBatch.objects.filter(pk=batch_id).first()
    if batch is not None:
        imports.batch_validate(batch, language=language)


@db_task()
def batch_merge_task(batch_id: int, user_id: int | None, language: str) -> None:
    """Merge an approved batch into the registry, in one transaction."""
    batch = ImportBatch.objects.filter(pk=batch_id).first()
    user = User.objects.filter(pk=user_id).first() if user_id is not None else None
    if batch is not None:
        imports.batch_merge(batch, user=user, language=language)


@db_periodic_task(crontab(minute="*/5"))
def batches_recover_task() -> None:
    """Every five minutes, in the consumer: batches whose worker died are queued again."""
    recovery.batches_recover()
