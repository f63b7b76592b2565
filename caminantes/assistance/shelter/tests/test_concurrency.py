"""Two check-ins for the last bed at once: one gets it. Against PostgreSQL, with two threads
each on its own connection, the transactions really overlap: the second waits on the row
lock of the bed (select_for_update), then finds it taken; and when two check-ins want the
same person on two different beds, the partial unique constraint on the open assignments
refuses the one that commits second.

Committed rows, so a TransactionTestCase: PostgreSQL empties the tables with TRUNCATE, which
the audit trail's append-only row triggers (BEFORE UPDATE/DELETE) do not stop. SQLite lets
one writer at a time (BEGIN IMMEDIATE), so the race cannot happen there: skipped.
"""

from __future__ import annotations

import threading
import unittest
from collections.abc import Callable
from typing import Any

from django.db import connection
from django.test import TransactionTestCase

from caminantes.accounts.models import Organization
from caminantes.assistance.errors import Refused
from caminantes.assistance.models import ServiceDelivery
from caminantes.assistance.shelter import services
from caminantes.assistance.shelter.models import BedAssignment, Stay
from caminantes.assistance.shelter.tests.base import household, shelter_officer
from caminantes.geo.models import Country
from tests.personas import make_world


def race(*calls: Callable[[], Any]) -> list[str]:
    """Run the calls at the same moment, each in its own thread and connection."""
    barrier = threading.Barrier(len(calls))
    outcomes: list[str] = []

    def run(call: Callable[[], Any]) -> None:
        try:
            barrier.wait(timeout=10)
            call()
            outcomes.append("ok")
        except Refused as exc:
            outcomes.append(exc.refusal_code)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(c,)) for c in calls]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=30)
    return sorted(outcomes)


@unittest.skipUnless(
    connection.vendor == "postgresql",
    "needs PostgreSQL: SQLite takes one writer at a time, so two check-ins cannot overlap",
)
class LastBedTests(TransactionTestCase):
    serialized_rollback = True
    co: Country
    iom: Organization

    def setUp(self) -> None:
        make_world(self)
        self.sara = shelter_officer("sara", self.iom, self.co)
        self.site = services.site_create(actor=self.sara, organization=self.iom, country=self.co,
                                         name="Último", kind="transit", max_nights=3)  # fmt: skip
        room = services.room_create(actor=self.sara, site=self.site, name="Sala", beds=2)
        self.first, self.last = list(room.beds.order_by("label"))
        self.ana = household(self.iom, self.co, [("Ana", "F", 30)])
        self.bea = household(self.iom, self.co, [("Bea", "F", 31)])

    def check_in(self, hh: Any, bed: Any) -> Callable[[], Any]:
        person = hh.members.get()
        return lambda: services.stay_check_in(
            actor=self.sara, site=self.site, household=hh, placements=[(person, bed)], nights=1
        )

    def test_it_gives_the_last_bed_to_one_of_two_check_ins(self) -> None:
        outcomes = race(self.check_in(self.ana, self.last), self.check_in(self.bea, self.last))
        self.assertEqual(outcomes, ["bed_taken", "ok"])
        self.assertEqual(BedAssignment.objects.filter(bed=self.last).count(), 1)
        self.assertEqual(Stay.objects.count(), 1)
        self.assertEqual(ServiceDelivery.objects.count(), 1)

    def test_it_gives_one_person_one_bed_when_two_desks_check_her_in(self) -> None:
        outcomes = race(self.check_in(self.ana, self.first), self.check_in(self.ana, self.last))
        self.assertEqual(outcomes.count("ok"), 1, outcomes)
        refused = next(o for o in outcomes if o != "ok")
        self.assertIn(refused, ("household_already_staying", "person_already_in_bed"))
        self.assertEqual(BedAssignment.objects.filter(released_at__isnull=True).count(), 1)

    def test_a_bed_taken_out_of_use_during_a_check_in_is_never_both(self) -> None:
        from caminantes.assistance.shelter import services_beds

        outcomes = race(
            self.check_in(self.ana, self.last),
            lambda: services_beds.bed_deactivate(actor=self.sara, bed=self.last),
        )
        self.assertIn(outcomes, (["bed_held", "ok"], ["bed_out_of_use", "ok"]))
        self.last.refresh_from_db()
        held = BedAssignment.objects.filter(bed=self.last, released_at__isnull=True).exists()
        self.assertNotEqual(held, not self.last.is_active)  # held and in use, or free and out
