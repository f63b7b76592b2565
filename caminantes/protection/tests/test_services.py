"""The protection services: who may be assigned, what a closed case refuses, what the audit
trail holds (the object, never a value), and that reads count for the bulk-read alert."""

from __future__ import annotations

from datetime import date, timedelta

from django.conf import settings
from django.db import connection
from django.test import override_settings

from caminantes.accounts.services import api_token_create
from caminantes.audit.models import Alert, AuditEvent
from caminantes.lib import crypto
from caminantes.protection import selectors, services
from caminantes.protection.errors import Refused
from caminantes.protection.models import ProtectionCase
from caminantes.protection.tests.base import NARRATIVE, SURVIVOR, ProtectionTestCase


class ServicesTest(ProtectionTestCase):
    def test_it_assigns_only_the_matching_role_in_the_case_org_and_country(self) -> None:
        for user in (self.tom, self.carla, self.alice, self.admin, self.charlie):
            with self.subTest(user=user.email), self.assertRaises(Refused):
                services.case_assign(actor=self.bob, case=self.gbv, user=user, role="caseworker")
        services.case_assign(actor=self.bob, case=self.gbv, user=self.sara, role="supervisor")
        with self.assertRaises(Refused):
            services.case_assign(actor=self.bob, case=self.gbv, user=self.sara, role="caseworker")
        self.assertIn(self.gbv, selectors.cases_for(self.sara))

    def test_it_refuses_writes_from_someone_not_assigned(self) -> None:
        with self.assertRaises(Refused):
            services.case_update(actor=self.vera, case=self.gbv, data={"narrative": "x"})
        with self.assertRaises(Refused):
            services.case_reveal(actor=self.vera, case=self.gbv)

    def test_it_keeps_a_caseworker_on_every_case(self) -> None:
        only = self.gbv.assignments.get(user=self.bob)
        with self.assertRaises(Refused):
            services.case_unassign(actor=self.bob, assignment=only)
        services.case_assign(actor=self.bob, case=self.gbv, user=self.vera, role="caseworker")
        services.case_unassign(actor=self.bob, assignment=only)
        self.assertNotIn(self.gbv, selectors.cases_for(self.bob))

    def test_it_refuses_every_edit_of_a_closed_case(self) -> None:
        services.case_close(actor=self.bob, case=self.gbv, reason="survivor_request")
        today = date.today()
        for write in (
            lambda: services.case_update(actor=self.bob, case=self.gbv, data={"narrative": "x"}),
            lambda: services.action_add(actor=self.bob, case=self.gbv, text="x", due_on=None),
            lambda: services.service_add(actor=self.bob, case=self.gbv,
                                         data={"service": "legal", "date": today}),
            lambda: services.session_add(actor=self.bob, case=self.gbv,
                                         data={"date": today, "wellbeing": 5}),
            lambda: services.case_assign(actor=self.bob, case=self.gbv, user=self.sara,
                                         role="supervisor"),
            lambda: services.case_close(actor=self.bob, case=self.gbv, reason="other"),
        ):  # fmt: skip
            with self.assertRaises(Refused) as caught:
                write()
            self.assertEqual(caught.exception.refusal_code, "closed")
        # Reading it (and revealing the name) still works for the caseworker.
        self.assertEqual(services.case_reveal(actor=self.bob, case=self.gbv), SURVIVOR)

    def test_it_refuses_wrong_values_whatever_the_form(self) -> None:
        future = date.today() + timedelta(days=1)
        for data, code in (
            ({"incident_date": future}, "future_date"),
            ({"age": 140}, "age_range"),
        ):
            with self.subTest(code=code), self.assertRaises(Refused) as caught:
                services.case_update(actor=self.bob, case=self.gbv, data=data)
            self.assertEqual(caught.exception.refusal_code, code)
        with self.assertRaises(Refused):
            services.case_update(actor=self.tom, case=self.tip,
                                 data={"authorities_referral": True})  # fmt: skip
        with self.assertRaises(Refused):
            services.session_add(actor=self.bob, case=self.gbv, data={"wellbeing": 11})

    def test_it_numbers_the_sessions(self) -> None:
        for _ in range(2):
            data = {"date": date.today(), "type": "group", "wellbeing": 4}
            services.session_add(actor=self.bob, case=self.gbv, data=data)
        numbers = [s.contents()["number"] for s in selectors.sessions_of(self.gbv)]
        self.assertEqual(sorted(numbers), [1, 2])

    def test_it_never_puts_a_value_in_the_audit_trail(self) -> None:
        services.case_update(actor=self.bob, case=self.gbv, data={"narrative": "Nuevo relato"})
        services.case_reveal(actor=self.bob, case=self.gbv)
        trail = " ".join(
            f"{e.object_type} {e.context}" for e in AuditEvent.objects.all()
        ).lower()  # fmt: skip
        for value in (SURVIVOR, "nuevo relato", NARRATIVE, self.gbv.survivor_code, "yuleidy"):
            self.assertNotIn(value.lower(), trail)

    @override_settings(AUDIT_BULK_READ_LIMIT=3, AUDIT_BULK_READ_MINUTES=5)
    def test_it_counts_case_reads_for_the_bulk_read_alert(self) -> None:
        for _ in range(4):
            selectors.case_for(self.bob, self.gbv.uuid)
        self.assertTrue(Alert.objects.filter(user=self.bob, kind=Alert.Kind.BULK_READ).exists())


