"""k-anonymity for survey microdata: generalise quasi-identifiers, suppress the rest.

Pure Python (no Django), so it can be tested and reused anywhere. Each quasi-identifier has
a ladder of generalisations, from the most detailed value released to "*" (withheld). The
generaliser climbs the ladders one rung at a time, each time on the quasi-identifier whose
widening leaves the fewest records in combinations shared by fewer than k respondents,
until at most `max_suppressed` of the records remain in such combinations; those records are
then suppressed (left out). What comes out has every combination of quasi-identifiers
shared by at least k records, and the result says the k actually reached (the smallest
combination), the rung of each ladder and how many records were suppressed.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

Record = dict[str, Any]
Step = Callable[[Any], str]
WITHHELD = "*"


@dataclass(frozen=True)
class QuasiIdentifier:
    column: str
    ladder: tuple[Step, ...]  # most detailed first; the last rung should be `withheld`
    names: tuple[str, ...] = ()  # what each rung means, for the export's notes

    def value(self, record: Record, level: int) -> str:
        raw = record.get(self.column)
        if raw is None or raw == "":
            return "" if level < len(self.ladder) - 1 else WITHHELD
        return self.ladder[level](raw)


@dataclass
class Result:
    records: list[Record]
    k: int  # the smallest combination size in what is released (0 when nothing is)
    levels: dict[str, str]
    suppressed: int
    total: int
    target: int
    notes: list[str] = field(default_factory=list)


# ---- rungs ------------------------------------------------------------------------------


def withheld(_value: Any) -> str:
    return WITHHELD


def identity(value: Any) -> str:
    return str(value)


def age_band(width: int, top: int = 60) -> Step:
    """Ages in bands of `width` years from 18 (adults only are interviewed), top band open."""

    def step(value: Any) -> str:
        age = int(value)
        if age >= top:
            return f"{top}+"
        if age < 18:
            return "<18"
        low = 18 + ((age - 18) // width) * width
        return f"{low}-{min(low + width - 1, top - 1)}"

    return step


def venezuelan_or_other(value: Any) -> str:
    return "VE" if str(value).upper() in ("VE", "VEN") else "OTHER"


def iso_week(value: Any) -> str:
    day = _date(value)
    year, week, _ = day.isocalendar()
    return f"{year}-W{week:02d}"


def month(value: Any) -> str:
    return _date(value).strftime("%Y-%m")


def iso_day(value: Any) -> str:
    return _date(value).isoformat()


def _date(value: Any) -> dt.date:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    return dt.date.fromisoformat(str(value)[:10])


def mapped(mapping: dict[Any, str]) -> Step:
    """A lookup (e.g. point -> country); unknown values are withheld."""

    def step(value: Any) -> str:
        return mapping.get(value, WITHHELD)

    return step


# ---- the generaliser ----------------------------------------------------------------------


def _key(record: Record, qis: Sequence[QuasiIdentifier], levels: list[int]) -> tuple[str, ...]:
    return tuple(q.value(record, lvl) for q, lvl in zip(qis, levels, strict=True))


def _at_risk(
    records: Sequence[Record], qis: Sequence[QuasiIdentifier], levels: list[int], k: int
) -> int:
    counts = Counter(_key(r, qis, levels) for r in records)
    return sum(n for n in counts.values() if n < k)


def anonymise(
    records: Sequence[Record],
    qis: Sequence[QuasiIdentifier],
    *,
    k: int = 5,
    max_suppressed: float = 0.05,
) -> Result:
    """Generalise `records` (copies are returned) so that every released combination of
    quasi-identifier values is shared by at least `k` records."""
    levels = [0] * len(qis)
    budget = int(len(records) * max_suppressed)
    risk = _at_risk(records, qis, levels, k)
    while risk > budget:
        best: tuple[int, int] | None = None
        for i, q in enumerate(qis):
            if levels[i] + 1 >= len(q.ladder):
                continue
            trial = levels.copy()
            trial[i] += 1
            trial_risk = _at_risk(records, qis, trial, k)
            if best is None or trial_risk < best[0]:
                best = (trial_risk, i)
        if best is None:
            break  # every ladder at its top: suppression does the rest
        risk, i = best
        levels[i] += 1
    counts = Counter(_key(r, qis, levels) for r in records)
    released = []
    for record in records:
        key = _key(record, qis, levels)
        if counts[key] < k:
            continue
        out = dict(record)
        for q, value in zip(qis, key, strict=True):
            out[q.column] = value
        released.append(out)
    sizes = [n for n in counts.values() if n >= k]
    return Result(
        records=released,
        k=min(sizes) if sizes else 0,
        levels={
            q.column: (q.names[lvl] if lvl < len(q.names) else str(lvl))
            for q, lvl in zip(qis, levels, strict=True)
        },
        suppressed=len(records) - len(released),
        total=len(records),
        target=k,
    )
