"""Count tables with statistical disclosure control. No Django.

Used by the protection incident reports and the public 5W aggregates (moved here from
protection.reports so coordination can use it: nobody imports protection).

What goes in: microdata rows (one per consented incident, or one per service provided)
already bucketed into categories. What comes out: one-way and two-way count tables with row,
column and grand totals, where

* **primary suppression**: every cell (totals included) counting 1 to 4 is shown as "<5";
* **complementary suppression**: further cells are hidden as "x" so that no "<5" can be
  worked back from what is published. First the rule of thumb: every line (row, column,
  totals line) holding exactly one hidden cell hides another, its smallest non-zero
  published cell (a total when nothing else is left, which covers "a total that equals a
  single hidden cell"), until no line changes. Then an audit that the rule of thumb alone
  does not give: a hidden cell can still be pinned by several lines together (a "bridge"
  between two groups of hidden cells, or two "<5" in a row whose known sum is 8), so each
  "<5" must come with a *second completion* of the whole published set of tables (see the
  guarantee). When none exists, the cheapest set of published cells whose hiding creates
  one is hidden too (branch and bound on the hidden total); a "<5" total standing in the
  way is widened to "x" ("x" says less than "<5"); and a table that still cannot be
  protected is withheld whole.

**Zeros are shown.** A 0 counts nobody: no survivor can be singled out from it, and masking
the zeros of sparse month x type tables would leave them unreadable. What a published 0 does
cost is known to the attacker modelled below: every hidden cell is then at least 1, and the
audit works with that bound. Zeros are never used as complements either (hiding a true zero
as "x" would make a reader believe a count exists). The GBVIMS worry about zeros is group
disclosure: a line whose incidents all sit in one cell tells that everyone counted there
shares it. That cell is then either "<5" or holds at least five incidents, and every table
here crosses at most one attribute of the survivor (age x sex, or one incident attribute by
month, area or type), so no zero adds a fact about fewer than five people beyond what the
line already says.

**Guarantee** (checked by the attacker tests). The attacker sees every published table: its
numbers, which cells are "<5" (so 1 to 4) and "x" (so at least 1, complements are never
zero), and every line equation ("these cells add up to that total"), including across
tables, because cells meaning the same quantity are the *same variable*: the grand total of
a population (all consented GBV incidents of the selection) is one number in every table
that counts it, and a margin on a named dimension (for instance the exploitation-type totals
of two trafficking tables) is one number in both. Such a cell is hidden in every table or
in none. For every "<5" the engine holds a witness: a whole second set of non-negative
integer cells, different in that "<5", agreeing with everything published and with every
equation of every table. So the attacker never knows any "<5" exactly, whatever they
combine (substitution, interval bounds, integer reasoning). Not promised: a range wider
than two values (the "<5" itself says 1-4), nor safety against tables computed from other,
overlapping selections (the pages offer whole calendar years only, so two reports never
overlap; the running year's report does change as cases are recorded), nor against someone
who knows how this engine picks its complements.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

THRESHOLD = 5  # counts from 1 to THRESHOLD - 1 are primary-suppressed
PRIMARY = "<5"
COMPLEMENT = "x"
TOTAL = "total"  # the category label of a totals line

Key = tuple[Hashable, ...]
Line = tuple[tuple[Key, ...], Key]  # members add up to total

_RELABEL_COST = 1  # widening a "<5" total to "x" loses almost nothing
_CERTIFY_BUDGET = 20_000  # search nodes per "<5" before it counts as unprotected
_REPAIR_BUDGET = 40_000


@dataclass(frozen=True)
class Dimension:
    """A way of bucketing: tables on the same dimension name share its margins."""

    name: str
    categories: tuple[str, ...]  # every category is shown, in this order, zeros included


@dataclass
class CountTable:
    name: str
    population: str  # what is counted; tables of one population share the grand total
    rows: Dimension
    cols: Dimension | None  # None: a one-way table
    counts: dict[tuple[str, str | None], int] = field(default_factory=dict)

    def value(self, row: str, col: str | None = None) -> int:
        """The true count of a cell, totals included (row or col = TOTAL)."""
        rows = self.rows.categories if row == TOTAL else (row,)
        if self.cols is None:
            return sum(self.counts.get((r, None), 0) for r in rows)
        cols = self.cols.categories if col == TOTAL else (col,)
        return sum(self.counts.get((r, c), 0) for r in rows for c in cols)


Field = str | Callable[[Mapping[str, Any]], str]


def _bucket(record: Mapping[str, Any], field_: Field, dimension: Dimension) -> str:
    value = field_(record) if callable(field_) else record[field_]
    if value not in dimension.categories:
        raise ValueError(f"{value!r} is not a category of {dimension.name}")
    return str(value)


def count_table(
    records: Iterable[Mapping[str, Any]],
    *,
    name: str,
    population: str,
    rows: Dimension,
    row_field: Field,
    cols: Dimension | None = None,
    col_field: Field | None = None,
) -> CountTable:
    """Count the records into a one-way (cols=None) or two-way table."""
    table = CountTable(name=name, population=population, rows=rows, cols=cols)
    for record in records:
        row = _bucket(record, row_field, rows)
        col = None
        if cols is not None:
            if col_field is None:
                raise ValueError("a two-way table needs col_field")
            col = _bucket(record, col_field, cols)
        table.counts[(row, col)] = table.counts.get((row, col), 0) + 1
    return table


@dataclass(frozen=True)
class Shown:
    value: int | None  # None when hidden
    mark: str = ""  # "", PRIMARY or COMPLEMENT

    def __str__(self) -> str:
        return self.mark or str(self.value)


@dataclass
class PublishedTable:
    """A table as it may be shown: hidden cells carry their mark, never their value."""

    name: str
    population: str
    rows: Dimension
    cols: Dimension | None
    cells: dict[tuple[str, str | None], Shown]
    keys: dict[tuple[str, str | None], Key]  # the variable each cell publishes
    lines: list[Line]  # the equations a reader can write from this table
    withheld: bool = False

    @property
    def row_labels(self) -> tuple[str, ...]:
        return (*self.rows.categories, TOTAL)

    @property
    def col_labels(self) -> tuple[str | None, ...]:
        return (None,) if self.cols is None else (*self.cols.categories, TOTAL)

    def shown(self, row: str, col: str | None = None) -> Shown:
        return self.cells[(row, col)]

    def grid(self) -> list[tuple[str, list[str]]]:
        """Row label and the shown cells of each row, the totals row last."""
        return [(r, [str(self.cells[(r, c)]) for c in self.col_labels]) for r in self.row_labels]

    @property
    def marks(self) -> set[str]:
        return {s.mark for s in self.cells.values() if s.mark}


def _layout(table: CountTable) -> tuple[dict[tuple[str, str | None], Key], list[Line]]:
    """The variable of each cell and the table's line equations."""
    pop, rd = table.population, table.rows
    grand: Key = ("grand", pop)
    keys: dict[tuple[str, str | None], Key] = {}
    if table.cols is None:
        for r in rd.categories:
            keys[(r, None)] = ("margin", pop, rd.name, r)
        keys[(TOTAL, None)] = grand
        return keys, [(tuple(keys[(r, None)] for r in rd.categories), grand)]
    cd = table.cols
    for r in rd.categories:
        for c in cd.categories:
            keys[(r, c)] = ("cell", table.name, r, c)
        keys[(r, TOTAL)] = ("margin", pop, rd.name, r)
    for c in cd.categories:
        keys[(TOTAL, c)] = ("margin", pop, cd.name, c)
    keys[(TOTAL, TOTAL)] = grand
    lines: list[Line] = []
    for r in (*rd.categories, TOTAL):
        lines.append((tuple(keys[(r, c)] for c in cd.categories), keys[(r, TOTAL)]))
    for c in (*cd.categories, TOTAL):
        lines.append((tuple(keys[(r, c)] for r in rd.categories), keys[(TOTAL, c)]))
    return keys, lines


