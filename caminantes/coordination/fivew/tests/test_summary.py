"""The dashboard reads summaries of the validated rows (`summary`): its figures must be the
ones `consolidate` computes from the rows themselves, for every filter, whoever asks, after
every change of what is validated."""

from __future__ import annotations

import importlib
import io
import threading
from concurrent.futures import ThreadPoolExecutor
from datetime import date
from decimal import Decimal
from types import SimpleNamespace
from typing import Any
from unittest import skipUnless

from django.core.management import call_command
from django.db import connection, connections
from django.test import TransactionTestCase
from django.urls import reverse
from django.utils import translation

from caminantes.accounts.models import Membership, Organization, User
from caminantes.accounts.permissions import Role
from caminantes.coordination.fivew import (
    consolidate,
    dashboard,
    refdata,
    selectors,
    services,
    summary,
)
from caminantes.coordination.fivew.engine import fields as F
from caminantes.coordination.fivew.models import (
    Activity,
    Admin1,
    CvaSummary,
    Indicator,
    Report,
    Sector,
    Status,
    Summary,
)
from caminantes.coordination.fivew.tests.base import FivewTestCase, row
from caminantes.coordination.fivew.tests.test_consolidate import ROWS
from tests.personas import PASSWORD, make_world

NSA, LG = "Norte de Santander", "La Guajira"
PEOPLE = {F.MONTHLY_BENEFICIARIES: 5, F.NEW_BENEFICIARIES: 5, F.POP_IN_DESTINATION: 5,
          F.POP_IN_TRANSIT: 0, F.WOMEN_OVER18: 5, F.MEN_OVER18: 0, F.WOMEN_UNDER18: 0}  # fmt: skip
FFS_MORE = [
    # GBV (a Protection subsector) and Protection itself, NSA, January
    row(**{F.MONTH: "2026-01", F.SECTOR: "Protection", F.SUBSECTOR: "GBV",
           F.INDICATOR: "PRO-07", F.ACTIVITY_NAME: "VBG", **PEOPLE}),
    row(**{F.MONTH: "2026-01", F.SECTOR: "Protection", F.INDICATOR: "PRO-03",
           F.ACTIVITY_NAME: "Orientación", **PEOPLE, F.NEW_BENEFICIARIES: 3,
           F.POP_IN_DESTINATION: 1, F.POP_IN_TRANSIT: 2, F.WOMEN_OVER18: 1, F.MEN_OVER18: 2}),
]  # fmt: skip
IOM = [
    # the same admin-1, month and sector as FFS's first row: added up across reports
    row(**{F.APPEALING_ORG: "IOM", F.MONTH: "2026-01", **PEOPLE}),
    row(**{F.APPEALING_ORG: "IOM", F.MONTH: "2026-02", F.ADMIN1: LG,
           F.SECTOR: "Multipurpose Cash Assistance (MPC)", F.INDICATOR: "MPC-01", F.CVA: True,
           F.VALUE_USD: Decimal("120.50"), F.DELIVERY_MECHANISM: "Voucher", **PEOPLE}),
    row(**{F.APPEALING_ORG: "IOM", F.COUNTRY: "Peru", F.ADMIN1: "Lima", F.MONTH: "2026-01",
           **PEOPLE, F.NEW_BENEFICIARIES: 9, F.MONTHLY_BENEFICIARIES: 9,
           F.POP_IN_DESTINATION: 9, F.WOMEN_OVER18: 9}),
]  # fmt: skip
FILTERS: list[dict[str, Any]] = [
    {},
    {"countries": ["co"]},
    {"countries": ["pe"]},
    {"start": date(2026, 1, 1), "end": date(2026, 1, 1)},
    {"start": date(2026, 2, 1)},
    {"end": date(2026, 2, 1), "countries": ["co"]},
    {"sector": "health"},
    {"sector": "gbv"},
    {"sector": "protection"},
    {"sector": "health", "start": date(2026, 2, 1), "end": date(2026, 4, 1)},
    {"start": date(2026, 6, 1)},  # nothing validated
]


