"""Clusters from scored pairs, without chaining relatives together.

Connected components over the pairs above the threshold would join María Gabriela to her
sister María Daniela through a third record that looks a bit like both. So components are
only the first cut: inside a component of three or more records every pair is scored, and
records are joined greedily, strongest pair first, only when every record of one side is
compatible with every record of the other (`compare.compatible`), the two sides are joined
by a strong pair, and the pairs across the two sides are, on average, more likely one
person than two (average linkage, mean probability at least 1/2): a chain A-B-C whose ends
do not look like one person stays apart, so one false pair cannot pull two people's
records into one cluster.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import cache

import numpy as np

LINKAGE = 0.5  # two groups join if their pairs are on average at least this likely one person
MAX_COMPONENT = 400  # beyond this a component is split on its edges alone

# (rows_i, rows_j) -> (probabilities, compatible) for arbitrary pairs of rows
Scorer = Callable[[np.ndarray, np.ndarray], tuple[np.ndarray, np.ndarray]]


def components(n: int, i: np.ndarray, j: np.ndarray) -> np.ndarray:
    """Label of each of n nodes: the smallest node of its connected component."""
    label = np.arange(n, dtype=np.int64)
    if len(i) == 0:
        return label
    while True:
        low = np.minimum(label[i], label[j])
        before = label.copy()
        np.minimum.at(label, i, low)
        np.minimum.at(label, j, low)
        label = label[label]  # pointer jumping
        while True:
            jumped = label[label]
            if np.array_equal(jumped, label):
                break
            label = jumped
        if np.array_equal(label, before):
            return label


@cache
def _triu(k: int) -> tuple[np.ndarray, np.ndarray]:
    return np.triu_indices(k, 1)


def _linkage(threshold: float) -> float:
    """The mean probability two groups need to join: LINKAGE, or a lower threshold asked for."""
    return min(LINKAGE, threshold)


def _greedy(members: np.ndarray, prob: np.ndarray, ok: np.ndarray, threshold: float) -> list:
    """Join members of one component; prob and ok are square over `members`. Two groups
    join through their strongest pair if every pair across them is compatible and their
    mean probability is at least `_linkage(threshold)`."""
    linkage = _linkage(threshold)
    k = len(members)
    group = list(range(k))
    sets: dict[int, list[int]] = {x: [x] for x in range(k)}
    a, b = _triu(k)
    strong = prob[a, b] >= threshold
    a, b = a[strong], b[strong]
    order = np.argsort(-prob[a, b], kind="stable")
    for x, y in zip(a[order].tolist(), b[order].tolist(), strict=True):
        gx, gy = group[x], group[y]
        if gx == gy:
            continue
        left, right = sets[gx], sets[gy]
        across = np.ix_(left, right)
        if not ok[across].all() or prob[across].mean() < linkage:
            continue
        if len(left) < len(right):
            gx, gy, left, right = gy, gx, right, left
        left.extend(right)
        for r in right:
            group[r] = gx
        del sets[gy]
    return [members[s] for s in sets.values()]


def cluster(
    n: int,
    i: np.ndarray,
    j: np.ndarray,
    prob: np.ndarray,
    ok: np.ndarray,
    threshold: float,
    scorer: Scorer,
) -> np.ndarray:
    """Cluster label (smallest row) of each row, from candidate pairs and their scores."""
    edge = (prob >= threshold) & ok
    ei, ej = i[edge], j[edge]
    label = components(n, ei, ej)
    sizes = np.bincount(label, minlength=n)
    big = np.flatnonzero(sizes[label] >= 3)
    if len(big) == 0:
        return label
    # all pairs inside each component of 3+ rows, scored in one batch
    rows = big[np.argsort(label[big], kind="stable")]
    comp = label[rows]
    starts = np.flatnonzero(np.r_[True, comp[1:] != comp[:-1]])
    bounds = np.r_[starts, len(rows)]
    pi: list[np.ndarray] = []
    pj: list[np.ndarray] = []
    spans: list[tuple[np.ndarray, int | None]] = []
    for s, e in zip(bounds[:-1].tolist(), bounds[1:].tolist(), strict=True):
        members = rows[s:e]
        if len(members) > MAX_COMPONENT:
            spans.append((members, None))
            continue
        a, b = _triu(len(members))
        spans.append((members, len(a)))
        pi.append(members[a])
        pj.append(members[b])
    if not pi:
        return label
    all_p, all_ok = scorer(np.concatenate(pi), np.concatenate(pj))
    counts = [c for _, c in spans if c is not None]
    comp_of_pair = np.repeat(np.arange(len(counts)), counts)
    # a component whose every pair is compatible and more likely one person stands as it is
    weak = ~all_ok | (all_p < _linkage(threshold))
    clean = np.bincount(comp_of_pair, weights=weak, minlength=len(counts)) == 0
    at, q = 0, 0
    for members, count in spans:
        if count is None:
            continue  # too big to check pair by pair: keep the component
        p, o = all_p[at : at + count], all_ok[at : at + count]
        at += count
        q += 1
        if clean[q - 1]:
            continue
        k = len(members)
        prob_m = np.zeros((k, k))
        ok_m = np.ones((k, k), bool)
        a, b = _triu(k)
        prob_m[a, b] = prob_m[b, a] = p
        ok_m[a, b] = ok_m[b, a] = o
        for group in _greedy(members, prob_m, ok_m, threshold):
            label[group] = group.min()
    return label