class _OutOfBudget(Exception):
    pass


class _Found(Exception):
    pass


class _Problem:
    """Every published variable of a set of tables, their lines and their marks."""

    def __init__(self, tables: Sequence[CountTable]) -> None:
        self.values: dict[Key, int] = {}
        self.owner: dict[Key, str] = {}  # the first table publishing the variable
        self.lines: list[Line] = []
        self.layouts: dict[str, tuple[dict[tuple[str, str | None], Key], list[Line]]] = {}
        seen_lines: set[tuple[frozenset[Key], Key]] = set()
        for table in tables:
            keys, lines = _layout(table)
            self.layouts[table.name] = (keys, lines)
            for (r, c), key in keys.items():
                value = table.value(r, c)
                if self.values.setdefault(key, value) != value:
                    raise ValueError(f"tables disagree on {key}: {self.values[key]} != {value}")
                self.owner.setdefault(key, table.name)
            for members, total in lines:
                signature = (frozenset(members), total)
                if signature not in seen_lines:
                    seen_lines.add(signature)
                    self.lines.append((members, total))
        self.var_lines: dict[Key, list[tuple[int, int]]] = {key: [] for key in self.values}
        self.totals = {total for _members, total in self.lines}
        for index, (members, total) in enumerate(self.lines):
            for key in members:
                self.var_lines[key].append((index, 1))
            self.var_lines[total].append((index, -1))
        self.mark: dict[Key, str] = {
            key: PRIMARY if 0 < value < THRESHOLD else "" for key, value in self.values.items()
        }

    # -- the rule of thumb ----------------------------------------------------------------

    def complete_lines(self) -> None:
        """Hide the smallest non-zero published cell of every line with one hidden cell."""
        changed = True
        while changed:
            changed = False
            for members, total in self.lines:
                keys = (*members, total)
                if sum(1 for k in keys if self.mark[k]) != 1:
                    continue
                candidates = [k for k in keys if not self.mark[k] and self.values[k] > 0]
                if candidates:  # members before the total on a tie
                    pick = min(candidates, key=lambda k: (self.values[k], k == total))
                    self.mark[pick] = COMPLEMENT
                    changed = True

    # -- the audit: a second completion through each "<5" --------------------------------

    def _step_cost(self, key: Key, move: int, repair: bool) -> int | None:
        after = self.values[key] + move
        mark = self.mark[key]
        if mark == PRIMARY:
            if 1 <= after < THRESHOLD:
                return 0
            widen = repair and after == THRESHOLD and key in self.totals
            return _RELABEL_COST if widen else None
        if mark == COMPLEMENT:
            return 0 if after >= 1 else None
        if not repair or self.values[key] == 0:
            return None
        return self.values[key]  # published, >= THRESHOLD: hiding it costs its count

    def search(self, start: Key, *, repair: bool) -> dict[Key, int] | None:
        """A move of +-1 on hidden (or, when repairing, published) cells, changing `start`,
        that keeps every line balanced and every cell within what the reader knows of it;
        when repairing, the one hiding the least. None if there is none within budget."""
        best: list[Any] = [None, float("inf")]
        assign: dict[Key, int] = {}
        imbalance: dict[int, int] = {}
        nodes = [0]

        def apply(key: Key, move: int, sign: int) -> None:
            for index, coef in self.var_lines[key]:
                value = imbalance.get(index, 0) + sign * coef * move
                if value:
                    imbalance[index] = value
                else:
                    imbalance.pop(index, None)

        def options(index: int) -> list[tuple[int, Key, int]]:
            want = -1 if imbalance[index] > 0 else 1
            members, total = self.lines[index]
            found = []
            for key, coef in [(m, 1) for m in members] + [(total, -1)]:
                if key in assign:
                    continue
                move = want * coef
                cost = self._step_cost(key, move, repair)
                if cost is not None:
                    found.append((cost, key, move))
            found.sort(key=lambda item: item[0])
            return found

        def dfs(cost: float) -> None:
            nodes[0] += 1
            if nodes[0] > (_REPAIR_BUDGET if repair else _CERTIFY_BUDGET):
                raise _OutOfBudget
            if cost >= best[1]:
                return
            if not imbalance:
                best[0], best[1] = dict(assign), cost
                if not repair:
                    raise _Found
                return
            choices = None
            for index in list(imbalance):
                found = options(index)
                if choices is None or len(found) < len(choices):
                    choices = found
                if not found:
                    return
            for step, key, move in choices or []:
                assign[key] = move
                apply(key, move, 1)
                dfs(cost + step)
                apply(key, move, -1)
                del assign[key]

        for move in (1, -1):
            if not 1 <= self.values[start] + move < THRESHOLD:
                continue
            assign[start] = move
            apply(start, move, 1)
            try:
                dfs(0)
            except (_Found, _OutOfBudget):
                pass
            apply(start, move, -1)
            del assign[start]
            assign.clear()
            imbalance.clear()
            if best[0] is not None and not repair:
                break
        return best[0]

    def solve(self) -> str | None:
        """Hide until every "<5" has a second completion; the table to withhold if one
        cannot be protected, None when all are."""
        safe: set[Key] = set()  # hiding more never undoes a witness, so they stay safe
        while True:
            self.complete_lines()
            unsafe = None
            for key, mark in self.mark.items():
                if mark == PRIMARY and key not in safe:
                    if self.search(key, repair=False) is None:
                        unsafe = key
                        break
                    safe.add(key)
            if unsafe is None:
                return None
            move = self.search(unsafe, repair=True)
            if move is None:
                return self.owner[unsafe]
            for key, step in move.items():
                if not self.mark[key]:
                    self.mark[key] = COMPLEMENT  # a published cell the witness needs
                elif self.values[key] + step >= THRESHOLD:
                    self.mark[key] = COMPLEMENT  # a "<5" total widened to "x"
            safe.add(unsafe)


def protect(tables: Sequence[CountTable]) -> list[PublishedTable]:
    """Suppress the tables together (they are published together) and publish them."""
    names = [t.name for t in tables]
    if len(set(names)) != len(names):
        raise ValueError("table names must be unique")
    withheld: set[str] = set()
    while True:
        problem = _Problem([t for t in tables if t.name not in withheld])
        unprotectable = problem.solve()
        if unprotectable is None:
            break
        withheld.add(unprotectable)
    published = []
    for table in tables:
        if table.name in withheld:
            keys, lines = _layout(table)
            cells = {cell: Shown(None, COMPLEMENT) for cell in keys}
            published.append(
                PublishedTable(
                    table.name, table.population, table.rows, table.cols, cells, {}, [], True
                )
            )
            continue
        keys, lines = problem.layouts[table.name]
        cells = {}
        for cell, key in keys.items():
            mark = problem.mark[key]
            cells[cell] = Shown(None if mark else problem.values[key], mark)
        published.append(
            PublishedTable(table.name, table.population, table.rows, table.cols, cells, keys, lines)
        )
    return published
