"""The matching engine: plain Python (numpy / rapidfuzz), no Django imports, so the
same code serves the command line, the registry, a worker and a distributed engine.

Contract shared by the CLI, the registry's duplicate hook and the review screens (keep it):

    Record(record_id, given_names, family_names, sex, birth_date, nationality,
           document_type, document_number, phone, birth_place)      # all str, "" if unknown
    compare(a: Record, b: Record, model: Model | None = None) -> Comparison
        Comparison.probability (0..1), .match_weight (log2 Bayes factor),
        .evidence: dict[field, level]  e.g. {"given_names": "similar", "birth_date": "swapped"}
    blocking_keys(r: Record) -> list[str]
    default_model() -> Model        # shipped parameters, usable without training
    dedupe(records, model=None) -> dict[record_id, cluster_id]

Modules: normalise (names, dates, documents, phones), phonetic, nicknames, table (records
as integer columns), compare (levels per field, vectorised), blocking, model
(Fellegi-Sunter weights, term frequencies), train (m and u from the data), cluster,
batch (dedupe), io (CSV), spark (the same batch on Spark).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np

from caminantes.identity.engine.batch import dedupe
from caminantes.identity.engine.blocking import blocking_keys
from caminantes.identity.engine.compare import FIELDS, LEVELS, compatible, mark_shared_documents
from caminantes.identity.engine.model import Model, default_model
from caminantes.identity.engine.record import Record
from caminantes.identity.engine.table import build

__all__ = [
    "Comparison",
    "Model",
    "Record",
    "blocking_keys",
    "compare",
    "compare_many",
    "dedupe",
    "default_model",
]


@dataclass(frozen=True)
class Comparison:
    probability: float
    match_weight: float
    evidence: dict[str, str] = field(default_factory=dict)


def compare_many(
    a: Record, others: Sequence[Record], model: Model | None = None
) -> list[Comparison]:
    """`compare(a, b)` for each b of `others`, in one vectorised pass (the registry's path)."""
    if not others:
        return []
    model = model or default_model()
    t = build([a, *others])
    if model.relatives_rule:
        mark_shared_documents(t)
    j = np.arange(1, len(others) + 1)
    i = np.zeros(len(others), np.int64)
    weight, prob, lv = model.score(t, i, j)
    ok = compatible(lv)
    out = []
    for k in range(len(others)):
        evidence = {f: LEVELS[f][lv[k, c]] for c, f in enumerate(FIELDS)}
        if not ok[k]:
            evidence["rule"] = "relatives"
        out.append(Comparison(float(prob[k]), float(weight[k]), evidence))
    return out


def compare(a: Record, b: Record, model: Model | None = None) -> Comparison:
    return compare_many(a, [b], model)[0]
