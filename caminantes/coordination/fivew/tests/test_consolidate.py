"""Consolidation in SQL against numbers computed by hand, and against the engine's pure
functions on the same rows (one set of counting rules)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from caminantes.coordination.fivew import bridge, consolidate, services
from caminantes.coordination.fivew.engine import fields as F
from caminantes.coordination.fivew.tests.base import FivewTestCase, row

NSA, LG = "Norte de Santander", "La Guajira"
ROWS: list[dict[str, Any]] = [
    # 1. Health, NSA, January: 6 new (4 in destination, 2 in transit; 3 W+, 2 M+, 1 W-)
    row(**{F.MONTH: "2026-01", F.MONTHLY_BENEFICIARIES: 10, F.NEW_BENEFICIARIES: 6}),
    # 2. Shelter, NSA, January: 8 new in destination, 4 women and 4 men
    row(**{F.MONTH: "2026-01", F.SECTOR: "Shelter", F.INDICATOR: "SHE-02",
           F.MONTHLY_BENEFICIARIES: 8, F.NEW_BENEFICIARIES: 8, F.POP_IN_DESTINATION: 8,
           F.POP_IN_TRANSIT: 0, F.WOMEN_OVER18: 4, F.MEN_OVER18: 4, F.WOMEN_UNDER18: 0}),
    # 3. Health, NSA, February: 2 boys in destination
    row(**{F.MONTH: "2026-02", F.MONTHLY_BENEFICIARIES: 5, F.NEW_BENEFICIARIES: 2,
           F.POP_IN_DESTINATION: 2, F.POP_IN_TRANSIT: 0, F.WOMEN_OVER18: 0, F.MEN_OVER18: 0,
           F.WOMEN_UNDER18: 0, F.MEN_UNDER18: 2}),
    # 4. Health, La Guajira, January: 7 women in transit
    row(**{F.MONTH: "2026-01", F.ADMIN1: LG, F.MONTHLY_BENEFICIARIES: 7,
           F.NEW_BENEFICIARIES: 7, F.POP_IN_DESTINATION: 0, F.POP_IN_TRANSIT: 7,
           F.WOMEN_OVER18: 7, F.MEN_OVER18: 0, F.WOMEN_UNDER18: 0}),
    # 5. Capacity building: not people reached
    row(**{F.MONTH: "2026-01", F.INDICATOR: "HEA-01", F.ACTIVITY_NAME: "Formación",
           F.MONTHLY_BENEFICIARIES: 20, F.NEW_BENEFICIARIES: 20, F.POP_IN_DESTINATION: 20,
           F.POP_IN_TRANSIT: 0, F.WOMEN_OVER18: 20, F.MEN_OVER18: 0, F.WOMEN_UNDER18: 0}),
    # 6. Not an RMRP activity: not counted
    row(**{F.MONTH: "2026-01", F.RMRP_ACTIVITY: False, F.ACTIVITY_NAME: "Fuera del plan",
           F.MONTHLY_BENEFICIARIES: 100, F.NEW_BENEFICIARIES: 100, F.POP_IN_DESTINATION: 100,
           F.POP_IN_TRANSIT: 0, F.WOMEN_OVER18: 100, F.MEN_OVER18: 0, F.WOMEN_UNDER18: 0}),
    # 7. Multipurpose cash, NSA, January: 4 women in destination, 500 USD by mobile money
    row(**{F.MONTH: "2026-01", F.SECTOR: "Multipurpose Cash Assistance (MPC)",
           F.INDICATOR: "MPC-01", F.CVA: True, F.VALUE_USD: Decimal("500"),
           F.DELIVERY_MECHANISM: "Mobile money", F.MONTHLY_BENEFICIARIES: 4,
           F.NEW_BENEFICIARIES: 4, F.POP_IN_DESTINATION: 4, F.POP_IN_TRANSIT: 0,
           F.WOMEN_OVER18: 4, F.MEN_OVER18: 0, F.WOMEN_UNDER18: 0}),
]  # fmt: skip


class ConsolidateTest(FivewTestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        created = services.activities_add(actor=cls.charlie, organization=cls.ffs, rows=ROWS)
        for report in {a.report for a in created}:
            services.report_transition(actor=cls.charlie, report=report, action="submit")
            services.report_transition(actor=cls.ines, report=report, action="validate")
        # an IOM draft: never counted
        services.activities_add(actor=cls.carla, organization=cls.iom, rows=[row(**{
            F.APPEALING_ORG: "IOM", F.MONTH: "2026-01", F.MONTHLY_BENEFICIARIES: 1000,
            F.NEW_BENEFICIARIES: 6})])  # fmt: skip

    def setUp(self) -> None:
        self.qs = consolidate.validated()

    def test_it_sums_monthly_and_new_beneficiaries_of_counted_rows(self) -> None:
        t = consolidate.totals(self.qs)
        self.assertEqual(t["monthly_beneficiaries"], 34)  # 10 + 8 + 5 + 7 + 4
        self.assertEqual(t["people_reached"], 27)  # 6 + 8 + 2 + 7 + 4
        self.assertEqual((t[F.POP_IN_DESTINATION], t[F.POP_IN_TRANSIT]), (18, 9))
        self.assertEqual(
            (t[F.WOMEN_OVER18], t[F.MEN_OVER18], t[F.WOMEN_UNDER18], t[F.MEN_UNDER18]),
            (18, 6, 1, 2),
        )

    def test_it_groups_by_sector_and_admin1(self) -> None:
        by_sector = {r["sector"]: r["people_reached"] for r in consolidate.by(self.qs, "sector")}
        self.assertEqual(
            by_sector, {"Health": 15, "Shelter": 8, "Multipurpose Cash Assistance (MPC)": 4}
        )
        by_area = {
            r["admin1"]: r["monthly_beneficiaries"] for r in consolidate.by(self.qs, "admin1")
        }
        self.assertEqual(by_area, {NSA: 27, LG: 7})

    def test_the_max_sector_model_takes_each_cells_largest_sector(self) -> None:
        # NSA January: cells (destination, women) max(2, 4, 4) = 4, (destination, men)
        # max(4/3, 4) = 4, (destination, girls) 2/3, (transit, women) 1, (transit, men) 2/3,
        # (transit, girls) 1/3: 10 2/3. NSA February: 2. La Guajira: 7. Total 19 2/3 -> 20.
        (m,) = consolidate.max_sector(self.qs)
        self.assertEqual(m["people_reached"], 20)
        self.assertEqual((m[F.POP_IN_DESTINATION], m[F.POP_IN_TRANSIT]), (11, 9))
        self.assertEqual(
            (m[F.WOMEN_OVER18], m[F.MEN_OVER18], m[F.WOMEN_UNDER18], m[F.MEN_UNDER18]),
            (12, 5, 1, 2),
        )
        by_area = {
            r["admin1"]: r["people_reached"] for r in consolidate.max_sector(self.qs, "admin1")
        }
        self.assertEqual(by_area, {NSA: 13, LG: 7})
        (s,) = consolidate.max_sector(self.qs, model="sum")
        self.assertEqual(s["people_reached"], 27)

    def test_it_totals_cva_by_mechanism(self) -> None:
        (cva,) = consolidate.cva_by_mechanism(self.qs)
        self.assertEqual(
            (cva["mechanism"], cva["value_usd"], cva["rows"]), ("mobile_money", Decimal("500"), 1)
        )

    def test_it_equals_the_engines_pure_functions(self) -> None:
        from caminantes.coordination.fivew.engine import consolidate as pure

        rows = bridge.rows_of(self.qs)
        ref = bridge.reference()
        (t,) = pure.totals(rows, ref, by=())
        sql = consolidate.totals(self.qs)
        for key in ("monthly_beneficiaries", "people_reached", *F.POPULATION_TYPES, *F.AGE_SEX):
            self.assertEqual(sql[key], t[key], key)
        for model in ("max-sector", "sum"):
            (expected,) = pure.across_sectors(rows, ref, model=model, by=())
            (got,) = consolidate.max_sector(self.qs, model=model)
            for key in ("people_reached", *F.POPULATION_TYPES, *F.AGE_SEX):
                self.assertEqual(got[key], expected[key], (model, key))
        by_admin1 = pure.across_sectors(rows, ref, by=(F.ADMIN1,))
        self.assertEqual(
            {r[F.ADMIN1]: r["people_reached"] for r in by_admin1},
            {r["admin1"]: r["people_reached"] for r in consolidate.max_sector(self.qs, "admin1")},
        )
        (c,) = pure.cva_totals(rows, ref, by=())
        (mine,) = consolidate.cva_by_mechanism(self.qs)
        self.assertEqual((c["value_usd"], c["rows"]), (mine["value_usd"], mine["rows"]))
