"""Someone who only has the published tables and tries to get the "<5" back.

Written apart from the engine (it shares nothing but the published form): it reads the
shown numbers, knows "<5" means 1 to 4 and "x" at least 1, writes every line equation of
every table (a cell meaning the same quantity in two tables is one unknown), then

* `substitute`: solves every line with a single unknown, again and again;
* `tighten`: narrows each unknown's interval from the line sums until nothing moves;
* `feasible_values`: enumerates non-negative integer completions (interval tightening plus
  branching, with every unknown capped) and returns the values a cell takes in them.

Capping "x" cells only removes completions, so a cell with two feasible values under the
cap has at least two in the full problem too: the check errs on the attacker's side.
"""

from __future__ import annotations

from collections.abc import Hashable, Sequence

from caminantes.lib.suppression import COMPLEMENT, PRIMARY, PublishedTable

Key = tuple[Hashable, ...]
Line = tuple[tuple[Key, ...], Key]
Bounds = dict[Key, tuple[int, int]]


class Knowledge:
    def __init__(self, tables: Sequence[PublishedTable], cap: int) -> None:
        self.known: dict[Key, int] = {}
        self.bounds: Bounds = {}
        self.primary: set[Key] = set()
        lines: set[Line] = set()
        for table in tables:
            if table.withheld:
                continue
            for cell, key in table.keys.items():
                shown = table.cells[cell]
                if shown.mark == PRIMARY:
                    self.bounds[key] = (1, 4)
                    self.primary.add(key)
                elif shown.mark == COMPLEMENT:
                    self.bounds.setdefault(key, (1, cap))
                else:
                    assert shown.value is not None
                    self.known[key] = shown.value
            lines.update(table.lines)
        assert not set(self.known) & set(self.bounds), "a cell is shown in one table only"
        self.lines = sorted(lines, key=repr)


def substitute(knowledge: Knowledge) -> dict[Key, int]:
    """Every unknown a chain of single-unknown lines gives exactly."""
    solved = dict(knowledge.known)
    changed = True
    while changed:
        changed = False
        for members, total in knowledge.lines:
            unknown = [k for k in (*members, total) if k not in solved]
            if len(unknown) != 1:
                continue
            (key,) = unknown
            if key == total:
                solved[key] = sum(solved[m] for m in members)
            else:
                solved[key] = solved[total] - sum(solved[m] for m in members if m != key)
            changed = True
    return {k: v for k, v in solved.items() if k not in knowledge.known}


def tighten(knowledge: Knowledge, bounds: Bounds) -> Bounds | None:
    """Interval propagation over the lines; None when some interval empties."""
    bounds = dict(bounds)

    def span(key: Key) -> tuple[int, int]:
        if key in knowledge.known:
            return knowledge.known[key], knowledge.known[key]
        return bounds[key]

    changed = True
    while changed:
        changed = False
        for members, total in knowledge.lines:
            lows = [span(m)[0] for m in members]
            highs = [span(m)[1] for m in members]
            t_lo, t_hi = span(total)
            new = {total: (max(t_lo, sum(lows)), min(t_hi, sum(highs)))}
            for i, m in enumerate(members):
                lo, hi = span(m)
                new[m] = (
                    max(lo, t_lo - (sum(highs) - highs[i])),
                    min(hi, t_hi - (sum(lows) - lows[i])),
                )
            for key, (lo, hi) in new.items():
                if lo > hi:
                    return None
                if key not in knowledge.known and (lo, hi) != bounds[key]:
                    bounds[key] = (lo, hi)
                    changed = True
    return bounds


def _feasible(knowledge: Knowledge, bounds: Bounds) -> bool:
    narrowed = tighten(knowledge, bounds)
    if narrowed is None:
        return False
    open_ = [k for k, (lo, hi) in narrowed.items() if lo < hi]
    if not open_:
        values = {**knowledge.known, **{k: lo for k, (lo, _hi) in narrowed.items()}}
        return all(sum(values[m] for m in ms) == values[t] for ms, t in knowledge.lines)
    key = min(open_, key=lambda k: narrowed[k][1] - narrowed[k][0])
    lo, hi = narrowed[key]
    return any(_feasible(knowledge, {**narrowed, key: (v, v)}) for v in range(lo, hi + 1))


def feasible_values(knowledge: Knowledge, key: Key) -> set[int]:
    lo, hi = knowledge.bounds[key]
    return {v for v in range(lo, hi + 1) if _feasible(knowledge, {**knowledge.bounds, key: (v, v)})}
