"""The chain is keyed and anchored: an attacker who can write to the database (triggers
dropped) can neither re-hash the events after deleting some nor cut events off the end."""

from __future__ import annotations

import hashlib
import json
from datetime import UTC
from io import StringIO
from pathlib import Path
from tempfile import TemporaryDirectory

from django.core.management import CommandError, call_command
from django.db import connection
from django.test import override_settings

from caminantes.audit import actions
from caminantes.audit.log import GENESIS, log, verify_chain
from caminantes.audit.models import AuditEvent
from caminantes.audit.tasks import audit_checkpoint_task
from tests.personas import PersonaTestCase


def drop_triggers() -> None:
    with connection.cursor() as cursor:
        for name in ("audit_event_no_update", "audit_event_no_delete"):
            if connection.vendor == "postgresql":
                cursor.execute(f"DROP TRIGGER {name} ON audit_auditevent")
            else:
                cursor.execute(f"DROP TRIGGER {name}")


def unkeyed_digest(e: AuditEvent, prev: str) -> str:
    """What an attacker without the key can compute: the content hashed as it is stored."""
    parts = [
        prev, str(e.uuid), e.occurred_at.astimezone(UTC).isoformat(timespec="microseconds"),
        str(e.actor_id or ""), e.actor_email, str(e.organization_id or ""), e.role, e.action,
        e.object_type, str(e.object_uuid or ""), str(e.ip_address or ""), e.request_id,
        e.outcome, json.dumps(e.context, sort_keys=True, separators=(",", ":"), default=str),
    ]  # fmt: skip
    return hashlib.sha256("\x1f".join(parts).encode()).hexdigest()


def delete_and_rehash(ids: list[int]) -> None:
    drop_triggers()
    with connection.cursor() as cursor:
        for event_id in ids:
            cursor.execute("DELETE FROM audit_auditevent WHERE id = %s", [event_id])
        prev = GENESIS
        for e in AuditEvent.objects.order_by("id"):
            new = unkeyed_digest(e, prev)
            cursor.execute(
                "UPDATE audit_auditevent SET prev_hash = %s, hash = %s WHERE id = %s",
                [prev, new, e.id],
            )
            prev = new


class KeyedChainTest(PersonaTestCase):
    def setUp(self) -> None:
        tmp = TemporaryDirectory()
        self.addCleanup(tmp.cleanup)
        self.checkpoints = Path(tmp.name) / "audit-checkpoints.jsonl"
        patcher = override_settings(AUDIT_CHECKPOINT_FILE=self.checkpoints)
        patcher.enable()
        self.addCleanup(patcher.disable)
        self.events = [log(self.alice, actions.UPDATE, self.alice, n=i) for i in range(6)]

    def test_it_detects_events_deleted_and_the_rest_rehashed(self) -> None:
        delete_and_rehash([self.events[1].id, self.events[2].id])
        self.assertFalse(verify_chain().ok)
        with self.assertRaises(CommandError):
            call_command("audit", "verify", stdout=StringIO())

    def test_it_detects_events_cut_off_the_end_after_a_checkpoint(self) -> None:
        call_command("audit", "checkpoint", stdout=StringIO())
        drop_triggers()
        with connection.cursor() as cursor:
            cursor.execute("DELETE FROM audit_auditevent WHERE id >= %s", [self.events[4].id])
        result = verify_chain()
        self.assertFalse(result.ok)
        self.assertIn("checkpoint", result.reason)

    def test_it_writes_a_signed_checkpoint_to_a_file_and_the_log(self) -> None:
        with self.assertLogs("caminantes.audit", level="INFO") as logs:
            call_command("audit", "checkpoint", stdout=StringIO())
        line = self.checkpoints.read_text().strip().splitlines()[-1]
        mark = json.loads(line)
        self.assertEqual((mark["seq"], mark["hash"]), (self.events[-1].id, self.events[-1].hash))
        self.assertIn(line, logs.output[-1])
        out = StringIO()
        call_command("audit", "verify", stdout=out)
        self.assertIn("1 checkpoint", out.getvalue())

    def test_the_worker_writes_a_checkpoint_on_its_own(self) -> None:
        audit_checkpoint_task()
        mark = json.loads(self.checkpoints.read_text())
        self.assertEqual(mark["seq"], self.events[-1].id)

    def test_it_refuses_a_forged_checkpoint(self) -> None:
        call_command("audit", "checkpoint", stdout=StringIO())
        mark = json.loads(self.checkpoints.read_text())
        mark["seq"] -= 1
        self.checkpoints.write_text(json.dumps(mark) + "\n")
        result = verify_chain()
        self.assertFalse(result.ok)
        self.assertIn("signature", result.reason)

    def test_it_checks_a_checkpoint_line_shipped_elsewhere(self) -> None:
        call_command("audit", "checkpoint", stdout=StringIO())
        shipped = self.checkpoints.read_text().strip()
        self.checkpoints.unlink()  # the attacker removes the local copy ...
        drop_triggers()
        with connection.cursor() as cursor:
            cursor.execute("DELETE FROM audit_auditevent WHERE id = %s", [self.events[-1].id])
        self.assertTrue(verify_chain().ok)  # ... and the cut end is invisible without it,
        with self.assertRaisesMessage(CommandError, "checkpoint"):  # but not with it.
            call_command("audit", "verify", "--checkpoint", shipped, stdout=StringIO())

    def test_it_verifies_events_from_before_the_keyed_chain_up_to_the_configured_id(
        self,
    ) -> None:
        # An installation upgraded from the unkeyed chain: its old events verify as they are
        # once the operator names the last of them; the keyed era begins after it.
        drop_triggers()
        prev = GENESIS
        with connection.cursor() as cursor:
            for e in AuditEvent.objects.order_by("id"):
                new = unkeyed_digest(e, prev)
                cursor.execute(
                    "UPDATE audit_auditevent SET prev_hash = %s, hash = %s WHERE id = %s",
                    [prev, new, e.id],
                )
                prev = new
        last_unkeyed = self.events[-1].id
        log(self.alice, actions.UPDATE, self.alice)
        refused = verify_chain()
        self.assertFalse(refused.ok)
        self.assertIn("AUDIT_UNKEYED_UNTIL", refused.reason)
        with override_settings(AUDIT_UNKEYED_UNTIL=last_unkeyed):
            result = verify_chain()
        self.assertTrue(result.ok, result.reason)
        self.assertEqual(result.legacy, AuditEvent.objects.count() - 1)
        with override_settings(AUDIT_UNKEYED_UNTIL=last_unkeyed - 1):
            self.assertFalse(verify_chain().ok)
