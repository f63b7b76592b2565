"""The server's own check of a submission against its form: a device can be old, patched
or a script, so the form's rules are checked again here.

Required answers, types (integer, decimal, date), choice values in the list, and the
common constraint expressions, evaluated by a small evaluator written for them (`Expr`):
numbers and strings, `.` and `${name}`, `= != < <= > >=`, `+ - * div mod`, `and or not()`,
parentheses, and the functions `today()`, `now()`, `regex()`, `string-length()`,
`selected()`, `count-selected()`, `number()`, `int()`, `string()`, `date()`, `true()`,
`false()`. Nothing is passed to eval(); an expression using anything else is skipped and
counted (`Check.unchecked`), never a crash. Empty answers are not constraint-checked (ODK
does the same); a required question whose `relevant` cannot be evaluated is not required.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _

from caminantes.collect.processing.questions import GROUP_TYPES, META_TYPES

MAX_EXPRESSION = 500
MAX_REGEX_INPUT = 1000


class Unsupported(Exception):
    """An expression (or a part of it) this evaluator does not know."""


_TOKEN = re.compile(
    r"""\s*(?:
        (?P<num>\d+(?:\.\d+)?|\.\d+)
      | (?P<str>'[^']*'|"[^"]*")
      | (?P<ref>\$\{[A-Za-z_][\w.\-]*\})
      | (?P<op><=|>=|!=|=|<|>|\+|-|\*|\(|\)|,)
      | (?P<dot>\.(?![\w.]))
      | (?P<name>[A-Za-z_][\w\-]*(?:\:[\w\-]+)?)
    )""",
    re.VERBOSE,
)


@functools.lru_cache(maxsize=1024)
def tokenize(text: str) -> tuple[tuple[str, str], ...]:
    """The tokens of an expression, read once per process (a form's few rules are checked on
    every one of its submissions)."""
    tokens: list[tuple[str, str]] = []
    pos = 0
    text = text.strip()
    while pos < len(text):
        m = _TOKEN.match(text, pos)
        if m is None or m.end() == pos:
            raise Unsupported(text[pos : pos + 10])
        pos = m.end()
        kind = m.lastgroup or ""
        tokens.append((kind, m.group(kind)))
    return tuple(tokens)


def _number(value: Any) -> float | None:
    if isinstance(value, bool):
        return 1.0 if value else 0.0
    if isinstance(value, int | float):
        return float(value)
    try:
        return float(str(value).strip())
    except (TypeError, ValueError):
        return None


def _truth(value: Any) -> bool:
    if isinstance(value, bool):
        return value
    if isinstance(value, int | float):
        return value != 0
    return value not in ("", None)


def _compare(op: str, a: Any, b: Any) -> bool:
    na, nb = _number(a), _number(b)
    left: Any
    right: Any
    if na is not None and nb is not None:
        left, right = na, nb
    else:
        left, right = str(a if a is not None else ""), str(b if b is not None else "")
        if op not in ("=", "!=") and (na is not None or nb is not None):
            # A number against a text that is not a number: XPath's NaN compares false.
            return False
    if op == "=":
        return left == right
    if op == "!=":
        return left != right
    if op == "<":
        return left < right
    if op == "<=":
        return left <= right
    if op == ">":
        return left > right
    return left >= right


class Expr:
    """Evaluate one XLSForm expression against `dot` (the answer) and `lookup(name)`."""

    def __init__(self, text: str, dot: Any, lookup: Any) -> None:
        if len(text) > MAX_EXPRESSION:
            raise Unsupported("too long")
        self.tokens = tokenize(text)
        self.pos = 0
        self.dot = dot
        self.lookup = lookup

    def value(self) -> Any:
        result = self._or()
        if self.pos != len(self.tokens):
            raise Unsupported("trailing")
        return result

    def _peek(self) -> tuple[str, str] | None:
        return self.tokens[self.pos] if self.pos < len(self.tokens) else None

    def _take(self) -> tuple[str, str]:
        token = self._peek()
        if token is None:
            raise Unsupported("end")
        self.pos += 1
        return token

    def _is(self, kind: str, text: str) -> bool:
        token = self._peek()
        return token is not None and token[0] == kind and token[1] == text

    def _or(self) -> Any:
        left = self._and()
        while self._is("name", "or"):
            self.pos += 1
            right = self._and()
            left = _truth(left) or _truth(right)
        return left

    def _and(self) -> Any:
        left = self._cmp()
        while self._is("name", "and"):
            self.pos += 1
            right = self._cmp()
            left = _truth(left) and _truth(right)
        return left

    def _cmp(self) -> Any:
        left = self._add()
        while (t := self._peek()) is not None and t[0] == "op" and t[1] in (
            "=", "!=", "<", "<=", ">", ">=",
        ):  # fmt: skip
            self.pos += 1
            left = _compare(t[1], left, self._add())
        return left

    def _arith(self, op: str, a: Any, b: Any) -> float:
        na, nb = _number(a), _number(b)
        if na is None or nb is None:
            raise Unsupported("arithmetic on text")
        if op == "+":
            return na + nb
        if op == "-":
            return na - nb
        if op == "*":
            return na * nb
        if nb == 0:
            raise Unsupported("division by zero")
        return na / nb if op == "div" else na % nb

    def _add(self) -> Any:
        left = self._mul()
        while (t := self._peek()) is not None and t[0] == "op" and t[1] in ("+", "-"):
            self.pos += 1
            left = self._arith(t[1], left, self._mul())
        return left

    def _mul(self) -> Any:
        left = self._unary()
        while (t := self._peek()) is not None and (
            (t[0] == "op" and t[1] == "*") or (t[0] == "name" and t[1] in ("div", "mod"))
        ):
            self.pos += 1
            left = self._arith(t[1], left, self._unary())
        return left

    def _unary(self) -> Any:
        if self._is("op", "-"):
            self.pos += 1
            value = _number(self._unary())
            if value is None:
                raise Unsupported("negative text")
            return -value
        return self._primary()

    def _args(self) -> list[Any]:
        self._take()  # "("
        args: list[Any] = []
        if self._is("op", ")"):
            self.pos += 1
            return args
        while True:
            args.append(self._or())
            token = self._take()
            if token == ("op", ")"):
                return args
            if token != ("op", ","):
                raise Unsupported("arguments")

    def _primary(self) -> Any:
        kind, text = self._take()
        if kind == "num":
            return float(text)
        if kind == "str":
            return text[1:-1]
        if kind == "dot":
            return self.dot
        if kind == "ref":
            return self.lookup(text[2:-1])
        if kind == "op" and text == "(":
            value = self._or()
            if self._take() != ("op", ")"):
                raise Unsupported("parenthesis")
            return value
        if kind == "name" and self._is("op", "("):
            return self._call(text, self._args())
        raise Unsupported(text)

    def _call(self, name: str, args: list[Any]) -> Any:
        if name == "today" and not args:
            return timezone.localdate().isoformat()
        if name == "now" and not args:
            return timezone.localtime().isoformat()
        if name in ("true", "false") and not args:
            return name == "true"
        if name == "not" and len(args) == 1:
            return not _truth(args[0])
        if name == "string-length" and len(args) == 1:
            return float(len(str(args[0] or "")))
        if name == "string" and len(args) == 1:
            return "" if args[0] is None else str(args[0])
        if name in ("number", "int") and len(args) == 1:
            n = _number(args[0])
            if n is None:
                raise Unsupported("number of text")
            return float(int(n)) if name == "int" else n
        if name == "date" and len(args) == 1:
            return str(args[0])[:10]
        if name == "regex" and len(args) == 2:
            text = str(args[0] or "")[:MAX_REGEX_INPUT]
            try:
                return re.search(str(args[1]), text) is not None
            except re.error as exc:
                raise Unsupported("regex") from exc
        if name == "selected" and len(args) == 2:
            return str(args[1]) in str(args[0] or "").split()
        if name == "count-selected" and len(args) == 1:
            return float(len(str(args[0] or "").split()))
        raise Unsupported(name)


def evaluate(text: str, dot: Any, lookup: Any = None) -> Any:
    """The value of `text` (Unsupported when it uses what this evaluator does not know)."""

    def missing(name: str) -> Any:
        raise Unsupported(name)

    return Expr(text, dot, lookup or missing).value()


@dataclass
class Check:
    flags: list[dict[str, str]] = field(default_factory=list)
    unchecked: int = 0  # expressions skipped: not understood by the evaluator

    def flag(self, path: str, message: str) -> None:
        self.flags.append({"question": path, "message": str(message)})


def _is_date(text: str) -> bool:
    try:
        datetime.strptime(text[:10], "%Y-%m-%d")
    except ValueError:
        return False
    return len(text) == 10 or text[10] in "T "


def _type_problem(q: dict[str, Any], value: str) -> str | None:
    kind = q["type"]
    if kind == "integer":
        if not re.fullmatch(r"-?\d+", value):
            return _("“%(value)s” is not a whole number.") % {"value": value[:40]}
    elif kind == "decimal":
        if _number(value) is None:
            return _("“%(value)s” is not a number.") % {"value": value[:40]}
    elif kind == "date":
        if not _is_date(value):
            return _("“%(value)s” is not a date (YYYY-MM-DD).") % {"value": value[:40]}
    elif kind.startswith("select one") or kind.startswith("select multiple"):
        allowed = set(q["choices"])
        if not allowed or "from_file" in kind or "external" in kind:
            return None
        if "or specify other" in kind or "or_other" in kind:
            allowed.add("other")
        given = value.split() if kind.startswith("select multiple") else [value]
        wrong = [v for v in given if v not in allowed]
        if wrong:
            return _("“%(value)s” is not one of the options of this question.") % {
                "value": " ".join(wrong)[:60]
            }
    return None


def check(questions: list[dict[str, Any]], answers: dict[str, Any]) -> Check:
    """Every problem of a submission's answers against its form version's questions."""
    result = Check()
    by_name: dict[str, dict[str, Any]] = {}
    for q in questions:
        by_name.setdefault(q["name"], q)

    def rel(q: dict[str, Any]) -> str:
        return q["path"][len(q["repeat"]) + 1 :] if q["repeat"] else q["path"]

    def lookup_in(item: dict[str, Any]) -> Any:
        def lookup(name: str) -> Any:
            q = by_name.get(name)
            if q is None:
                raise Unsupported(name)
            if q["repeat"]:
                if rel(q) in item:
                    return item.get(rel(q))
                raise Unsupported(name)  # another repeat's answer: not evaluated here
            return answers.get(q["path"], "")

        return lookup

    def one(q: dict[str, Any], value: Any, item: dict[str, Any], where: str) -> None:
        value = "" if value is None else str(value).strip()
        lookup = lookup_in(item)
        if value == "":
            if q["required"]:
                applies = True
                if q["relevant"]:
                    try:
                        applies = _truth(evaluate(q["relevant"], "", lookup))
                    except Unsupported:
                        result.unchecked += 1
                        applies = False
                if applies:
                    result.flag(where, _("This question is required but has no answer."))
            return
        problem = _type_problem(q, value)
        if problem:
            result.flag(where, problem)
            return
        if q["constraint"]:
            try:
                ok = _truth(evaluate(q["constraint"], value, lookup))
            except Unsupported:
                result.unchecked += 1
                return
            if not ok:
                result.flag(
                    where,
                    _("“%(value)s” breaks the form's rule %(rule)s.")
                    % {"value": value[:60], "rule": q["constraint"][:120]},
                )

    for q in questions:
        if q["type"] in GROUP_TYPES or q["type"] in META_TYPES or q["type"] == "calculate":
            continue
        if q["repeat"]:
            items = answers.get(q["repeat"])
            # A nested repeat's questions are checked only one level deep.
            if not isinstance(items, list):
                continue
            for n, item in enumerate(items, start=1):
                if isinstance(item, dict):
                    one(q, item.get(rel(q)), item, f"{q['repeat']}[{n}]/{rel(q)}")
        else:
            one(q, answers.get(q["path"]), {}, q["path"])
    return result


def today() -> date:
    return timezone.localdate()
