"""k-anonymity and l-diversity for survey microdata: coarsen records, suppress the rest.

Pure Python (no Django), so it can be tested and reused anywhere. Each quasi-identifier has
a ladder of generalisations, from the most detailed value released to "*" (withheld). Only
the records at risk (in combinations shared by fewer than k respondents) climb the ladders,
one rung at a time, each time on the quasi-identifier that leaves the fewest records at risk,
withholding a value only when no other rung is left; when at most `max_suppressed` of the
records remain at risk, those are suppressed (left out). Sensitive columns are then made
l-diverse within each released combination. What comes out has every combination of
quasi-identifiers shared by at least k records, and the result says the k reached (the
smallest combination), how many records are at each rung of each ladder, how many were
suppressed and how many sensitive answers were withheld.
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
    levels: dict[str, str]  # per quasi-identifier: how many released records at each rung
    suppressed: int
    total: int
    target: int
    notes: list[str] = field(default_factory=list)
    # Per sensitive column: released records whose answer was withheld for l-diversity.
    diversity_withheld: dict[str, int] = field(default_factory=dict)


# ---- rungs ------------------------------------------------------------------------------


def withheld(_value: Any) -> str:
    return WITHHELD


def identity(value: Any) -> str:
    return str(value)


def age_band(width: int, top: int = 58) -> Step:
    """Ages in regular bands of `width` years from 18 (adults only are interviewed) and one
    open band from `top`, so that every closed band is exactly `width` years wide: with the
    default top of 58 the 40 years from 18 split evenly into bands of 5, 10 or 20."""
    if (top - 18) % width:
        raise ValueError(f"{width}-year bands do not divide the ages 18 to {top - 1} evenly")

    def step(value: Any) -> str:
        age = int(value)
        if age >= top:
            return f"{top}+"
        if age < 18:
            return "<18"
        low = 18 + ((age - 18) // width) * width
        return f"{low}-{low + width - 1}"

    return step


def banded(bands: Sequence[tuple[int, int | None, str]]) -> Step:
    """A count in bands: (low, high or None for open, label); a value in no band is withheld."""

    def step(value: Any) -> str:
        number = int(value)
        for low, high, label in bands:
            if number >= low and (high is None or number <= high):
                return label
        return WITHHELD

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
#
# Local recoding first: only the records in combinations shared by fewer than k respondents
# are coarsened, one rung of one quasi-identifier at a time (the rung that leaves the fewest
# records at risk), so that a small operation does not lose sex or age for everyone because
# a handful of interviews are rare. Rungs that withhold a value are tried only when no other
# rung is left. When at most `max_suppressed` of the records remain at risk, those are left
# out. A quasi-identifier whose ladder has no "withheld" rung (the month) is always kept.
#
# Then l-diversity on the sensitive columns: in every released combination, a sensitive
# column must show at least `l` distinct answers and no sensitive option may be chosen by
# every member (else the combination alone tells the answer); where it does, that column is
# withheld for the records of that combination.


def _key(record: Record, qis: Sequence[QuasiIdentifier], levels: list[int]) -> tuple[str, ...]:
    return tuple(q.value(record, lvl) for q, lvl in zip(qis, levels, strict=True))


def _reaches_withheld(q: QuasiIdentifier, level: int) -> bool:
    return q.ladder[level] is withheld


def _recode(
    records: Sequence[Record], qis: Sequence[QuasiIdentifier], k: int, budget: int
) -> tuple[list[list[int]], list[tuple[str, ...]]]:
    levels = [[0] * len(qis) for _ in records]
    keys = [_key(r, qis, lv) for r, lv in zip(records, levels, strict=True)]
    for allow_withheld in (False, True):
        while True:
            counts = Counter(keys)
            risky = [i for i, key in enumerate(keys) if counts[key] < k]
            if len(risky) <= budget:
                return levels, keys
            best: tuple[int, int, int, dict[int, tuple[str, ...]]] | None = None
            for j, q in enumerate(qis):
                moved: dict[int, tuple[str, ...]] = {}
                for i in risky:
                    up = levels[i][j] + 1
                    if up >= len(q.ladder) or (not allow_withheld and _reaches_withheld(q, up)):
                        continue
                    trial = levels[i].copy()
                    trial[j] = up
                    moved[i] = _key(records[i], qis, trial)
                if not moved:
                    continue
                after = counts.copy()
                for i, key in moved.items():
                    after[keys[i]] -= 1
                    after[key] += 1
                risk = sum(1 for i, key in enumerate(keys) if after[moved.get(i, key)] < k)
                candidate = (risk, len(moved), j, moved)
                if best is None or candidate[:3] < best[:3]:
                    best = candidate
            if best is None:
                break  # no rung left to climb for the records at risk
            _risk, _n, j, moved = best
            for i, key in moved.items():
                levels[i][j] += 1
                keys[i] = key
    return levels, keys


def _option_sets(value: Any) -> set[str]:
    return {part for part in str(value or "").split(";") if part}


def _diversify(
    released: list[tuple[tuple[str, ...], Record]], sensitive: dict[str, set[str]], diversity: int
) -> dict[str, int]:
    groups: dict[tuple[str, ...], list[Record]] = {}
    for key, record in released:
        groups.setdefault(key, []).append(record)
    withheld_counts = dict.fromkeys(sensitive, 0)
    for members in groups.values():
        for column, options in sensitive.items():
            answers = [_option_sets(m.get(column)) for m in members]
            distinct = {frozenset(a) for a in answers}
            everyone = set.intersection(*answers) if answers else set()
            if len(distinct) < diversity or everyone & options:
                for m in members:
                    m[column] = WITHHELD
                withheld_counts[column] += len(members)
    return withheld_counts


def _describe_levels(qis: Sequence[QuasiIdentifier], levels: Sequence[list[int]]) -> dict[str, str]:
    described = {}
    for j, q in enumerate(qis):
        counts = Counter(lv[j] for lv in levels)
        parts = []
        for rung in sorted(counts):
            name = q.names[rung] if rung < len(q.names) else str(rung)
            parts.append(f"{name} ({counts[rung]})")
        described[q.column] = ", ".join(parts) if parts else "-"
    return described


def anonymise(
    records: Sequence[Record],
    qis: Sequence[QuasiIdentifier],
    *,
    k: int = 5,
    max_suppressed: float = 0.05,
    sensitive: dict[str, set[str]] | None = None,
    diversity: int = 2,
) -> Result:
    """Generalise `records` (copies are returned) so that every released combination of
    quasi-identifier values is shared by at least `k` records, and every sensitive column is
    `diversity`-diverse (l-diversity) within each combination."""
    budget = int(len(records) * max_suppressed)
    levels, keys = _recode(records, qis, k, budget)
    counts = Counter(keys)
    released: list[tuple[tuple[str, ...], Record]] = []
    kept_levels = []
    for record, key, lv in zip(records, keys, levels, strict=True):
        if counts[key] < k:
            continue
        out = dict(record)
        for q, value in zip(qis, key, strict=True):
            out[q.column] = value
        released.append((key, out))
        kept_levels.append(lv)
    withheld_answers = _diversify(released, sensitive or {}, diversity)
    sizes = [n for n in counts.values() if n >= k]
    return Result(
        records=[record for _key_, record in released],
        k=min(sizes) if sizes else 0,
        levels=_describe_levels(qis, kept_levels),
        suppressed=len(records) - len(released),
        total=len(records),
        target=k,
        diversity_withheld=withheld_answers,
    )
