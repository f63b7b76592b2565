from __future__ import annotations

import itertools
from io import StringIO

from django.core.management import CommandError, call_command
from django.db import DatabaseError, connection, transaction

from caminantes.audit import actions
from caminantes.audit.log import GENESIS, log, log_many, verify_chain
from caminantes.audit.models import AuditEvent
from tests.personas import PersonaTestCase


def drop_triggers() -> None:
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("DROP TRIGGER audit_event_no_update ON audit_auditevent")
        else:
            cursor.execute("DROP TRIGGER audit_event_no_update")


class AuditChainTest(PersonaTestCase):
    events: list[AuditEvent]

    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        AuditEvent.objects.all()  # events from persona creation, if any, stay
        cls.events = [log(cls.alice, actions.UPDATE, cls.alice, reason="test") for _ in range(3)]

    def test_it_links_each_event_to_the_previous_one(self) -> None:
        chain = list(AuditEvent.objects.order_by("id"))
        self.assertEqual(chain[0].prev_hash, GENESIS)
        for before, after in itertools.pairwise(chain):
            self.assertEqual(after.prev_hash, before.hash)
        self.assertTrue(verify_chain().ok)

    def test_events_written_together_chain_like_events_written_one_by_one(self) -> None:
        together = log_many(self.carla, actions.CREATE, [self.alice, self.bob, self.pablo])
        people = [self.alice.uuid, self.bob.uuid, self.pablo.uuid]
        self.assertEqual([e.object_uuid for e in together], people)
        self.assertEqual(together[0].prev_hash, self.events[-1].hash)
        log(self.alice, actions.UPDATE, self.alice)
        self.assertTrue(verify_chain().ok)

    def test_it_never_stores_field_values_only_who_what_which(self) -> None:
        event = self.events[0]
        self.assertEqual(event.object_type, "accounts.user")
        self.assertEqual(event.object_uuid, self.alice.uuid)
        self.assertEqual(event.context, {"reason": "test"})

    def test_it_refuses_update_through_the_orm(self) -> None:
        event = self.events[1]
        event.action = "delete"
        with self.assertRaises(DatabaseError), transaction.atomic():
            event.save()

    def test_it_refuses_raw_update_and_delete(self) -> None:
        for sql in (
            "UPDATE audit_auditevent SET action = 'x'",
            "DELETE FROM audit_auditevent",
        ):
            with self.subTest(sql=sql), self.assertRaises(DatabaseError), transaction.atomic():
                with connection.cursor() as cursor:
                    cursor.execute(sql)
        self.assertEqual(AuditEvent.objects.filter(action="x").count(), 0)

    def test_it_names_the_first_altered_event(self) -> None:
        target = self.events[1]
        drop_triggers()
        with connection.cursor() as cursor:
            cursor.execute(
                "UPDATE audit_auditevent SET actor_email = %s WHERE id = %s",
                ["someone-else@example.org", target.id],
            )
        result = verify_chain()
        self.assertFalse(result.ok)
        self.assertEqual(result.broken_id, target.id)
        with self.assertRaisesMessage(CommandError, f"id={target.id}"):
            call_command("audit", "verify", stdout=StringIO())

    def test_it_notices_a_removed_event(self) -> None:
        target = self.events[0]
        with connection.cursor() as cursor:
            if connection.vendor == "postgresql":
                cursor.execute("DROP TRIGGER audit_event_no_delete ON audit_auditevent")
            else:
                cursor.execute("DROP TRIGGER audit_event_no_delete")
            cursor.execute("DELETE FROM audit_auditevent WHERE id = %s", [target.id])
        result = verify_chain()
        self.assertFalse(result.ok)
        self.assertEqual(result.broken_id, self.events[1].id)

    def test_it_reports_an_intact_chain(self) -> None:
        out = StringIO()
        call_command("audit", "verify", stdout=out)
        self.assertIn("intact", out.getvalue())
