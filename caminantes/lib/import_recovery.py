"""Background steps whose worker died: found by their stopped heartbeat and started again.

A long step of an import (checking a file, writing it) runs in a huey task and holds its
batch in an in-progress status. If the worker dies in the middle (killed, machine
restarted), the batch keeps that status for ever: what the step wrote does not count (a
check stages the file again from the start; a commit is one transaction, rolled back), but
nobody queues it again. `recover` finds such batches and queues their step again, at most
IMPORT_RECOVERY_ATTEMPTS times; after that the batch is failed, with a message on its page.

Stalled means no progress for IMPORT_STALL_MINUTES. Progress is the batch's `heartbeat_at`,
written with each count, and, for a step that runs in ONE transaction (its writes, the
heartbeat included, are invisible to others until it ends), the time it last wrote its
progress file. A step whose task is still in huey's queue is only waiting (the worker is
busy or stopped): queuing it again would not help, so it is reported and left alone.

The change is a compare-and-set on (status, heartbeat, attempts) under SELECT … FOR UPDATE
SKIP LOCKED: two consumers running the periodic task together start a step once, and on
PostgreSQL a step that holds its batch row (a live commit) is never touched. On SQLite a
live commit holds the database's write lock: the change gives up after the busy timeout and
the batch waits for the next round.

Each app describes its steps in a `Recoverer` and registers it in AppConfig.ready(); the
apps' periodic tasks and `caminantes imports_recover` call `recover`. Imports no app.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import OperationalError, connection, models, transaction
from django.utils import timezone

logger = logging.getLogger(__name__)

ACTOR = "system:import-recovery"  # who the audit trail says changed a stalled batch
REQUEUED = "requeued"
FAILED = "failed"
WAITING = "waiting"


def language_of(user: Any) -> str:
    """The language a step speaks to the person who started it (their own, or the site's)."""
    return getattr(user, "language", "") or settings.LANGUAGE_CODE


@dataclass(frozen=True)
class Step:
    """An in-progress status, and how its step is started again."""

    restart: str  # the status the step's task claims the batch from
    task: Any  # the huey task that runs the step (to see whether it is still queued)
    queue: Callable[[Any], None]  # queues that task for a batch
    # The file a one-transaction step writes its progress to, if it has one.
    progress_file: Callable[[Any], Path] | None = None


def _nothing(batch: Any) -> None:
    return None


@dataclass(frozen=True)
class Recoverer:
    """The batches of one app: a model with `status`, `heartbeat_at`, `recovery_attempts`."""

    name: str  # for operators: "registry", "dtm"
    model: type[models.Model]
    steps: dict[str, Step]  # in-progress status -> its step
    # The fields of a batch given up (its failed status and message included).
    fail: Callable[[Any], dict[str, Any]]
    # Writes the audit event of a change (batch, action, facts), inside its transaction.
    audit: Callable[[Any, str, dict[str, Any]], None]
    # After giving up: delete what only the step needed (uploads, progress files).
    forget: Callable[[Any], None] = field(default=_nothing)


@dataclass(frozen=True)
class Found:
    app: str
    batch: Any
    status: str  # the status it was stuck in
    action: str  # REQUEUED, FAILED or WAITING
    attempt: int  # times its step was queued again, this time included
    idle_minutes: int


_RECOVERERS: dict[str, Callable[[], Recoverer]] = {}


def register(name: str, recoverer: Callable[[], Recoverer]) -> None:
    """`recoverer` builds the app's Recoverer when asked: its tasks need not load before."""
    _RECOVERERS[name] = recoverer


def recoverers() -> list[Recoverer]:
    return [_RECOVERERS[name]() for name in sorted(_RECOVERERS)]


def last_moved(batch: Any, step: Step) -> datetime:
    """The later of the batch's heartbeat and its step's last progress file write."""
    moved: datetime = batch.heartbeat_at
    if step.progress_file is not None:
        try:
            written = step.progress_file(batch).stat().st_mtime
        except OSError:
            return moved
        moved = max(moved, datetime.fromtimestamp(written, tz=UTC))
    return moved


def _queued(recoverer: Recoverer) -> set[tuple[type, Any]]:
    """(task class, batch id) of every step of these batches waiting in huey's queue."""
    classes = {step.task.task_class for step in recoverer.steps.values()}
    hueys = {id(step.task.huey): step.task.huey for step in recoverer.steps.values()}
    return {
        (type(task), task.args[0])
        for huey in hueys.values()
        for task in huey.pending()
        if type(task) in classes and task.args
    }


def recover(
    recoverer: Recoverer, *, dry_run: bool = False, now: datetime | None = None
) -> list[Found]:
    """Queue again, or fail, every batch of `recoverer` whose step stalled; say which.

    With `dry_run`, only say what would be done."""
    now = now or timezone.now()
    cutoff = now - timedelta(minutes=settings.IMPORT_STALL_MINUTES)
    model: Any = recoverer.model
    stale = model._default_manager.filter(
        status__in=list(recoverer.steps), heartbeat_at__lt=cutoff
    ).order_by("pk")
    found: list[Found] = []
    queued: set[tuple[type, Any]] | None = None
    for batch in stale:
        step = recoverer.steps[batch.status]
        moved = last_moved(batch, step)
        if moved >= cutoff:
            continue
        if queued is None:
            queued = _queued(recoverer)
        idle = int((now - moved).total_seconds() // 60)
        attempts = batch.recovery_attempts
        if (step.task.task_class, batch.pk) in queued:
            found.append(Found(recoverer.name, batch, batch.status, WAITING, attempts, idle))
            continue
        if attempts >= settings.IMPORT_RECOVERY_ATTEMPTS:
            result = Found(recoverer.name, batch, batch.status, FAILED, attempts, idle)
        else:
            result = Found(recoverer.name, batch, batch.status, REQUEUED, attempts + 1, idle)
        if _apply(recoverer, step, result, now, dry_run=dry_run):
            found.append(result)
    return found


def _apply(recoverer: Recoverer, step: Step, found: Found, now: datetime, *, dry_run: bool) -> bool:
    """Change the batch if it is still as it was found and no live worker holds it; with
    `dry_run`, only check (a dry run reports what a real one would do)."""
    model: Any = recoverer.model
    manager = model._default_manager
    batch = found.batch
    try:
        with transaction.atomic():
            locked = (
                manager.select_for_update(skip_locked=True)
                .filter(
                    pk=batch.pk,
                    status=batch.status,
                    heartbeat_at=batch.heartbeat_at,
                    recovery_attempts=batch.recovery_attempts,
                )
                .first()
            )
            if locked is None:
                return False  # it moved meanwhile, or its live worker holds it (PostgreSQL)
            if dry_run:
                return True
            if found.action == REQUEUED:
                fields = {"status": step.restart, "recovery_attempts": found.attempt}
            else:
                fields = recoverer.fail(locked)
            manager.filter(pk=locked.pk).update(heartbeat_at=now, **fields)
            recoverer.audit(
                locked,
                found.action,
                {
                    "stalled_status": found.status,
                    "attempt": found.attempt,
                    "idle_minutes": found.idle_minutes,
                },
            )
    except OperationalError:
        if connection.vendor != "sqlite":
            raise
        logger.info("%s %s: the database is busy; left for the next round", found.app, batch.pk)
        return False
    locked.refresh_from_db()
    try:
        if found.action == REQUEUED:
            step.queue(locked)
        else:
            recoverer.forget(locked)
    except Exception:
        # Under HUEY_IMMEDIATE the step runs here: its failure is its own (the batch says
        # it), and must not keep the other batches from being recovered.
        logger.exception("%s %s: starting the step again failed", found.app, batch.pk)
    return True