class SummaryTest(FivewTestCase):
    returned: Report

    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        Membership.objects.get(user=cls.ines).countries.add(cls.pe)
        created = services.activities_add(
            actor=cls.charlie, organization=cls.ffs, rows=ROWS + FFS_MORE
        )
        created += services.activities_add(actor=cls.ines, organization=cls.iom, rows=IOM)
        for report in sorted({a.report for a in created}, key=lambda r: r.pk):
            cls.move(report, "submit", "validate")
        # FFS's March: validated, then returned; IOM's March: submitted only
        march = {F.MONTH: "2026-03", **PEOPLE}
        cls.returned = cls.move(cls.add_row(march), "submit", "validate", "return")
        cls.move(cls.add_row({**march, F.APPEALING_ORG: "IOM"}, org=cls.iom), "submit")
        # April, loaded around the app from an older list: breakdowns missing, no value,
        # no mechanism (the "unknown" cells); validated with no rebuild, then summarised
        april = Report.objects.create(
            organization=cls.iom, country=cls.co, month=date(2026, 4, 1), status=Status.VALIDATED
        )
        health = Indicator.objects.get(year=2026, code="HEA-02")
        nsa = Admin1.objects.get(country=cls.co, name=NSA)
        common = {"report": april, "admin1": nsa, "sector": health.sector, "indicator": health}
        Activity.objects.create(
            **common,
            activity_name="a",
            new_beneficiaries=7,
            monthly_beneficiaries=None,
            women_over18=4,
            men_over18=3,
        )
        Activity.objects.create(
            **common, activity_name="b", new_beneficiaries=5, pop_in_transit=2, pop_in_destination=3
        )
        Activity.objects.create(
            **common, activity_name="c", new_beneficiaries=4, monthly_beneficiaries=4, cva=True
        )
        Activity.objects.create(
            **common,
            activity_name="d",
            new_beneficiaries=None,
            monthly_beneficiaries=2,
            cva=True,
            value_usd=Decimal("10.25"),
            delivery_mechanism="mobile_money",
            pop_pendular=1,
            other_over18=1,
        )
        summary.rebuild_all()

    @classmethod
    def add_row(cls, changes: dict[str, Any], org: Any = None) -> Report:
        user = cls.ines if org is not None else cls.charlie
        org = org or cls.ffs
        (a,) = services.activities_add(actor=user, organization=org, rows=[row(**changes)])
        assert a.report is not None
        return a.report

    @classmethod
    def move(cls, report: Report, *actions: str) -> Report:
        for action in actions:
            actor = (
                cls.charlie if action == "submit" and report.organization == cls.ffs else cls.ines
            )
            services.report_transition(actor=actor, report=report, action=action, comment="x")
        return report

    # --- the two ways of counting -------------------------------------------------------

    def resolve(self, f: dict[str, Any]) -> dict[str, Any]:
        countries = [getattr(self, c) for c in f.get("countries", ["co", "pe"])]
        sector = Sector.objects.get(code=f["sector"]) if "sector" in f else None
        return {"countries": countries, "start": f.get("start"), "end": f.get("end"),
                "sector": sector}  # fmt: skip

    def from_rows(self, user: Any, countries: Any, start: Any, end: Any, sector: Any) -> Any:
        qs = consolidate.filtered(
            selectors.validated_activities(user=user),
            countries=countries, start=start, end=end, sectors=[sector] if sector else [],
        )  # fmt: skip
        cube = consolidate.by(qs, "country", "admin1", "subsector", "month")
        rolled = consolidate.rollup(cube)
        return {
            "totals": rolled[0] if rolled else consolidate.totals(qs),
            "max_sector": consolidate.max_sector(qs)[0],
            "by_country": consolidate.rollup(cube, "country"),
            "by_sector": consolidate.rollup(cube, "subsector"),
            "by_admin1": consolidate.rollup(cube, "country", "admin1"),
            "by_month": consolidate.rollup(cube, "month"),
            "cva": consolidate.cva_by_mechanism(qs),
        }

    def from_summaries(self, user: Any, **filters: Any) -> Any:
        # Under R4V's (English) sector names, as the rows are added up; a Spanish page shows
        # the Spanish names (test_it_names_the_sectors_in_spanish_for_a_spanish_reader).
        with translation.override("en"):
            f = dashboard.figures(selectors.validated_summaries(user=user), **filters)
        s = selectors.validated_summaries(user=user).filtered(
            countries=filters["countries"], start=filters["start"], end=filters["end"],
            sectors=[filters["sector"]] if filters["sector"] else [],
        )  # fmt: skip
        return {
            "totals": f.totals,
            "max_sector": f.max_sector,
            "by_country": f.by_country,
            "by_sector": f.by_sector,
            "by_admin1": f.by_admin1,
            "by_month": summary.tables(s.reach).by_month,
            "cva": [{k: v for k, v in c.items() if k != "label"} for c in f.cva],
        }

    def test_it_names_the_sectors_in_spanish_for_a_spanish_reader(self) -> None:
        filters = self.resolve({})
        with translation.override("es"):
            f = dashboard.figures(selectors.validated_summaries(user=self.ines), **filters)
        names = {r["subsector"] for r in f.by_sector}
        english = self.from_summaries(self.ines, **filters)["by_sector"]
        self.assertEqual(len(names), len(english))
        spanish = dict(Sector.objects.exclude(name_es="").values_list("name", "name_es"))
        self.assertTrue(spanish, "the reference list has Spanish names")
        self.assertEqual(names, {spanish.get(r["subsector"], r["subsector"]) for r in english})
        self.assertNotEqual(names, {r["subsector"] for r in english})

    def assert_same(self, user: Any = None, filters: list[dict[str, Any]] = FILTERS) -> None:
        user = user or self.ines
        for f in filters:
            resolved = self.resolve(f)
            expected = self.from_rows(user, **resolved)
            got = self.from_summaries(user, **resolved)
            for key, value in expected.items():
                self.assertEqual(got[key], value, (f, key))
                if key == "cva":  # the same Decimal, as the page shows it
                    self.assertEqual([str(c["value_usd"]) for c in got[key]],
                                     [str(c["value_usd"]) for c in value])  # fmt: skip

    # --- the tests ------------------------------------------------------------------------

    def test_the_dashboards_figures_equal_the_rows_for_every_filter(self) -> None:
        self.assert_same()
        f = self.from_summaries(self.ines, **self.resolve({}))
        # 27 (consolidate's rows) + GBV 5 + Protection 3 + IOM 5 + 5 + Peru 9 + April 16
        self.assertEqual(f["totals"]["people_reached"], 70)
        self.assertEqual(f["totals"]["monthly_beneficiaries"], 34 + 5 + 5 + 5 + 5 + 9 + 6)
        self.assertEqual({r["country"] for r in f["by_country"]}, {"COL", "PER"})
        self.assertIn("GBV", {r["subsector"] for r in f["by_sector"]})
        self.assertEqual(
            {c["mechanism"]: c["value_usd"] for c in f["cva"]},
            {"mobile_money": Decimal("510.25"), "voucher": Decimal("120.5"), "unknown": 0},
        )
        self.assertGreater(f["max_sector"]["pop_unknown"], 0)
        self.assertGreater(f["max_sector"]["age_sex_unknown"], 0)

    def test_each_user_sees_the_figures_of_her_dashboard_countries_only(self) -> None:
        self.assert_same(self.charlie, [{}, {"sector": "health"}])
        (only,) = self.from_summaries(self.charlie, **self.resolve({}))["by_country"]
        self.assertEqual(only["country"], "COL")  # charlie has no country but Colombia

    def test_the_page_shows_the_summaries(self) -> None:
        c = self.login(self.ines)
        r = c.get(reverse("fivew_dashboard"), {"start": "2026-01", "end": "2026-04"})
        self.assertEqual(r.status_code, 200)
        expected = self.from_rows(self.ines, **self.resolve({"start": date(2026, 1, 1)}))
        self.assertEqual(r.context["f"].totals, expected["totals"])
        self.assertEqual(r.context["f"].max_sector, expected["max_sector"])
        self.assertContains(r, f"<strong>{expected['max_sector']['people_reached']}</strong>")

    def test_validating_and_returning_move_the_figures(self) -> None:
        def people() -> int:
            return int(
                self.from_summaries(self.ines, **self.resolve({}))["totals"]["people_reached"]
            )

        before = people()
        self.move(Report.objects.get(pk=self.returned.pk), "submit", "validate")
        self.assertEqual(people(), before + 5)
        self.assert_same()
        self.move(Report.objects.get(pk=self.returned.pk), "return")
        self.assertEqual(people(), before)
        self.assert_same()
        self.assertFalse(Summary.objects.filter(month=date(2026, 3, 1)).exists())

    def test_an_indicator_that_stops_counting_leaves_the_figures(self) -> None:
        health = Indicator.objects.get(year=2026, code="HEA-02")
        services.indicator_save(actor=self.ines, year=2026, code="HEA-02", name=health.name,
                                sector=health.sector, type="capacity_building")  # fmt: skip
        self.assert_same()
        by_sector = self.from_summaries(self.ines, **self.resolve({}))["by_sector"]
        self.assertNotIn("Health", {r["subsector"] for r in by_sector})

    def test_the_command_writes_them_all_again(self) -> None:
        Summary.objects.all().delete()
        CvaSummary.objects.all().delete()
        out = io.StringIO()
        call_command("fivew", "summarise", stdout=out)
        self.assertEqual(out.getvalue().strip(), "slices=4")  # Colombia's Jan, Feb, Apr; Peru's Jan
        self.assert_same()

    def test_the_migrations_fill_writes_what_the_app_writes(self) -> None:
        def contents() -> Any:
            return [
                sorted(tuple(v for k, v in r.items() if k != "id") for r in m.objects.values())
                for m in (Summary, CvaSummary)
            ]

        built = contents()
        Summary.objects.all().delete()
        CvaSummary.objects.all().delete()
        fill = importlib.import_module(
            "caminantes.coordination.fivew.migrations.0002_summaries"
        ).fill
        with connection.cursor() as cursor:
            fill(None, SimpleNamespace(connection=connection, execute=cursor.execute))
        self.assertEqual(contents(), built)


