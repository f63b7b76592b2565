"""The analysis conventions of issue 16 §4, each number computed by hand on small data.

Period: Monday 3 to Sunday 9 March 2025 (7 calendar days); previous period: 24 February to
2 March. Rita is a regional analyst (Colombia and Peru).

Sheet  point  day    shift  direction  flow type  people (sex x age)
s1     CO     03/03  08-12  incoming   transit    30 (women 0-5: 10, women 18-59: 20)
s2     CO     03/03  14-18  incoming   pendular   50 (men 18-59)
s3     CO     05/03  08-12  outgoing   stay       12 (women 18-59)
s4     PE     07/03  08-12  incoming   return     18 (men 60+)
s5     PE     07/03  08-12  incoming   pendular   20 (men 18-59)   same shift as s4
p1     CO     26/02  08-12  incoming   transit    40 (women 18-59) previous period

Monitored days 3 (3rd, 5th, 7th), shifts 4 (CO 3rd: two; CO 5th: one; PE 7th: one).
All 130; migrants 30 + 12 + 18 = 60; pendular 70. Previous: 40 migrants on 1 day, 1 shift.
"""

from __future__ import annotations

import uuid
from datetime import date
from typing import Any

from django.urls import reverse
from django.utils import translation

from caminantes.accounts.models import Membership, User
from caminantes.accounts.permissions import Role
from caminantes.dtm.dashboards.figures import flow_charts, key_figures
from caminantes.dtm.dashboards.filters import Filters
from caminantes.dtm.dashboards.flows import FlowFigures, flow_figures
from caminantes.dtm.intake import submit_flow_count
from caminantes.dtm.models import FlowMonitoringPoint
from caminantes.dtm.services import flow_count_void
from caminantes.dtm.tests.base import DtmTestCase
from caminantes.dtm.tests.outputs_world import ZERO

WEEK = Filters(start=date(2025, 3, 3), end=date(2025, 3, 9))


def tally(point: str, day: str, shift: tuple[str, str], direction: str, flow_type: str,
          **cells: int) -> dict[str, Any]:  # fmt: skip
    return {
        "uuid": str(uuid.uuid4()), "point": point, "date": day, "shift_start": shift[0],
        "shift_end": shift[1], "direction": direction, "flow_type": flow_type,
        **ZERO, **cells,
    }  # fmt: skip


MORNING, AFTERNOON = ("08:00", "12:00"), ("14:00", "18:00")


class ConventionsTestCase(DtmTestCase):
    rita: User
    point_pe: FlowMonitoringPoint

    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        cls.point_pe = FlowMonitoringPoint.objects.create(
            operation=cls.operation, organization=cls.iom, name="CEBAF Tumbes", code="tumbes",
            country=cls.pe, latitude="-3.5", longitude="-80.3", point_type="border_crossing",
        )  # fmt: skip
        cls.rita = User.objects.create_user("rita@example.org", "x", full_name="Rita")
        m = Membership.objects.create(user=cls.rita, organization=cls.iom, role=Role.DTM_ANALYST)
        m.countries.set([cls.co, cls.pe])
        co, pe = cls.point.code, cls.point_pe.code
        for data in (
            tally(co, "2025-03-03", MORNING, "incoming", "transit", female_0_5=10,
                  female_18_59=20),
            tally(co, "2025-03-03", AFTERNOON, "incoming", "pendular", male_18_59=50),
            tally(co, "2025-03-05", MORNING, "outgoing", "stay", female_18_59=12),
            tally(pe, "2025-03-07", MORNING, "incoming", "return", male_60_plus=18),
            tally(pe, "2025-03-07", MORNING, "incoming", "pendular", male_18_59=20),
            tally(co, "2025-02-26", MORNING, "incoming", "transit", female_18_59=40),
        ):  # fmt: skip
            submit_flow_count(data, user=None, operation=cls.operation)

    def figures(self, filters: Filters = WEEK) -> FlowFigures:
        return flow_figures(user=self.rita, operation=self.operation, filters=filters)


