"""Background work of the audit trail (huey, in the consumer)."""

from __future__ import annotations

from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from caminantes.audit.chain import checkpoint_write


@db_periodic_task(crontab(minute="*/15"))
def audit_checkpoint_task() -> None:
    """Every fifteen minutes: sign the chain's end into the checkpoint file and the log, so
    events cut off the end are noticed by `caminantes audit verify`."""
    checkpoint_write()
