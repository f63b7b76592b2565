"""Estimating m and u from the data itself (what `caminantes dedupe` does by default).

u, the chance that two different people agree at a level, comes from random pairs; for
exact agreement from the value frequencies (sum of p squared), which random sampling of a
million rows cannot see. m, the chance that two records of one person agree at a level,
comes from the candidate pairs that share a document number (one person by their papers),
smoothed towards the starting model; without enough of them the starting model's m stay.
The share of candidate pairs that are matches comes from expectation maximisation with m
and u held fixed (EM that also moves m drifts towards "same household" and namesakes).
"""

from __future__ import annotations

import os
from concurrent.futures import ThreadPoolExecutor

import numpy as np

from caminantes.identity.engine.compare import (
    FIELDS,
    LEVELS,
    compatible,
    dates_differ,
    levels,
    names_differ,
)
from caminantes.identity.engine.model import Model, data_tf, day_key
from caminantes.identity.engine.table import Table

CHUNK = 500_000
MAX_THREADS = 4  # comparison threads at most (each holds one chunk's work arrays)
HOUSEHOLD_FIELDS = 0.1  # share of records with a sex or a phone for the rule to stand untested
RULE_BROKEN = 0.05  # share of same-document pairs where the name or the date alone differs


def _cores() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


def chunked_levels(t: Table, i: np.ndarray, j: np.ndarray) -> np.ndarray:
    """`levels` of many pairs, CHUNK at a time (bounded memory), on one thread per core:
    the work is numpy and rapidfuzz, which release the GIL, so two cores give ~1.7 times
    the speed within one process (threads share the table; processes would copy it)."""
    if len(i) <= CHUNK:
        return levels(t, i, j)
    starts = range(0, len(i), CHUNK)

    def chunk(s: int) -> np.ndarray:
        return levels(t, i[s : s + CHUNK], j[s : s + CHUNK])

    workers = min(_cores(), MAX_THREADS, len(starts))
    if workers <= 1:
        return np.concatenate([chunk(s) for s in starts])
    with ThreadPoolExecutor(workers, thread_name_prefix="dedupe-levels") as pool:
        return np.concatenate(list(pool.map(chunk, starts)))


def _sum_p2(codes: np.ndarray) -> float:
    codes = codes[codes >= 0]
    if len(codes) == 0:
        return 0.0
    p = np.bincount(codes - codes.min()) / len(codes)
    return float((p * p).sum())


def estimate_u(t: Table, samples: int = 1_000_000, seed: int = 0) -> dict[str, list[float]]:
    rng = np.random.default_rng(seed)
    ri = rng.integers(0, t.n, samples)
    rj = rng.integers(0, t.n, samples)
    keep = ri != rj
    lv = chunked_levels(t, ri[keep], rj[keep])
    date_code = (t.year.astype(np.int64) * 13 + t.month) * 32 + t.day
    date_code[t.year == 0] = -1
    exact_codes = {
        "given_names": t.g_full,
        "family_names": t.f_full,
        "birth_date": date_code,
        "sex": t.sex.astype(np.int64) - 1,
        "document_number": t.doc,
        "phone": t.phone,
        "birth_place": t.place,
        "nationality": t.nat,
    }
    u = {}
    for k, f in enumerate(FIELDS):
        col = lv[:, k]
        present = max(int((col != 0).sum()), 1)
        counts = np.bincount(col, minlength=len(LEVELS[f])).astype(float)
        est = np.maximum(counts / present, 0.5 / present)
        exact = _sum_p2(exact_codes[f].astype(np.int64))
        if exact > 0:
            est[1] = exact
        rest = est[2:].sum()
        if rest > 0:
            est[2:] *= max(1.0 - est[1], 1e-6) / rest
        est[0] = 1.0
        u[f] = est.tolist()
    return u


ANCHOR_PAIRS = 200  # same-document pairs needed to read m off them
ANCHOR_PRIOR = 20.0  # pseudo-pairs of the starting model's m mixed in (smoothing)
ANCHOR_FLOOR = 0.002  # no level is read as rarer than this for one person


def m_from_documents(
    lv: np.ndarray, start: Model, rule: bool = True
) -> dict[str, list[float]] | None:
    """m of every field from the candidate pairs with the same document number (one person
    by their papers), smoothed towards the starting model's m; None if too few. Where the
    relatives rule holds, pairs it keeps apart are left out: a cédula carried by a child of
    its holder would teach m that one person's records differ in name, date and sex."""
    same = lv[(lv[:, 4] == 1) & (compatible(lv) if rule else True)]
    if len(same) < ANCHOR_PAIRS:
        return None
    m = {}
    for k, f in enumerate(FIELDS):
        counts = np.bincount(same[:, k], minlength=len(LEVELS[f])).astype(float)
        counts[0] = 0.0
        prior = np.array(start.m[f], float)
        prior[0] = 0.0
        prior = prior / prior.sum() * ANCHOR_PRIOR
        est = (counts + prior) / (counts.sum() + ANCHOR_PRIOR)
        est[0] = 1.0
        m[f] = np.maximum(est, ANCHOR_FLOOR).tolist()
    return m