class AveragesTest(ConventionsTestCase):
    def test_it_averages_per_monitored_day_not_per_calendar_day(self) -> None:
        fig = self.figures()
        self.assertEqual((fig.total, fig.migrants, fig.pendular), (130, 60, 70))
        self.assertEqual((fig.effort.days, fig.effort.point_days, fig.effort.shifts), (3, 3, 4))
        self.assertAlmostEqual(fig.per_monitored_day or 0, 130 / 3)  # not 130 / 7
        self.assertAlmostEqual(fig.calendar_day_average, 130 / 7)
        self.assertAlmostEqual(fig.effort.per_day(fig.migrants) or 0, 20.0)
        self.assertAlmostEqual(fig.per_shift or 0, 130 / 4)
        self.assertAlmostEqual(fig.effort.per_shift(fig.migrants) or 0, 15.0)

    def test_the_effort_does_not_depend_on_the_direction_or_flow_type_filters(self) -> None:
        outgoing = self.figures(Filters(WEEK.start, WEEK.end, direction="outgoing"))
        self.assertEqual(outgoing.total, 12)
        self.assertEqual((outgoing.effort.days, outgoing.effort.shifts), (3, 4))
        self.assertAlmostEqual(outgoing.per_monitored_day or 0, 4.0)

    def test_a_voided_sheet_takes_its_shift_out_of_the_effort(self) -> None:
        from caminantes.dtm.models import FlowCount

        sheet = FlowCount.objects.get(observed_on=date(2025, 3, 5))
        flow_count_void(actor=self.andres, count=sheet)
        fig = self.figures()
        self.assertEqual((fig.effort.days, fig.effort.shifts), (2, 3))

    def test_it_has_no_average_without_a_monitored_day(self) -> None:
        fig = self.figures(Filters(date(2025, 3, 10), date(2025, 3, 16)))
        self.assertEqual(fig.effort.days, 0)
        self.assertIsNone(fig.per_monitored_day)
        self.assertIsNone(fig.change)


class ChangeTest(ConventionsTestCase):
    def test_it_compares_averages_per_monitored_day(self) -> None:
        fig = self.figures()
        self.assertEqual((fig.previous_migrants, fig.previous_effort.days), (40, 1))
        self.assertEqual(fig.previous_effort.shifts, 1)
        # 60 migrants over 3 monitored days (20 a day) against 40 over 1: -50 %, where the
        # raw totals (60 against 40) would have said +50 %.
        self.assertAlmostEqual(fig.migrant_change or 0, -50.0)
        self.assertAlmostEqual(fig.change or 0, 100 * (130 / 3 - 40) / 40)
        self.assertIsNone(fig.pendular_change)  # no pendular movement before

    def test_the_key_figure_shows_the_effort_of_both_periods(self) -> None:
        with translation.override("en"):
            kpis = {k.label: k for k in key_figures(self.figures())}
        change = kpis["Change against the previous period"]
        self.assertEqual(change.value, "-50.0 %")
        self.assertIn("20.0 against 40.0", change.detail)
        self.assertIn("1 monitored days of 7, 1 shifts", change.detail)
        self.assertEqual(kpis["Migrants per monitored day"].value, "20.0")
        self.assertIn("3 monitored days of 7, 4 shifts", kpis["Migrants per monitored day"].detail)
        self.assertEqual(kpis["Migrants per shift"].value, "15.0")


