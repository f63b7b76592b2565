"""Migration 0007 turns the old "transit" direction into a flow type and keeps every total.

Rule under test: a sheet whose direction was "transit" becomes flow type transit with the
direction of the point's sense (outgoing where the point lists exits but no entries, else
incoming); every other sheet keeps its direction with flow type "unknown". The rollups are
relabelled the same way, and the monitoring effort (MonitoredDay) is filled.

The migrations run on a throwaway in-memory SQLite standing in as the default database, and
only as far as the DTM's own migrations need (accounts, geo, auth): unapplying and reapplying
them on the suite's database re-rendered every app's models at each step (half a minute), and
the suite's database is never touched.
"""

from __future__ import annotations

import contextlib
import hashlib
import uuid
from collections import Counter
from collections.abc import Iterator
from datetime import date, time
from typing import Any

from django.db import connections
from django.db.backends.sqlite3.base import DatabaseWrapper
from django.db.migrations.executor import MigrationExecutor
from django.db.models import Sum
from django.test import SimpleTestCase

BEFORE = [("dtm", "0005_import_heartbeat_recovery_attempts_committed_by")]
AFTER = [("dtm", "0008_direction_and_flow_type_checks")]
DAY1, DAY2 = date(2025, 3, 10), date(2025, 4, 2)


def _migrate(targets: list[tuple[str, str]]) -> Any:
    executor = MigrationExecutor(connections["default"])
    executor.loader.build_graph()
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


@contextlib.contextmanager
def _empty_default_database() -> Iterator[None]:
    """An empty in-memory SQLite as the default database until the block ends."""
    suite = connections["default"]
    settings_dict = {
        **suite.settings_dict,
        "ENGINE": "django.db.backends.sqlite3",
        "NAME": ":memory:",
        "OPTIONS": {},
        "TEST": {},
    }
    scratch = DatabaseWrapper(settings_dict, alias="default")
    connections["default"] = scratch
    try:
        yield
    finally:
        connections["default"] = suite
        if scratch.connection is not None:
            scratch.connection.close()