def m_document(lv: np.ndarray, start: Model) -> list[float]:
    """m of the document number, from the candidate pairs that agree exactly on given
    names, surnames and birth date and both carry a number (one person, twins and juniors
    aside, whom the names or the date tell apart), smoothed towards the starting model's:
    how often one person's two records carry two different numbers. Few in a registry,
    where two cédulas far apart are strong evidence of two people; many in FEBRL."""
    sure = (lv[:, 0] == 1) & (lv[:, 1] == 1) & (lv[:, 2] == 1) & (lv[:, 4] != 0)
    prior = np.array(start.m["document_number"], float)
    if sure.sum() < ANCHOR_PAIRS:
        return prior.tolist()
    counts = np.bincount(lv[sure, 4], minlength=len(prior)).astype(float)
    counts[0], prior[0] = 0.0, 0.0
    est = (counts + prior / prior.sum() * ANCHOR_PRIOR) / (counts.sum() + ANCHOR_PRIOR)
    est[0] = 1.0
    return np.maximum(est, ANCHOR_FLOOR).tolist()


def estimate_share(
    lv: np.ndarray, m: dict[str, list[float]], u: dict[str, list[float]], iterations: int = 50
) -> float:
    """The share of matches among the pairs `lv`, by EM with m and u held fixed."""
    if len(lv) == 0:
        return 1e-6
    logbf = np.zeros(len(lv))
    for k, f in enumerate(FIELDS):
        ratio = np.log(np.maximum(m[f], 1e-9) / np.maximum(u[f], 1e-9))
        ratio[0] = 0.0
        logbf += ratio[lv[:, k]]
    bf = np.exp(np.clip(logbf, -700, 700))
    lam = 0.1
    for _ in range(iterations):
        odds = bf * lam / (1 - lam)
        lam = float(np.clip((odds / (1 + odds)).mean(), 1e-6, 0.999))
    return lam


def relatives_rule_holds(lv: np.ndarray, t: Table | None = None) -> bool:
    """Does the relatives rule hold in this data? Among candidate pairs with the same
    document number, how often do the name or the date alone disagree (one field replaced
    beside the right number)? FEBRL's corruptions do that to a fifth of them; households
    rarely (0.6 % in the VE sets, 2 % in the families sets): there a document shared by
    records whose name *and* date differ is a parent's cédula carried by a child, which
    says nothing against the rule.

    Without enough document numbers to test it, the rule stands where the data records
    what tells relatives apart and together (a sex or a phone on HOUSEHOLD_FIELDS of the
    records, as every registration does), and not on bare lists of names and dates (FEBRL
    without its numbers), where a record with another given name is as likely a slip as a
    brother, and the weights alone decide."""
    same = lv[lv[:, 4] == 1]
    households = 1.0
    if t is not None and t.n:
        households = float(((t.sex > 0) | (t.phone >= 0)).mean())
    single = int((names_differ(same) ^ dates_differ(same)).sum())
    return rule_holds(len(same), single, households)


def rule_holds(same_doc_pairs: int, single_contradictions: int, households: float) -> bool:
    """`relatives_rule_holds` from its counts (the Spark path counts them in parallel)."""
    if same_doc_pairs < 50:
        return households >= HOUSEHOLD_FIELDS
    return single_contradictions / same_doc_pairs < RULE_BROKEN


def train(t: Table, lv: np.ndarray, start: Model, seed: int = 0) -> Model:
    """A model fitted to this table, its candidate pairs' levels `lv`, starting from `start`."""
    u = estimate_u(t, min(300_000, max(t.n * 20, 10_000)), seed)
    # Relatives (compare.compatible) are left out: EM over all candidate pairs learns
    # "same household" instead of "same person", since households share so much.
    ok = compatible(lv)
    rule = start.relatives_rule and relatives_rule_holds(lv, t)
    fair = lv[ok] if rule else lv
    # EM over the candidate pairs learns "same household" and namesakes as matches. Records
    # that share a document number are one person by their papers, so how they agree on the
    # other fields is m itself; the document's own m stays the starting model's (these pairs
    # cannot tell it). Without such pairs the starting model's m are kept: EM for m on its
    # own did worse than them on every set tried (VE 100k without documents: 0.970 against
    # 0.979). Either way the share of matches is estimated with m and u held fixed.
    anchored = m_from_documents(lv, start, rule)
    if anchored is None:
        m = {f: list(v) for f, v in start.m.items()}
    else:
        anchored["document_number"] = m_document(lv, start)
        m = anchored
    lam = estimate_share(fair, m, u)
    # Dates months apart are there for the relatives rule (siblings cannot be born so close),
    # not as evidence: in the candidate pairs, blocked on name and birth year, they are
    # mostly namesakes born the same year, and EM would learn them as a match.
    dob, near, far = m["birth_date"], LEVELS["birth_date"].index("months_apart"), -1
    dob[near] = min(dob[near], dob[far] * u["birth_date"][near] / u["birth_date"][far])
    per_record = float(np.clip(2 * lam * len(fair) / max(t.n, 1), 0.01, 5.0))
    tf = data_tf(t)
    words = t.full_names.words
    top = {}
    for f, prefix in (("given_names", "g:"), ("family_names", "f:")):
        freq = tf[f]
        best = np.argsort(-freq)[:1000]
        top[f] = {words[c][len(prefix) :]: float(freq[c]) for c in best if freq[c] > 0}
    days = tf["birth_date"]
    top["birth_date"] = {day_key(c): float(days[c]) for c in np.flatnonzero(days).tolist()}
    return Model(
        m=m,
        u=u,
        duplicates_per_record=per_record,
        population=start.population,
        threshold=start.threshold,
        relatives_rule=rule,
        tf=top,
    )
