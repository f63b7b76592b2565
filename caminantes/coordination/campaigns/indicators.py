"""The perception indicator: the share of answers agreeing with the campaign's xenophobic
statements, before and after, and its change in percentage points.

For one survey round, share = (sum over statements of respondents agreeing) / (sample size
x number of statements) x 100, i.e. the mean over statements of the share agreeing. When a
phase has several rounds, the latest one stands for it. Pure functions: no database.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date


@dataclass(frozen=True)
class Round:
    date: date
    phase: str  # "before" or "after"
    sample_size: int
    agreeing: Sequence[int]


def share(r: Round) -> float | None:
    """Percentage of answers agreeing, or None for a round with no statement."""
    if not r.agreeing or r.sample_size <= 0:
        return None
    return 100.0 * sum(r.agreeing) / (r.sample_size * len(r.agreeing))


@dataclass(frozen=True)
class Perception:
    before: float | None
    after: float | None

    @property
    def change_pp(self) -> float | None:
        """After minus before, in percentage points (negative: fewer agree)."""
        if self.before is None or self.after is None:
            return None
        return round(self.after - self.before, 1)


def perception(rounds: Sequence[Round]) -> Perception:
    def latest(phase: str) -> float | None:
        found = sorted((r for r in rounds if r.phase == phase), key=lambda r: r.date)
        return share(found[-1]) if found else None

    return Perception(before=latest("before"), after=latest("after"))
