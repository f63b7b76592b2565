"""Handovers at many desks at once, against PostgreSQL: real threads, each with its own
database connection, committed transactions.

- 200 handovers to 200 families compete for the last 10 kits: exactly 10 succeed, the stock
  ends at 0 and never goes below (the balance rows are locked and the CHECK holds);
- the same family at several desks at once: one handover (the household row lock);
- the same offline handover sent three times at once: recorded once (the unique id).

SQLite has one writer for the whole database, so parallel desks cannot race there: these
tests are skipped on it (CI runs the suite on PostgreSQL too). They are TransactionTestCases:
the tables are emptied afterwards with TRUNCATE, which the audit trail's append-only
triggers (BEFORE UPDATE/DELETE) do not refuse; `serialized_rollback` puts back the
catalogue that the migrations seeded.
"""

from __future__ import annotations

import threading
import uuid
from collections import Counter
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta
from typing import Any
from unittest import skipUnless

from django.db import connection, connections
from django.test import TransactionTestCase
from django.utils import timezone

from caminantes.assistance import selectors, services
from caminantes.assistance import services_distribution as sd
from caminantes.assistance.errors import Refused
from caminantes.assistance.models import (
    DistributionPlan,
    Handover,
    Kit,
    ServiceDelivery,
    StockBalance,
)
from caminantes.assistance.tests.base import stock_officer
from caminantes.assistance.tests.base_distribution import make_site
from caminantes.registry.models import Household, Person
from tests.personas import make_world

WORKERS = 20


def in_threads(calls: list[Callable[[], Any]]) -> list[str]:
    """Run every call at once (as far as a pool of WORKERS allows); each thread has its own
    connection, closed when its call ends."""
    start = threading.Barrier(min(len(calls), WORKERS))

    def run(call: Callable[[], Any]) -> str:
        try:
            try:
                start.wait(timeout=5)
            except threading.BrokenBarrierError:
                pass
            result = call()
            return "replayed" if result.replayed else "recorded"
        except Refused as exc:
            return exc.refusal_code
        finally:
            connections.close_all()

    with ThreadPoolExecutor(max_workers=WORKERS) as pool:
        return list(pool.map(run, calls))


ONE_WRITER = "needs PostgreSQL: SQLite has one writer, parallel desks cannot race on it"


@skipUnless(connection.vendor == "postgresql", ONE_WRITER)
class ParallelDesksTests(TransactionTestCase):
    serialized_rollback = True

    def setUp(self) -> None:
        make_world(self)
        self.dora = stock_officer("dora", self.iom, self.co)  # type: ignore[attr-defined]
        self.warehouse = services.warehouse_create(
            actor=self.dora, organization=self.iom, country=self.co,  # type: ignore[attr-defined]
            name="Cúcuta central",
        )  # fmt: skip
        self.kit = Kit.objects.get(code="hygiene-kit")
        today = timezone.localdate()
        self.plan = sd.plan_create(
            actor=self.dora, warehouse=self.warehouse, site=make_site(self.co),  # type: ignore[attr-defined]
            kit=self.kit, name="Higiene", starts_on=today, ends_on=today + timedelta(days=9),
            bands=[sd.Band(1, None, 1)], status=DistributionPlan.Status.OPEN,
        )  # fmt: skip

    def stock(self, kits: int) -> None:
        for line in self.kit.lines.select_related("item"):
            services.stock_receive(actor=self.dora, warehouse=self.warehouse, item=line.item,
                                   quantity=line.quantity * kits, lot="L1")  # fmt: skip

    def families(self, count: int) -> list[Person]:
        households = Household.objects.bulk_create(
            Household(organization=self.iom, country=self.co,  # type: ignore[attr-defined]
                      population_type="in_transit")
            for _ in range(count)
        )  # fmt: skip
        return Person.objects.bulk_create(
            Person(household=h, given_names=f"Persona {i}", sex="F", relationship="focal_point")
            for i, h in enumerate(households)
        )

    def hand(self, person: Person, request_id: uuid.UUID | None = None) -> Callable[[], Any]:
        return lambda: sd.handover_record(
            actor=self.dora, plan=self.plan, household=person.household,
            request_id=request_id or uuid.uuid4(), collected_by=person,
        )  # fmt: skip

    def test_200_desks_for_the_last_10_kits(self) -> None:
        self.stock(10)
        people = self.families(200)
        outcomes = Counter(in_threads([self.hand(p) for p in people]))
        self.assertEqual(outcomes, {"recorded": 10, "out_of_stock": 190})
        self.assertEqual(services.kits_available(self.warehouse, self.kit), 0)
        self.assertFalse(StockBalance.objects.filter(quantity__lt=0).exists())
        self.assertEqual(selectors.reconcile(self.warehouse), [])
        self.assertEqual(Handover.objects.count(), 10)
        self.assertEqual(ServiceDelivery.objects.count(), 10)

    def test_the_same_family_at_several_desks_at_once(self) -> None:
        self.stock(10)
        person = self.families(1)[0]
        outcomes = Counter(in_threads([self.hand(person) for _ in range(8)]))
        self.assertEqual(outcomes, {"recorded": 1, "inside_interval": 7})
        self.assertEqual(Handover.objects.count(), 1)
        self.assertEqual(services.kits_available(self.warehouse, self.kit), 9)

    def test_the_same_offline_handover_sent_three_times_at_once(self) -> None:
        self.stock(10)
        person = self.families(1)[0]
        key = uuid.uuid4()
        outcomes = Counter(in_threads([self.hand(person, key) for _ in range(3)]))
        self.assertEqual(outcomes, {"recorded": 1, "replayed": 2})
        self.assertEqual(Handover.objects.get().uuid, key)
        self.assertEqual(services.kits_available(self.warehouse, self.kit), 9)
        self.assertEqual(ServiceDelivery.objects.count(), 1)
