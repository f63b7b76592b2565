"""Pairwise precision, recall and F1 of a clustering against the truth."""

from __future__ import annotations

from collections import Counter


def _pairs(counter: Counter) -> int:
    return sum(c * (c - 1) // 2 for c in counter.values())


def pairwise(predicted: dict[str, str], truth: dict[str, str]) -> tuple[float, float, float]:
    """Pairs of records put together by both, over those put together by each."""
    both = Counter((predicted[r], truth[r]) for r in truth)
    tp = _pairs(both)
    pp = _pairs(Counter(predicted[r] for r in truth))
    ap = _pairs(Counter(truth.values()))
    precision = tp / pp if pp else 1.0
    recall = tp / ap if ap else 1.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return precision, recall, f1
