"""Long periods read whole months from the monthly rollups: same figures, fewer rows."""

from __future__ import annotations

from datetime import date

from django.db.models import Sum

from caminantes.dtm import rollup
from caminantes.dtm.dashboards.filters import Filters
from caminantes.dtm.dashboards.flows import flow_figures
from caminantes.dtm.dashboards.periods import split
from caminantes.dtm.dashboards.surveys import survey_figures
from caminantes.dtm.models import FlowCount, FlowMonthly, SurveyChoiceMonthly
from caminantes.dtm.services import flow_count_void
from caminantes.dtm.tests.outputs_world import OutputsTestCase

MARCH = Filters(start=date(2025, 3, 1), end=date(2025, 3, 31))


class SplitTest(OutputsTestCase):
    def test_it_cuts_a_period_into_whole_months_and_edge_days(self) -> None:
        cut = split(date(2025, 3, 10), date(2025, 6, 5))
        self.assertEqual((cut.first_month, cut.last_month), (date(2025, 4, 1), date(2025, 5, 1)))
        self.assertEqual(
            cut.edges,
            ((date(2025, 3, 10), date(2025, 3, 31)), (date(2025, 6, 1), date(2025, 6, 5))),
        )
        self.assertEqual(split(date(2025, 3, 1), date(2025, 3, 31)).edges, ())
        short = split(date(2025, 1, 31), date(2025, 2, 1))
        self.assertIsNone(short.first_month)
        self.assertEqual(short.edges, ((date(2025, 1, 31), date(2025, 2, 1)),))


class MonthlyRollupTest(OutputsTestCase):
    def test_the_month_of_march_adds_up_by_hand(self) -> None:
        # Andrés sees the two Colombian points: 10 + 4 + 6 + 8 + 10 in March.
        fig = flow_figures(user=self.andres, operation=self.operation, filters=MARCH)
        self.assertEqual(fig.total, 38)
        self.assertEqual(fig.by_direction["incoming"], 34)
        self.assertEqual(dict(fig.nationalities), {"VE": 36, "CO": 2})
        self.assertEqual(dict(fig.destinations)["CO"], 22)
        self.assertEqual(
            FlowMonthly.objects.filter(month=date(2025, 3, 1)).aggregate(n=Sum("individuals")),
            {"n": 138},  # the Peruvian point's 100 too: the rollup holds everything
        )

    def test_whole_months_and_edge_days_give_the_figures_of_the_days(self) -> None:
        periods = [
            (date(2025, 2, 15), date(2025, 4, 5)),
            (date(2025, 3, 1), date(2025, 3, 12)),
            (date(2025, 3, 9), date(2025, 4, 30)),
            (date(2024, 12, 1), date(2025, 3, 31)),
        ]
        for start, end in periods:
            months = flow_figures(
                user=self.andres, operation=self.operation, filters=Filters(start, end)
            )
            # The same period as single days, one call per day, summed by hand.
            total, points = 0, dict[int, int]()
            day = start
            while day <= end:
                one = flow_figures(
                    user=self.andres, operation=self.operation, filters=Filters(day, day)
                )
                total += one.total
                for p in one.points:
                    points[p.point.pk] = points.get(p.point.pk, 0) + p.individuals
                day = date.fromordinal(day.toordinal() + 1)
            with self.subTest(start=start, end=end):
                self.assertEqual(months.total, total)
                self.assertEqual({p.point.pk: p.individuals for p in months.points}, points)

    def test_voiding_a_sheet_takes_it_out_of_its_month(self) -> None:
        late = FlowCount.objects.get(point=self.point, observed_on=date(2025, 3, 20))
        flow_count_void(actor=self.eve, count=late)
        fig = flow_figures(user=self.andres, operation=self.operation, filters=MARCH)
        self.assertEqual(fig.total, 28)

    def test_the_survey_month_counts_each_answer_once_per_respondent(self) -> None:
        rows = SurveyChoiceMonthly.objects.filter(point=self.point, month=date(2025, 3, 1))
        self.assertEqual(rows.get(question="reasons_leaving", option="economic").respondents, 3)
        fig = survey_figures(user=self.andres, operation=self.operation, filters=MARCH)
        self.assertEqual(fig.respondents, 4)
        self.assertEqual(dict(fig.answers["reasons_leaving"])["economic"], 3)
        self.assertEqual(fig.with_children, 1)

    def test_a_rebuild_gives_back_the_same_months(self) -> None:
        before = sorted(FlowMonthly.objects.values_list("point_id", "month", "individuals"))
        choices = sorted(SurveyChoiceMonthly.objects.values_list("option", "respondents"))
        rollup.rebuild()
        self.assertEqual(
            sorted(FlowMonthly.objects.values_list("point_id", "month", "individuals")), before
        )
        self.assertEqual(
            sorted(SurveyChoiceMonthly.objects.values_list("option", "respondents")), choices
        )