class FlowTypeMigrationTest(SimpleTestCase):
    # Only the scratch database is used (see _empty_default_database).
    databases = {"default"}

    def _old_world(self, apps: Any) -> dict[str, Any]:
        Organization = apps.get_model("accounts", "Organization")
        Country = apps.get_model("geo", "Country")
        Operation = apps.get_model("dtm", "Operation")
        Point = apps.get_model("dtm", "FlowMonitoringPoint")
        FlowCount = apps.get_model("dtm", "FlowCount")
        org = Organization.objects.create(name="Migración test", acronym="MTEST", type="un")
        co, _ = Country.objects.get_or_create(
            iso2="CO", defaults={"iso3": "COL", "name_es": "Colombia"}
        )
        op = Operation.objects.create(organization=org, name="Op", code="op", starts_on=DAY1)
        both = Point.objects.create(
            operation=op, organization=org, country=co, name="Rumichaca", code="rumichaca",
            latitude=0, longitude=0, point_type="border_crossing",
            movement_types=["entry", "exit", "transit"],
        )  # fmt: skip
        leaving = Point.objects.create(
            operation=op, organization=org, country=co, name="Necoclí", code="necocli",
            latitude=0, longitude=0, point_type="seaport", movement_types=["exit", "transit"],
        )  # fmt: skip
        sheets = [  # point, day, shift, direction, individuals
            (both, DAY1, 8, "incoming", 10), (both, DAY1, 8, "transit", 7),
            (both, DAY1, 14, "outgoing", 5), (both, DAY2, 8, "transit", 3),
            (leaving, DAY1, 8, "transit", 20), (leaving, DAY1, 14, "outgoing", 2),
        ]  # fmt: skip
        for point, day, hour, direction, n in sheets:
            key = uuid.uuid4()
            FlowCount.objects.create(
                uuid=key, point=point, organization=org, country=co, operation=op,
                observed_on=day, shift_start=time(hour), shift_end=time(hour + 4),
                direction=direction, individuals=n, female_18_59=n, source="demo",
                content_sha256=hashlib.sha256(key.bytes).hexdigest(),
            )  # fmt: skip
        # The rollups as the code of the time wrote them: point x day (x month) x direction.
        with connections["default"].cursor() as cur:
            cur.execute(
                "INSERT INTO dtm_flowdaily (point_id, day, direction, organization_id, "
                "country_id, operation_id, sheets, individuals, groups, unaccompanied_children, "
                "female_0_5, female_6_17, female_18_59, female_60_plus, male_0_5, male_6_17, "
                "male_18_59, male_60_plus) SELECT point_id, observed_on, direction, "
                "organization_id, country_id, operation_id, COUNT(*), SUM(individuals), 0, 0, "
                "0, 0, SUM(female_18_59), 0, 0, 0, 0, 0 FROM dtm_flowcount "
                "GROUP BY point_id, observed_on, direction, organization_id, country_id, "
                "operation_id"
            )
            cur.execute(
                "INSERT INTO dtm_flowmonthly (point_id, month, direction, organization_id, "
                "country_id, operation_id, sheets, individuals, groups, unaccompanied_children, "
                "female_0_5, female_6_17, female_18_59, female_60_plus, male_0_5, male_6_17, "
                "male_18_59, male_60_plus) SELECT point_id, date(day, 'start of month'), "
                "direction, organization_id, country_id, operation_id, SUM(sheets), "
                "SUM(individuals), 0, 0, 0, 0, SUM(female_18_59), 0, 0, 0, 0, 0 "
                "FROM dtm_flowdaily GROUP BY point_id, date(day, 'start of month'), "
                "direction, organization_id, country_id, operation_id"
            )
        return {"both": both.pk, "leaving": leaving.pk}

    def _totals(self, apps: Any, model: str, day: str) -> Counter[tuple[Any, ...]]:
        rows = (
            apps.get_model("dtm", model)
            .objects.values("point_id", day)
            .annotate(n=Sum("individuals"), f=Sum("female_18_59"))
        )
        return Counter({(r["point_id"], r[day]): (r["n"], r["f"]) for r in rows})

    def test_it_moves_transit_to_the_flow_type_and_keeps_every_total(self) -> None:
        with _empty_default_database():
            self._moves_transit_and_keeps_every_total()

    def _moves_transit_and_keeps_every_total(self) -> None:
        old = _migrate(BEFORE)
        points = self._old_world(old)
        tables = (("FlowCount", "observed_on"), ("FlowDaily", "day"), ("FlowMonthly", "month"))
        before = {m: self._totals(old, m, d) for m, d in tables}

        new = _migrate(AFTER)
        for model, day in tables:
            self.assertEqual(self._totals(new, model, day), before[model], model)

        counts = new.get_model("dtm", "FlowCount").objects
        labels = Counter(
            (r["point_id"], r["direction"], r["flow_type"], r["individuals"])
            for r in counts.values("point_id", "direction", "flow_type", "individuals")
        )
        both, leaving = points["both"], points["leaving"]
        self.assertEqual(
            labels,
            Counter({
                (both, "incoming", "unknown", 10): 1, (both, "incoming", "transit", 7): 1,
                (both, "outgoing", "unknown", 5): 1, (both, "incoming", "transit", 3): 1,
                (leaving, "outgoing", "transit", 20): 1, (leaving, "outgoing", "unknown", 2): 1,
            }),
        )  # fmt: skip
        self.assertFalse(counts.filter(direction="transit").exists())
        daily = new.get_model("dtm", "FlowDaily").objects
        self.assertEqual(
            daily.get(point_id=leaving, day=DAY1, flow_type="transit").direction, "outgoing"
        )
        self.assertFalse(daily.filter(direction="transit").exists())
        monitored = new.get_model("dtm", "MonitoredDay").objects
        self.assertEqual(
            sorted(monitored.values_list("point_id", "day", "shifts")),
            sorted([(both, DAY1, 2), (both, DAY2, 1), (leaving, DAY1, 2)]),
        )
