"""The server's re-check of a form's rules: the small evaluator and the flags."""

from __future__ import annotations

from datetime import timedelta

from django.test import SimpleTestCase
from django.utils import timezone

from caminantes.collect.processing.checks import Unsupported, check, evaluate
from caminantes.collect.processing.questions import normalise


def q(name: str, kind: str = "text", **kw: object) -> dict[str, object]:
    return {"name": name, "type": kind, "path": kw.pop("path", name), **kw}


class EvaluatorTest(SimpleTestCase):
    def test_the_common_constraints(self) -> None:
        self.assertTrue(evaluate(". >= 0", "0"))
        self.assertFalse(evaluate(". >= 0", "-1"))
        self.assertFalse(evaluate(". <= 120", "130"))
        self.assertTrue(evaluate(". > 0 and . < 100", "50"))
        self.assertFalse(evaluate(". > 0 and . < 100", "100"))
        self.assertTrue(evaluate("regex(., '^[0-9]{7,10}$')", "3001234567"))
        self.assertFalse(evaluate("regex(., '^[0-9]{7,10}$')", "30-01"))
        self.assertTrue(evaluate("string-length(.) <= 5", "abcde"))
        self.assertFalse(evaluate("string-length(.) <= 5", "abcdef"))
        tomorrow = (timezone.localdate() + timedelta(days=1)).isoformat()
        self.assertFalse(evaluate(". <= today()", tomorrow))
        self.assertTrue(evaluate(". <= today()", "2020-01-01"))
        self.assertTrue(evaluate("${a} + 1 = 3", "", lambda n: "2"))
        self.assertTrue(evaluate("selected(${s}, 'b') or 1 = 0", "", lambda n: "a b"))
        self.assertTrue(evaluate("not(. = 'no') and count-selected(.) = 1", "yes"))

    def test_what_it_does_not_know_is_refused_never_run(self) -> None:
        for text in (
            "pulldata('x', 'y', 'z', .)",
            "__import__('os')",
            ". >= ",
            "/data/x > 2",
            "jr:choice-name(., '${x}')",
            "1 div 0",
            "x" * 600,
        ):
            with self.subTest(text=text), self.assertRaises(Unsupported):
                evaluate(text, "1")


class FlagsTest(SimpleTestCase):
    def test_required_types_choices_and_constraints_are_flagged(self) -> None:
        questions = normalise([
            q("age", "integer", constraint=". >= 0 and . <= 120", required="yes"),
            q("weight", "decimal"),
            q("born", "date", constraint=". <= today()"),
            q("sex", "select_one", choices=[{"name": "F"}, {"name": "M"}]),
            q("needs", "select_multiple", choices=["food", "water"]),
            q("members", "begin_repeat"),
            q("nombre", "text", path="members/nombre", required="yes"),
            q("x", "integer", constraint="pulldata('a', 'b', 'c', .) > 1"),
            q("only_if", "text", required="yes", relevant="${age} > 200"),
        ])  # fmt: skip
        answers = {
            "age": "130", "weight": "abc", "born": "2999-01-01", "sex": "X",
            "needs": "food fire", "members": [{"nombre": "Ana"}, {"nombre": ""}], "x": "5",
        }  # fmt: skip
        found = check(questions, answers)
        flagged = {f["question"] for f in found.flags}
        self.assertEqual(flagged, {"age", "weight", "born", "sex", "needs", "members[2]/nombre"})
        self.assertEqual(found.unchecked, 1)  # pulldata: skipped and counted
        self.assertFalse(check(questions, {"age": "30", "members": []}).flags)
        self.assertEqual([f["question"] for f in check(questions, {}).flags], ["age"])
