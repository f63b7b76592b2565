from __future__ import annotations

from datetime import date

from caminantes.dtm.dashboards.filters import Filters
from caminantes.dtm.dashboards.flows import FlowFigures, flow_figures
from caminantes.dtm.dashboards.surveys import survey_figures
from caminantes.dtm.tests.outputs_world import PERIOD, OutputsTestCase


class FlowFiguresTest(OutputsTestCase):
    def figures(self, filters: Filters = PERIOD) -> FlowFigures:
        return flow_figures(user=self.andres, operation=self.operation, filters=filters)

    def test_it_sums_the_period_as_computed_by_hand(self) -> None:
        fig = self.figures()
        self.assertEqual(fig.total, 20)  # 10 + 4 + 6; Peru's 100 are not in his scope
        # Three days, each monitored (one shift each); the previous period: one day (8).
        self.assertAlmostEqual(fig.per_monitored_day or 0, 20 / 3)
        self.assertEqual(fig.by_direction, {"incoming": 16, "outgoing": 4})
        self.assertEqual(fig.previous_total, 8)
        # Per monitored day: 20 / 3 now against 8 / 1 before.
        self.assertAlmostEqual(fig.change or 0, 100 * (20 / 3 - 8) / 8)
        self.assertEqual(fig.children, 5)
        self.assertAlmostEqual(fig.children_share, 25.0)
        self.assertEqual(fig.female, 11)
        self.assertEqual((fig.groups, fig.unaccompanied_children, fig.sheets), (6, 1, 3))
        self.assertEqual(fig.nationalities, [("VE", 18), ("CO", 2)])
        self.assertEqual(fig.transport, [("on_foot", 12), ("bus", 8)])
        self.assertEqual(fig.destinations, [("PE", 12), ("CO", 4), ("VE", 4)])
        self.assertEqual([(p.point.code, p.individuals) for p in fig.points],
                         [("simon-bolivar", 14), ("paraguachon", 6)])  # fmt: skip

    def test_it_gives_one_value_per_day_and_direction(self) -> None:
        fig = self.figures()
        self.assertEqual(fig.series_step, "day")
        self.assertEqual(
            [(day.day, v["incoming"], v["outgoing"]) for day, v in fig.series],
            [(10, 10, 0), (11, 0, 4), (12, 6, 0)],
        )

    def test_it_filters_by_direction_and_point(self) -> None:
        incoming = self.figures(Filters(PERIOD.start, PERIOD.end, direction="incoming"))
        self.assertEqual((incoming.total, incoming.previous_total), (16, 8))
        # The effort does not depend on the direction: 3 monitored days against 1.
        self.assertAlmostEqual(incoming.change or 0, 100 * (16 / 3 - 8) / 8)
        only_b = self.figures(Filters(PERIOD.start, PERIOD.end, point_ids=(self.point_b.pk,)))
        self.assertEqual((only_b.total, only_b.children, only_b.previous_total), (6, 2, 0))
        self.assertIsNone(only_b.change)

    def test_it_groups_a_long_period_by_week(self) -> None:
        fig = self.figures(Filters(date(2025, 1, 1), date(2025, 3, 31)))
        self.assertEqual(fig.series_step, "week")
        self.assertEqual(fig.total, 38)
        self.assertEqual(sum(v["incoming"] + v["outgoing"] for _d, v in fig.series), 38)

    def test_it_marks_the_weeks_the_period_cuts(self) -> None:
        """1 January 2025 is a Wednesday and 31 March a Monday: the first and last weeks hold
        fewer days, so their lower figures are marked instead of looking like a drop."""
        from django.utils import translation

        from caminantes.dtm.dashboards.figures import flow_charts

        fig = self.figures(Filters(date(2025, 1, 1), date(2025, 3, 31)))
        with translation.override("es"):
            chart = flow_charts(fig)["series"]
        marked = [row[0] for row in chart.rows if str(row[0]).endswith(" *")]
        self.assertEqual(len(marked), 2)
        self.assertEqual((chart.rows[0][0], chart.rows[-1][0]), (marked[0], marked[1]))
        self.assertIn("dentro del periodo", chart.note)
        whole = self.figures(Filters(date(2025, 1, 6), date(2025, 3, 30)))  # Monday to Sunday
        self.assertFalse(flow_charts(whole)["series"].note)

    def test_it_shows_nothing_to_another_organisation(self) -> None:
        fig = flow_figures(user=self.charlie, operation=self.operation, filters=PERIOD)
        self.assertEqual(fig.total, 0)


class SurveyFiguresTest(OutputsTestCase):
    def test_it_counts_respondents_per_answer_as_computed_by_hand(self) -> None:
        fig = survey_figures(user=self.andres, operation=self.operation, filters=PERIOD)
        self.assertEqual(fig.respondents, 4)  # the Peruvian interview is not his
        answers = {q: dict(v) for q, v in fig.answers.items()}
        self.assertEqual(answers["reasons_leaving"],
                         {"economic": 3, "food": 1, "violence": 1, "family": 1})  # fmt: skip
        self.assertEqual(answers["needs"],
                         {"food": 3, "shelter": 1, "health": 1, "documentation": 1})  # fmt: skip
        self.assertEqual(answers["documents"], {"passport": 2, "national_id": 2, "none": 1})
        self.assertEqual(answers["incidents"], {"theft": 2, "none": 2, "extortion": 1})
        self.assertEqual(answers["transit_countries"], {"CO": 3, "EC": 2, "PE": 1})
        self.assertEqual(fig.destinations, [("PE", 2), ("CL", 1), ("CO", 1)])
        self.assertEqual(fig.percent(3), 75.0)
        self.assertEqual(fig.with_children, 1)
