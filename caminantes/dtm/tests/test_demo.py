from __future__ import annotations

import random
from unittest import mock

from django.db.models import Sum
from django.template.loader import render_to_string
from django.utils import translation

from caminantes.dtm import demo
from caminantes.dtm.models import (
    CollectiveSite,
    FlowCount,
    FlowDaily,
    Operation,
    Round,
    SurveyChoice,
    SurveyRefusal,
    SurveySubmission,
)
from caminantes.dtm.tests.base import DtmTestCase


class DemoTest(DtmTestCase):
    def test_it_splits_exactly(self) -> None:
        rng = random.Random(1)
        for total in (0, 1, 7, 1234):
            self.assertEqual(sum(demo._split(rng, total, demo.SEX_AGE_SHARE).values()), total)

    def test_it_loads_a_year_at_the_seeded_crossing_once(self) -> None:
        lines: list[str] = []
        with mock.patch.object(demo, "SURVEYS", 40):
            demo.load(lines.append)
            demo.load(lines.append)
        op = Operation.objects.get(code=demo.CODE)
        self.assertEqual(Round.objects.filter(operation=op).count(), 12)
        counts = FlowCount.objects.filter(operation=op)
        self.assertGreater(counts.values("observed_on").distinct().count(), 330)
        totals = counts.aggregate(
            people=Sum("individuals"),
            kids=Sum("female_0_5") + Sum("female_6_17") + Sum("male_0_5") + Sum("male_6_17"),
        )
        self.assertAlmostEqual(totals["kids"] / totals["people"], 0.25, delta=0.04)
        daily = FlowDaily.objects.filter(operation=op).aggregate(s=Sum("individuals"))["s"]
        self.assertEqual(daily, totals["people"])
        self.assertTrue(SurveyChoice.objects.filter(operation=op, question="needs").exists())
        self.assertIn("already there", lines[-1])
        # issue 16 §5: the new counts and questions have demo figures
        self.assertGreater(counts.aggregate(p=Sum("pregnant_lactating"))["p"], 0)
        self.assertGreater(FlowDaily.objects.filter(operation=op)
                           .aggregate(d=Sum("with_disabilities"))["d"], 0)  # fmt: skip
        surveys = SurveySubmission.objects.filter(operation=op)
        self.assertFalse(surveys.filter(legal_status="").exists())
        for s in surveys:
            self.assertEqual(sum(v or 0 for v in s.group_by_sex_age.values()), s.group_size)
        self.assertTrue(SurveyRefusal.objects.filter(operation=op).exists())
        self.assertTrue(CollectiveSite.objects.exclude(latitude=None).exists())
        # Flow types as DTM sees them: pendular dominant at the Cúcuta bridges and
        # Paraguachón, transit entering Ecuador at Rumichaca, no sheet without a flow type.
        self.assertFalse(counts.filter(flow_type="unknown").exists())
        self.assertFalse(counts.exclude(direction__in=["incoming", "outgoing"]).exists())

        def shares(code: str, **where: str) -> dict[str, float]:
            rows = (FlowDaily.objects.filter(operation=op, point__code=code, **where)
                    .values("flow_type").annotate(n=Sum("individuals")))  # fmt: skip
            total = sum(r["n"] for r in rows)
            return {r["flow_type"]: r["n"] / total for r in rows}

        # The test database has one seeded crossing: the Simón Bolívar bridge at Cúcuta.
        self.assertGreater(shares("co-simon-bolivar")["pendular"], 0.6)
        self.assertEqual(set(shares("co-simon-bolivar")), {"pendular", "stay", "transit",
                                                            "return"})  # fmt: skip

    def test_its_flow_mixes_follow_each_crossing(self) -> None:
        def top(code: str, direction: str) -> str:
            mix = demo.FLOW_MIX[code][direction]
            return max(mix, key=lambda t: mix[t])

        for code in ("co-simon-bolivar", "co-francisco-de-paula-santander", "co-paraguachon"):
            self.assertEqual((top(code, "incoming"), top(code, "outgoing")),
                             ("pendular", "pendular"), code)  # fmt: skip
        for code in ("ec-rumichaca", "co-necocli"):
            self.assertEqual(top(code, "incoming"), "transit", code)
        self.assertEqual(top("co-rumichaca", "outgoing"), "transit")
        self.assertEqual(top("pe-cebaf-tumbes", "outgoing"), "transit")
        self.assertEqual(set(demo.FLOW_MIX), set(demo.POINTS))


class SurveyNoteTest(DtmTestCase):
    def test_it_gives_outputs_the_representativeness_note_in_each_language(self) -> None:
        for lang, words in (("es", "no es estadísticamente representativa"),
                            ("pt", "não é estatisticamente representativa"),
                            ("en", "not statistically representative")):  # fmt: skip
            with translation.override(lang):
                self.assertIn(words, render_to_string("dtm/includes/survey_note.html"))
