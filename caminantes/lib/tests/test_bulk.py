"""The bulk writer, tried on the registry's tables: what it writes reads back as the ORM
writes it, and the ids it hands out are never another row's (SQLite: above the highest ever
given; PostgreSQL: the sequence)."""

from __future__ import annotations

import uuid
from typing import Any

from django.db import connection
from django.utils import timezone

from caminantes.lib.bulk import BulkWriter
from caminantes.registry.models import Household, Phone, TimelineEntry
from caminantes.registry.tests.base import RegistryTestCase


class BulkWriterTest(RegistryTestCase):
    def household_rows(self, n: int) -> list[dict[str, Any]]:
        return [
            {"uuid": uuid.uuid4(), "organization_id": self.iom.pk, "country_id": self.co.pk}
            for _ in range(n)
        ]

    def test_rows_read_back_with_their_values_and_the_models_defaults(self) -> None:
        writer = BulkWriter()
        rows = self.household_rows(3)
        writer.write(Household, rows)
        for row in rows:
            household = Household.objects.get(uuid=row["uuid"])
            self.assertEqual(household.organization, self.iom)
            self.assertEqual(household.status, Household._meta.get_field("status").default)
            self.assertIsNotNone(household.created_at.tzinfo)
            self.assertEqual(household.version, 1)
        household = Household.objects.get(uuid=rows[0]["uuid"])
        # A field given nowhere gets a fresh uuid per row, like the ORM's default.
        writer.write(
            Phone,
            [
                {"household_id": household.pk, "number_encrypted": "x", "number_hash": "h1"},
                {"household_id": household.pk, "number_encrypted": "y", "number_hash": "h2"},
            ],
        )
        self.assertEqual(len(set(household.phones.values_list("uuid", flat=True))), 2)
        # JSON given by the row is stored as JSON.
        writer.write(
            TimelineEntry,
            [
                {
                    "household_id": household.pk,
                    "kind": "registration",
                    "summary": "s",
                    "occurred_at": timezone.now(),
                    "params": {"n": 2, "org": "OIM"},
                }
            ],
        )
        self.assertEqual(household.timeline.get().params, {"n": 2, "org": "OIM"})

    def test_it_never_hands_out_an_id_twice(self) -> None:
        writer = BulkWriter()
        first = writer.reserve_ids(Household, 2)
        second = writer.reserve_ids(Household, 2)  # before the first are written
        if first is None or second is None:
            self.skipTest("this database gives the ids at insert time")
        self.assertFalse(set(first) & set(second))
        rows = self.household_rows(2)
        for row, pk in zip(rows, second, strict=True):
            row["id"] = pk
        writer.write(Household, rows)
        last = max(second)
        # The highest row deleted: its id is not given again (SQLite AUTOINCREMENT, like a
        # PostgreSQL sequence), neither to the writer nor to the ORM afterwards.
        Household.objects.filter(pk=last).delete()
        (again,) = BulkWriter().reserve_ids(Household, 1) or []
        self.assertGreater(again, last)
        created = Household.objects.create(organization=self.iom, country=self.co)
        self.assertGreater(created.pk, again if connection.vendor == "postgresql" else last)
        # Another writer after an ORM insert starts above it.
        (after,) = BulkWriter().reserve_ids(Household, 1) or []
        self.assertGreater(after, created.pk)
