"""Batches whose background worker died are checked or merged again, once, then given up.

The worker's death is played by an exception no handler of the import catches (a killed
process runs none): the transaction it was in rolls back, as the database does when the
connection of a killed worker drops, and the batch keeps its in-progress status. Time is
moved by setting the heartbeat back; nothing sleeps.
"""

from __future__ import annotations

import io
import os
from datetime import datetime, timedelta
from typing import Any
from unittest import mock

from django.core.management import call_command
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone

from caminantes.accounts.models import User
from caminantes.audit.models import AuditEvent
from caminantes.lib import bulk as bulk_writer
from caminantes.lib import import_recovery
from caminantes.registry import imports, tasks
from caminantes.registry.imports import recovery
from caminantes.registry.imports.merge import progress_file
from caminantes.registry.models import Household, ImportBatch, Person, TimelineEntry
from caminantes.registry.tests.imports_base import (
    ImportTestCase,
    families,
    registry_counts,
    to_csv,
)

S = ImportBatch.Status


class WorkerKilled(BaseException):
    """What the import sees of a killed worker: nothing it could catch and handle."""


def steps(batch: ImportBatch) -> list[str]:
    return list(
        AuditEvent.objects.filter(action="import", object_uuid=batch.uuid)
        .order_by("id")
        .values_list("context__step", flat=True)
    )


class RecoveryTestCase(ImportTestCase):
    def uploaded(self, rows: list[dict[str, Any]] | None = None) -> ImportBatch:
        return imports.batch_create(
            user=self.alice, organization=self.iom, country=self.co, file_name="hogares.csv",
            chunks=[to_csv(rows or families())],
        )  # fmt: skip

    def killed_while_checking(self, rows: list[dict[str, Any]] | None = None) -> ImportBatch:
        """The worker dies after staging every row, in the middle of the household checks."""
        rows = rows or families()
        batch = self.uploaded(rows)
        with (
            mock.patch(
                "caminantes.registry.imports.staging._check_households", side_effect=WorkerKilled
            ),
            self.assertRaises(WorkerKilled),
        ):
            tasks.batch_validate_task.call_local(batch.pk, "en")
        batch.refresh_from_db()
        self.assertEqual((batch.status, batch.rows.count()), (S.VALIDATING, len(rows)))
        return batch

    def killed_while_merging(self, rows: list[dict[str, Any]] | None = None) -> ImportBatch:
        """The worker dies after writing households and people, before their timelines."""
        batch = self.stage(to_csv(rows or families()))
        imports.batch_approve(user=self.carla, batch=batch)
        real_write = bulk_writer.BulkWriter.write

        def dying_write(writer: Any, model: Any, rows: Any) -> Any:
            if model is TimelineEntry:
                raise WorkerKilled
            return real_write(writer, model, rows)

        with (
            mock.patch.object(bulk_writer.BulkWriter, "write", dying_write),
            self.assertRaises(WorkerKilled),
        ):
            tasks.batch_merge_task.call_local(batch.pk, self.carla.pk, "en")
        batch.refresh_from_db()
        self.assertEqual(batch.status, S.MERGING)
        return batch

    def quiet_for(self, batch: ImportBatch, minutes: int) -> None:
        """Nothing moved for `minutes`: the heartbeat, and the progress file if any."""
        then = timezone.now() - timedelta(minutes=minutes)
        ImportBatch.objects.filter(pk=batch.pk).update(heartbeat_at=then)
        progress = progress_file(batch)
        if progress.exists():
            os.utime(progress, (then.timestamp(), then.timestamp()))
        batch.refresh_from_db()


