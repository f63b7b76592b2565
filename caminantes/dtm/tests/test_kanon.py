"""The microdata generaliser on small hand-made data: each disclosure rule of issue 16 §6."""

from __future__ import annotations

import datetime as dt
import re
from collections import Counter
from typing import Any

from django.test import SimpleTestCase

from caminantes.dtm.exports import kanon
from caminantes.dtm.exports.microdata import QUASI, SENSITIVE, quasi_identifiers

POINTS = {"cucuta": "CO", "ipiales": "CO", "tumbes": "PE"}


def person(**over: Any) -> dict[str, Any]:
    base: dict[str, Any] = {
        "interviewed_on": dt.date(2025, 3, 10), "point": "cucuta", "nationality": "VE",
        "origin_country": "VE", "sex": "female", "age": 30, "group_size": 3,
        "children_in_group": 1, "unaccompanied_children": 0, "incidents": "none",
    }  # fmt: skip
    base.update(over)
    return base


def run(records: list[dict[str, Any]], **kwargs: Any) -> kanon.Result:
    return kanon.anonymise(records, quasi_identifiers(POINTS), sensitive=SENSITIVE, **kwargs)


def smallest_combination(result: kanon.Result) -> int:
    combos = Counter(tuple(r[c] for c in QUASI) for r in result.records)
    return min(combos.values())


class HouseholdCompositionTest(SimpleTestCase):
    def test_a_unique_travel_group_does_not_single_anyone_out(self) -> None:
        # Ten alike, and one who travels with nine others and four children.
        records = [person(incidents="none" if i % 2 else "theft") for i in range(10)]
        records += [person(group_size=10, children_in_group=4, unaccompanied_children=2)]
        result = run(records, max_suppressed=0)
        self.assertGreaterEqual(smallest_combination(result), 5)
        self.assertEqual(result.k, smallest_combination(result))
        released = {(r["group_size"], r["children_in_group"]) for r in result.records}
        self.assertNotIn(("5+", "3+"), released)  # the big group never appears as itself

    def test_group_size_and_children_are_quasi_identifiers(self) -> None:
        for column in ("group_size", "children_in_group", "unaccompanied_children"):
            self.assertIn(column, QUASI)


class SensitiveAnswersTest(SimpleTestCase):
    def test_an_incident_shared_by_a_whole_combination_is_withheld(self) -> None:
        victims = [person(incidents="sexual_violence") for _ in range(5)]
        others = [person(sex="male", incidents="none" if i % 2 else "theft") for i in range(6)]
        result = run(victims + others)
        for r in result.records:
            if r["sex"] == "female":
                self.assertEqual(r["incidents"], kanon.WITHHELD)
        self.assertEqual(result.diversity_withheld["incidents"], 5)
        male = [r["incidents"] for r in result.records if r["sex"] == "male"]
        self.assertEqual(sorted(set(male)), ["none", "theft"])  # diverse: released

    def test_one_answer_for_a_whole_combination_is_withheld_even_with_other_options(
        self,
    ) -> None:
        # Each said something else as well, but all five said sexual violence.
        answers = ["sexual_violence;theft", "sexual_violence", "sexual_violence;extortion",
                   "sexual_violence", "sexual_violence;theft"]  # fmt: skip
        result = run([person(incidents=a) for a in answers])
        self.assertEqual({r["incidents"] for r in result.records}, {kanon.WITHHELD})


class CoarsenRecordsFirstTest(SimpleTestCase):
    def test_a_few_rare_interviews_do_not_cost_everyone_their_sex_and_age(self) -> None:
        # 150 interviews: 144 in common combinations, 6 rare ones.
        records = []
        for i in range(144):
            records.append(person(sex=("female", "male")[i % 2], age=(25, 41)[i // 2 % 2],
                                  interviewed_on=dt.date(2025, 3, 3 + i % 3)))  # fmt: skip
        for i in range(6):
            records.append(person(age=70 + i, nationality="HT", point="tumbes",
                                  interviewed_on=dt.date(2025, 3, 20 + i)))  # fmt: skip
        result = run(records)
        sexes = Counter(r["sex"] for r in result.records)
        ages = Counter(r["age"] for r in result.records)
        self.assertGreaterEqual(sexes["female"] + sexes["male"], 144)
        self.assertGreaterEqual(ages["23-27"] + ages["38-42"], 144)
        self.assertGreaterEqual(smallest_combination(result), 5)
        self.assertIn("5-year bands (144", result.levels["age"])

    def test_the_month_is_always_kept(self) -> None:
        records = [person(interviewed_on=dt.date(2025, m, 1), age=20 + m) for m in range(1, 7)]
        records += [person(interviewed_on=dt.date(2025, 1, d)) for d in range(2, 9)]
        result = run(records)
        for r in result.records:
            self.assertRegex(r["interviewed_on"], r"^\d{4}-(\d{2}|W\d{2})(-\d{2})?$")
        self.assertNotIn("withheld", result.levels["interviewed_on"])
        self.assertGreater(result.suppressed, 0)  # the lone months go, they are not blurred

    def test_age_bands_are_regular(self) -> None:
        for width in (5, 10, 20):
            step = kanon.age_band(width)
            bands = {step(age) for age in range(18, 100)}
            for band in bands - {"58+"}:
                low, high = map(int, re.fullmatch(r"(\d+)-(\d+)", band).groups())  # type: ignore[union-attr]
                self.assertEqual(high - low + 1, width, band)
            self.assertIn("58+", bands)

    def test_it_says_what_it_did(self) -> None:
        records = [person() for _ in range(5)] + [person(age=66)]
        result = run(records, max_suppressed=0.2)
        self.assertEqual((result.suppressed, result.total), (1, 6))
        self.assertIn("5-year bands (5)", result.levels["age"])
        self.assertEqual(result.diversity_withheld["incidents"], 5)  # all said "none"
