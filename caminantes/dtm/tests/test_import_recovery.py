"""DTM imports whose background worker died are read or committed again, once, then failed.

As in the registry's tests, the worker's death is an exception no handler of the import
catches, and time moves by setting the heartbeat back.
"""

from __future__ import annotations

import io
import os
from datetime import timedelta
from pathlib import Path
from unittest import mock

from django.core.management import call_command
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone

from caminantes.accounts.models import User
from caminantes.audit.models import AuditEvent
from caminantes.dtm.imports import import_commit, import_create, recovery, staging
from caminantes.dtm.models import DtmImport, DtmImportRow, FlowCount, FlowDaily
from caminantes.dtm.tasks import import_commit_task, imports_recover_task
from caminantes.dtm.tests.base import DtmTestCase, sheet
from caminantes.dtm.tests.test_imports import flow_csv
from caminantes.lib import import_recovery

S = DtmImport.Status


class WorkerKilled(BaseException):
    """What the import sees of a killed worker: nothing it could catch and handle."""


def counts(n: int = 5) -> bytes:
    return flow_csv([sheet(point="simon-bolivar") for _ in range(n)])


class RecoveryTest(DtmTestCase):
    def upload(self, content: bytes) -> DtmImport:
        """Stored and queued; the worker has not read it."""
        with mock.patch("caminantes.dtm.tasks.import_stage_task"):
            return import_create(user=self.eve, operation=self.operation, country=self.co,
                                 kind="flow_counts", file_name="counts.csv",
                                 chunks=[content])  # fmt: skip

    def checked(self, content: bytes) -> DtmImport:
        batch = import_create(user=self.eve, operation=self.operation, country=self.co,
                              kind="flow_counts", file_name="counts.csv",
                              chunks=[content])  # fmt: skip
        self.assertEqual(batch.status, S.VALIDATED)
        return batch

    def killed_while_reading(self, content: bytes | None = None) -> DtmImport:
        """As a worker killed after its first chunk leaves it: two rows staged, the upload
        still there (a killed process never reaches the `finally` that deletes it)."""
        batch = self.upload(content or counts())
        DtmImport.objects.filter(pk=batch.pk).update(status=S.READING)
        DtmImportRow.objects.bulk_create(
            DtmImportRow(batch=batch, row_number=n, data={}) for n in (2, 3)
        )
        batch.refresh_from_db()
        return batch

    def killed_while_committing(self) -> DtmImport:
        """The worker dies after writing four of the five rows, in two chunks."""
        batch = self.checked(counts())
        with mock.patch("caminantes.dtm.tasks.import_commit_task"):
            batch = import_commit(user=self.andres, batch=batch)

        def dying_report(progress: Path, done: int) -> None:
            if done == 4:
                raise WorkerKilled

        with (
            mock.patch.object(staging, "ROW_CHUNK", 2),
            mock.patch.object(staging, "_report", dying_report),
            self.assertRaises(WorkerKilled),
        ):
            import_commit_task.call_local(batch.pk, self.andres.pk, "en")
        batch.refresh_from_db()
        self.assertEqual((batch.status, FlowCount.objects.count()), (S.COMMITTING, 0))
        return batch

    def quiet_for(self, batch: DtmImport, minutes: int) -> None:
        then = timezone.now() - timedelta(minutes=minutes)
        DtmImport.objects.filter(pk=batch.pk).update(heartbeat_at=then)
        progress = staging.progress_path(batch)
        if progress.exists():
            os.utime(progress, (then.timestamp(), then.timestamp()))
        batch.refresh_from_db()

    def steps(self, batch: DtmImport) -> list[str]:
        return list(
            AuditEvent.objects.filter(action="import", object_uuid=batch.uuid)
            .order_by("id")
            .values_list("context__step", flat=True)
        )

    def test_it_commits_again_an_import_whose_worker_died_and_writes_it_once(self) -> None:
        batch = self.killed_while_committing()
        self.quiet_for(batch, 20)

        found = recovery.imports_recover()

        self.assertEqual([(f.batch, f.status, f.action) for f in found],
                         [(batch, S.COMMITTING, import_recovery.REQUEUED)])  # fmt: skip
        batch.refresh_from_db()
        self.assertEqual((batch.status, batch.imported_rows), (S.COMMITTED, 5), batch.file_errors)
        self.assertEqual(FlowCount.objects.count(), 5)
        self.assertEqual(FlowDaily.objects.get().individuals, 50)
        # Again, by the periodic task or a late task in the queue: nothing more is written.
        self.assertEqual(recovery.imports_recover(), [])
        import_commit_task.call_local(batch.pk, self.andres.pk, "en")
        self.assertEqual(FlowCount.objects.count(), 5)
        self.assertEqual(self.steps(batch), ["upload", "validate", "recover", "commit"])
        # The commit started again acts as the analyst who asked for it.
        commit = AuditEvent.objects.get(object_uuid=batch.uuid, context__step="commit")
        self.assertEqual(commit.actor, self.andres)
        recover = AuditEvent.objects.get(object_uuid=batch.uuid, context__step="recover")
        self.assertEqual(recover.actor_email, "system:import-recovery")

    def test_it_reads_again_an_import_whose_worker_died_while_reading(self) -> None:
        batch = self.killed_while_reading()
        self.quiet_for(batch, 20)
        imports_recover_task()  # what the consumer runs every five minutes
        batch.refresh_from_db()
        self.assertEqual((batch.status, batch.total_rows, batch.rows.count()), (S.VALIDATED, 5, 5))
        self.assertEqual((batch.recovery_attempts, batch.file_path), (1, ""))

    def test_it_leaves_alone_an_import_still_moving(self) -> None:
        reading = self.killed_while_reading()
        self.quiet_for(reading, 3)
        committing = self.killed_while_committing()
        self.quiet_for(committing, 20)
        staging.progress_path(committing).write_text("2")  # a commit in its transaction

        self.assertEqual(recovery.imports_recover(), [])

        for batch, status in ((reading, S.READING), (committing, S.COMMITTING)):
            batch.refresh_from_db()
            self.assertEqual((batch.status, batch.recovery_attempts), (status, 0))

    @override_settings(IMPORT_RECOVERY_ATTEMPTS=3)
    def test_it_fails_an_import_after_the_attempts_and_says_so_on_its_page(self) -> None:
        User.objects.filter(pk=self.eve.pk).update(language="en")
        content = counts()
        batch = self.killed_while_reading(content)
        upload = staging.upload_path(batch)
        self.assertTrue(upload.exists())
        DtmImport.objects.filter(pk=batch.pk).update(recovery_attempts=3)
        self.quiet_for(batch, 20)

        self.assertEqual([f.action for f in recovery.imports_recover()], [import_recovery.FAILED])

        batch.refresh_from_db()
        self.assertEqual((batch.status, batch.file_path, upload.exists()), (S.FAILED, "", False))
        self.assertIn("The background worker stopped 4 times", batch.file_errors[0])
        self.assertIn("Nothing was imported.", batch.file_errors[0])
        self.assertEqual(self.steps(batch)[-1], "recover_failed")
        page = self.login(self.eve).get(reverse("dtm_import", args=[batch.uuid]))
        self.assertContains(page, "The background worker stopped 4 times")
        self.assertContains(page, 'value="cancel"')
        self.checked(content)  # the same file may come again

    def test_it_changes_nothing_on_a_dry_run_of_the_command(self) -> None:
        batch = self.killed_while_committing()
        self.quiet_for(batch, 20)
        out = io.StringIO()
        call_command("imports_recover", dry_run=True, stdout=out)
        self.assertIn(f"dtm import {str(batch.uuid)[:8]} (counts.csv): Importing, no progress "
                      "for 20 minutes: would be queued again (attempt 1 of 3)",
                      out.getvalue())  # fmt: skip
        fresh = DtmImport.objects.get(pk=batch.pk)
        self.assertEqual((fresh.status, fresh.recovery_attempts, fresh.heartbeat_at),
                         (S.COMMITTING, 0, batch.heartbeat_at))  # fmt: skip
        self.assertEqual(FlowCount.objects.count(), 0)
        self.assertNotIn("recover", self.steps(batch))
