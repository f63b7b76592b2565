"""dedupe(): the whole batch on one machine - normalise, block, compare, score, cluster."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

import numpy as np

from caminantes.identity.engine.blocking import candidate_pairs
from caminantes.identity.engine.cluster import cluster
from caminantes.identity.engine.compare import DOC, compatible, levels, mark_shared_documents
from caminantes.identity.engine.model import Model, data_tf, default_model
from caminantes.identity.engine.record import Record
from caminantes.identity.engine.table import Table, build
from caminantes.identity.engine.train import chunked_levels, relatives_rule_holds, train

SMALL = 2_000  # below this many records, name frequencies come from the model, not the data
# `fit=None` trains on the input from this many records: m and u estimated from the data
# itself beat the shipped guesses on every benchmark set, but a few hundred records are too
# few to estimate them.
TRAIN_MIN = SMALL


def frequencies(t: Table, model: Model) -> dict[str, np.ndarray]:
    return data_tf(t) if t.n >= SMALL else model.tf_lookup(t)


def score_pairs(
    t: Table, i: np.ndarray, j: np.ndarray, model: Model, tf: dict[str, np.ndarray]
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(probabilities, compatible, levels) of the pairs, in chunks to bound memory."""
    lv = chunked_levels(t, i, j)
    _, prob, _ = model.score(t, i, j, lv=lv, tf=tf, population=t.n)
    return prob, compatible(lv), lv


def label_rows(
    t: Table,
    i: np.ndarray,
    j: np.ndarray,
    prob: np.ndarray,
    ok: np.ndarray,
    model: Model,
    tf: dict[str, np.ndarray],
    threshold: float,
) -> np.ndarray:
    def scorer(a: np.ndarray, b: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        lv = levels(t, a, b)
        ok = compatible(lv) if model.relatives_rule else np.ones(len(a), bool)
        return model.score(t, a, b, lv=lv, tf=tf, population=t.n)[1], ok

    return cluster(t.n, i, j, prob, ok, threshold, scorer)


def dedupe(
    records: Sequence[Record],
    model: Model | None = None,
    *,
    threshold: float | None = None,
    fit: bool = False,
) -> dict[str, str]:
    """record_id -> cluster_id (the record_id of the cluster's first record)."""
    return dedupe_and_model(records, model, threshold=threshold, fit=fit)[0]


def dedupe_and_model(
    records: Sequence[Record],
    model: Model | None = None,
    *,
    threshold: float | None = None,
    fit: bool | None = False,
) -> tuple[dict[str, str], Model]:
    """`dedupe`, and the model it scored with (trained on the records with `fit`; with
    `fit=None`, trained when there are at least TRAIN_MIN records)."""
    model = model or default_model()
    if fit is None:
        fit = len(records) >= TRAIN_MIN
    t = build(records)
    i, j = candidate_pairs(t)
    lv = chunked_levels(t, i, j)
    if model.relatives_rule and not relatives_rule_holds(lv, t):
        # the data's own documents say the rule is wrong here (see train)
        model = replace(model, relatives_rule=False)
    if model.relatives_rule:
        # a document two people hold (a parent's carried by a child) is no evidence
        shared = mark_shared_documents(t)
        lv[(lv[:, DOC] == 1) & shared[np.maximum(t.doc[i], 0)], DOC] = 0
    if fit and len(i):
        model = train(t, lv, model)
    tf = frequencies(t, model)
    _, prob, _ = model.score(t, i, j, lv=lv, tf=tf, population=t.n)
    threshold = model.threshold if threshold is None else threshold
    ok = compatible(lv) if model.relatives_rule else np.ones(len(i), bool)
    label = label_rows(t, i, j, prob, ok, model, tf, threshold)
    ids = t.ids
    return {ids[r]: ids[c] for r, c in enumerate(label.tolist())}, model