class FlowTypeHeadlineTest(ConventionsTestCase):
    def test_the_headline_counts_migrants_and_pendular_movements_apart(self) -> None:
        with translation.override("en"):
            kpis = {k.label: k.value for k in key_figures(self.figures())}
        self.assertEqual(kpis["Migrants and refugees"], "60")
        self.assertEqual(kpis["Pendular movements"], "70")
        self.assertNotIn("Flow type not recorded", kpis)  # no old sheets here

    def test_it_splits_the_period_and_the_series_by_flow_type(self) -> None:
        fig = self.figures()
        self.assertEqual(
            fig.by_flow_type,
            {"pendular": 70, "transit": 30, "stay": 12, "return": 18, "unknown": 0},
        )
        by_day = {day.day: values for day, values in fig.series_flow_types}
        self.assertEqual((by_day[3]["transit"], by_day[3]["pendular"]), (30, 50))
        self.assertEqual((by_day[7]["return"], by_day[7]["pendular"]), (18, 20))

    def test_the_dashboard_says_pendular_movements_are_not_migrants(self) -> None:
        self.login(self.rita)
        url = reverse("dtm_dashboard_flows", args=[self.operation.uuid])
        response = self.client.get(url + "?start=2025-03-03&end=2025-03-09")
        self.assertContains(response, "Movimientos pendulares")
        self.assertContains(response, "no son migrantes")
        self.assertContains(response, "Totales por país")


class CountryTest(ConventionsTestCase):
    def test_it_totals_each_country_of_a_regional_operation(self) -> None:
        rows = {c.country.iso2: (c.migrants, c.pendular, c.total) for c in self.figures().countries}
        self.assertEqual(rows, {"CO": (42, 50, 92), "PE": (18, 20, 38)})

    def test_it_filters_by_country_with_its_own_effort(self) -> None:
        fig = self.figures(Filters(WEEK.start, WEEK.end, country_id=self.pe.pk))
        self.assertEqual((fig.total, fig.migrants, fig.pendular), (38, 18, 20))
        self.assertEqual((fig.effort.days, fig.effort.shifts), (1, 1))
        self.assertEqual(fig.previous_total, 0)

    def test_the_page_reads_the_country_from_the_query_string(self) -> None:
        self.login(self.rita)
        url = reverse("dtm_dashboard_flows", args=[self.operation.uuid])
        response = self.client.get(url + "?start=2025-03-03&end=2025-03-09&country=PE")
        self.assertEqual(response.context["fig"].total, 38)
        wrong = self.client.get(url + f"?country=PE&point={self.point.uuid}")
        self.assertContains(wrong, "Este punto está en otro país.")


class PyramidTest(ConventionsTestCase):
    def test_it_shows_each_cell_as_a_share_of_the_whole_population(self) -> None:
        with translation.override("en"):
            chart = flow_charts(self.figures())["sex_age"]
        rows = {r[0]: r[1:] for r in chart.rows}
        # men, women; of 130: women 0-5 10 (7.7 %), women 18-59 32 (24.6 %),
        # men 18-59 70 (53.8 %), men 60+ 18 (13.8 %). Per sex, women 0-5 would be 23.8 %.
        self.assertEqual(rows["0–5"], ["0.0 %", "7.7 %"])  # noqa: RUF001
        self.assertEqual(rows["18–59"], ["53.8 %", "24.6 %"])  # noqa: RUF001
        self.assertEqual(rows["60+"], ["13.8 %", "0.0 %"])
        total = sum(float(v.rstrip(" %")) for cells in rows.values() for v in cells)
        self.assertAlmostEqual(total, 100.0, delta=0.2)


class PartialWeekTest(ConventionsTestCase):
    def test_it_labels_the_first_and_last_weeks_partial_with_their_days(self) -> None:
        # Wednesday 1 January to Monday 31 March: 13 weeks, the first with 5 of its days in
        # the period, the last with 1.
        fig = self.figures(Filters(date(2025, 1, 1), date(2025, 3, 31)))
        self.assertEqual(fig.series_step, "week")
        with translation.override("en"):
            chart = flow_charts(fig)["series"]
        labels = [r[0] for r in chart.rows]
        self.assertIn("partial: 5 of 7 days", labels[0])
        self.assertIn("partial: 1 of 7 days", labels[-1])
        self.assertFalse(any("partial" in label for label in labels[1:-1]))
        self.assertIn("Partial", chart.note)