class AtRestTest(ProtectionTestCase):
    def test_it_leaves_no_plaintext_in_any_protection_table(self) -> None:
        services.action_add(actor=self.bob, case=self.gbv, text="Acompañar a Medicina Legal",
                            due_on=None)  # fmt: skip
        services.session_add(actor=self.bob, case=self.gbv, data={
            "date": date.today(), "type": "individual", "wellbeing": 3,
            "note": "Nota clínica reservada",
        })  # fmt: skip
        # Every column of every protection table, as a dump would write it.
        rows = []
        with connection.cursor() as cursor:
            for table in connection.introspection.table_names(cursor):
                if table.startswith("protection_"):
                    cursor.execute(f"SELECT * FROM {table}")  # noqa: S608 - our table names
                    rows += [" ".join(str(v) for v in row) for row in cursor.fetchall()]
        dump = "\n".join(rows)
        self.assertIn(self.gbv.survivor_code, dump)  # the dump is real
        for secret in ("Yuleidy", "Contreras Mora", "cerca del puente", "Medicina Legal",
                       "Nota clínica", "Casa de la hermana", "Dayana"):  # fmt: skip
            self.assertNotIn(secret, dump)

    def test_it_opens_with_the_protection_keys_and_not_the_field_keys(self) -> None:
        with connection.cursor() as cursor:
            cursor.execute("SELECT sealed FROM protection_protectioncase WHERE id = %s",
                           [self.gbv.pk])  # fmt: skip
            raw = cursor.fetchone()[0]
        self.assertNotIn("Yuleidy", raw)
        with self.assertRaises(crypto.InvalidToken):
            crypto.decrypt(raw, keys=settings.FIELD_ENCRYPTION_KEYS)
        self.assertIn("Yuleidy", crypto.decrypt(raw, keys=settings.PROTECTION_ENCRYPTION_KEYS))

    def test_it_keeps_protection_events_out_of_the_audit_api(self) -> None:
        selectors.case_for(self.bob, self.gbv.uuid)
        for reader in (self.admin, self.audrey):
            secret = api_token_create(user=reader, name="t", scopes=["read"]).secret
            headers = {"Authorization": f"Bearer {secret}"}
            listing = self.client.get("/api/v1/audit/events", headers=headers)
            self.assertEqual(listing.status_code, 200)
            self.assertNotIn(str(self.gbv.uuid), listing.content.decode())
            self.assertNotIn("protection.", listing.content.decode())
            event = AuditEvent.objects.filter(object_uuid=self.gbv.uuid).first()
            assert event is not None
            one = self.client.get(f"/api/v1/audit/events/{event.uuid}", headers=headers)
            self.assertEqual(one.status_code, 404)

    def test_it_has_no_clear_column_naming_the_survivor(self) -> None:
        clear = {f.name for f in ProtectionCase._meta.concrete_fields}
        expected = {"id", "uuid", "organization", "country", "kind", "survivor_code", "status",
                    "opened_at", "closed_at", "updated_at", "sealed"}  # fmt: skip
        self.assertEqual(clear, expected)