class RecoverTest(RecoveryTestCase):
    def test_it_merges_again_a_batch_whose_worker_died_and_adds_it_once(self) -> None:
        before = registry_counts()
        batch = self.killed_while_merging()
        self.assertEqual(registry_counts(), before)  # the transaction died with the worker
        self.quiet_for(batch, 20)

        found = recovery.batches_recover()

        self.assertEqual([(f.batch, f.status, f.action, f.attempt) for f in found],
                         [(batch, S.MERGING, import_recovery.REQUEUED, 1)])  # fmt: skip
        batch.refresh_from_db()
        self.assertEqual(batch.status, S.MERGED, batch.file_errors)
        self.assertEqual(batch.summary["merged_people"], 4)
        self.assertEqual(Household.objects.filter(import_batch=batch).count(), 2)
        self.assertEqual(Person.objects.filter(household__import_batch=batch).count(), 4)
        self.assertEqual(registry_counts()["Person"], before["Person"] + 4)
        self.assertEqual(registry_counts()["TimelineEntry"], before["TimelineEntry"] + 2)
        # Again, by the periodic task or a second click: nothing more is written.
        self.assertEqual(recovery.batches_recover(), [])
        tasks.batch_merge_task.call_local(batch.pk, self.carla.pk, "en")
        self.assertEqual(Person.objects.filter(household__import_batch=batch).count(), 4)
        self.assertEqual(steps(batch), ["upload", "validate", "approve", "recover", "merge"])
        event = AuditEvent.objects.get(object_uuid=batch.uuid, context__step="recover")
        self.assertEqual((event.actor, event.actor_email), (None, "system:import-recovery"))
        self.assertEqual(event.organization, self.iom)
        self.assertEqual(
            (event.context["stalled_status"], event.context["attempt"]), ("merging", 1)
        )
        self.assertGreaterEqual(event.context["idle_minutes"], 20)
        # The merge started again acts as the officer who approved it.
        merge = AuditEvent.objects.get(object_uuid=batch.uuid, context__step="merge")
        self.assertEqual(merge.actor, self.carla)

    def test_it_checks_again_a_batch_whose_worker_died_while_checking(self) -> None:
        batch = self.killed_while_checking()
        self.quiet_for(batch, 20)
        recovery.batches_recover()
        batch.refresh_from_db()
        # The rows the dead worker staged are staged again, not twice.
        self.assertEqual(batch.status, S.VALIDATED, batch.file_errors)
        self.assertEqual((batch.total_rows, batch.rows.count(), batch.households), (4, 4, 2))
        self.assertEqual(batch.recovery_attempts, 1)
        merged = self.merge(batch)
        self.assertEqual(Household.objects.filter(import_batch=merged).count(), 2)

    def test_it_queues_again_a_batch_whose_task_was_lost(self) -> None:
        batch = self.uploaded()  # the request died before it queued the check
        self.quiet_for(batch, 20)
        recovery.batches_recover()
        batch.refresh_from_db()
        self.assertEqual(batch.status, S.VALIDATED)

    def test_it_leaves_alone_a_batch_still_moving(self) -> None:
        checking = self.killed_while_checking(families()[:3])
        self.quiet_for(checking, 2)
        # A merge is one transaction: its progress file is its heartbeat.
        merging = self.killed_while_merging(families()[3:])
        self.quiet_for(merging, 20)
        progress_file(merging).write_text("2")

        self.assertEqual(recovery.batches_recover(), [])

        for batch, status in ((checking, S.VALIDATING), (merging, S.MERGING)):
            batch.refresh_from_db()
            self.assertEqual((batch.status, batch.recovery_attempts), (status, 0))
            self.assertNotIn("recover", steps(batch))

    def test_it_leaves_alone_a_batch_whose_task_waits_in_the_queue(self) -> None:
        batch = self.uploaded()
        self.quiet_for(batch, 20)
        huey = tasks.batch_validate_task.huey
        huey.storage.enqueue(huey.serialize_task(tasks.batch_validate_task.s(batch.pk, "es")))
        self.addCleanup(huey.storage.flush_queue)

        found = recovery.batches_recover()

        self.assertEqual([(f.batch, f.action) for f in found], [(batch, import_recovery.WAITING)])
        batch.refresh_from_db()
        self.assertEqual((batch.status, batch.recovery_attempts), (S.UPLOADED, 0))

    @override_settings(IMPORT_RECOVERY_ATTEMPTS=3)
    def test_it_gives_up_after_the_attempts_and_says_so_on_the_batch_page(self) -> None:
        User.objects.filter(pk=self.alice.pk).update(language="en")
        batch = self.killed_while_checking()
        ImportBatch.objects.filter(pk=batch.pk).update(recovery_attempts=3)
        self.quiet_for(batch, 20)

        found = recovery.batches_recover()

        self.assertEqual([(f.action, f.attempt) for f in found], [(import_recovery.FAILED, 3)])
        batch.refresh_from_db()
        self.assertEqual(batch.status, S.FAILED)
        message = batch.file_errors[0]
        self.assertIn("The background worker stopped 4 times while working on this file", message)
        self.assertIn("Upload the file again to retry, or cancel this import.", message)
        self.assertEqual(steps(batch)[-1], "recover_failed")
        self.assertEqual(recovery.batches_recover(), [])  # failed is not in progress
        page = self.login(self.alice).get(reverse("registry_import", args=[batch.uuid]))
        self.assertContains(page, "The background worker stopped 4 times")
        self.assertContains(page, reverse("registry_import_cancel", args=[batch.uuid]))
        again = self.stage(to_csv(families()))  # the same file may come again
        self.assertEqual(again.status, S.VALIDATED)

    def test_it_runs_in_the_consumer_every_five_minutes(self) -> None:
        huey, task = tasks.batches_recover_task.huey, tasks.batches_recover_task.task_class
        self.assertIn(task, {type(t) for t in huey.read_periodic(datetime(2027, 1, 4, 10, 35))})
        self.assertNotIn(task, {type(t) for t in huey.read_periodic(datetime(2027, 1, 4, 10, 37))})
        batch = self.killed_while_checking()
        self.quiet_for(batch, 20)
        tasks.batches_recover_task()
        batch.refresh_from_db()
        self.assertEqual(batch.status, S.VALIDATED)


class RecoverCommandTest(RecoveryTestCase):
    def test_it_says_what_it_would_do_and_changes_nothing_on_a_dry_run(self) -> None:
        batch = self.killed_while_merging()
        self.quiet_for(batch, 20)
        events = AuditEvent.objects.count()
        out = io.StringIO()

        call_command("imports_recover", dry_run=True, stdout=out)

        text = out.getvalue()
        self.assertIn(f"registry import {str(batch.uuid)[:8]} (hogares.csv): Merging", text)
        self.assertIn("no progress for 20 minutes: would be queued again (attempt 1 of 3)", text)
        self.assertIn("Dry run: nothing was changed.", text)
        fresh = ImportBatch.objects.get(pk=batch.pk)
        self.assertEqual(
            (fresh.status, fresh.recovery_attempts, fresh.heartbeat_at),
            (S.MERGING, 0, batch.heartbeat_at),
        )
        self.assertEqual(AuditEvent.objects.count(), events)
        self.assertFalse(Household.objects.filter(import_batch=batch).exists())

    def test_it_queues_again_and_prints_what(self) -> None:
        batch = self.killed_while_merging()
        self.quiet_for(batch, 20)
        out = io.StringIO()
        call_command("imports_recover", stdout=out)
        self.assertIn("Merging, no progress for 20 minutes: queued again (attempt 1 of 3)",
                      out.getvalue())  # fmt: skip
        batch.refresh_from_db()
        self.assertEqual(batch.status, S.MERGED)
        out = io.StringIO()
        call_command("imports_recover", stdout=out)
        self.assertEqual(out.getvalue().strip(), "No import to recover.")