ONE_WRITER = "needs PostgreSQL: SQLite has one writer, two IMOs cannot race on it"


@skipUnless(connection.vendor == "postgresql", ONE_WRITER)
class ParallelValidationTest(TransactionTestCase):
    """Eight partners' months of one country validated at once by IMOs at eight desks (real
    threads, own connections, committed): each rebuild of the month must see the others'
    validations (the month's reports are locked first), or the summary would miss some."""

    serialized_rollback = True

    def test_every_validation_reaches_the_summary(self) -> None:
        make_world(self)
        co: Any = self.co  # type: ignore[attr-defined]
        refdata.load(years=(2026,))
        imo = User.objects.create_user("ines@example.org", PASSWORD, full_name="Ines")
        m = Membership.objects.create(user=imo, organization=self.iom, role=Role.IM_OFFICER)  # type: ignore[attr-defined]
        m.countries.set([co])
        health = Indicator.objects.get(year=2026, code="HEA-02")
        nsa = Admin1.objects.get(country=co, name=NSA)
        reports = []
        for i in range(8):
            org = Organization.objects.create(name=f"Partner {i}", acronym=f"P{i}", type="ngo")
            report = Report.objects.create(
                organization=org, country=co, month=date(2026, 1, 1), status=Status.SUBMITTED
            )
            Activity.objects.create(report=report, admin1=nsa, sector=health.sector,
                                    indicator=health, new_beneficiaries=i + 1,
                                    monthly_beneficiaries=i + 1, pop_in_destination=i + 1,
                                    women_over18=i + 1)  # fmt: skip
            reports.append(report)
        start = threading.Barrier(len(reports))

        def validate(report: Report) -> None:
            try:
                start.wait(timeout=5)
                services.report_transition(actor=imo, report=report, action="validate")
            finally:
                connections.close_all()

        with ThreadPoolExecutor(max_workers=len(reports)) as pool:
            list(pool.map(validate, reports))
        (cell,) = Summary.objects.filter(country=co, month=date(2026, 1, 1))
        self.assertEqual(cell.new_beneficiaries, sum(range(1, 9)))
        self.assertEqual(
            summary.max_sector(Summary.objects.all()),
            consolidate.max_sector(consolidate.validated())[0],
        )
