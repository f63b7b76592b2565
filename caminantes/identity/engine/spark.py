"""The same batch on Spark, for a registry that has outgrown one machine.

Spark does the heavy, embarrassingly parallel parts with the engine's own functions:
`blocking_keys` on every record (the keys the registry stores), a join on the key for the
candidate pairs (blocks over their cap dropped, with higher caps: the local batch splits
them by a further column instead, so the two can differ a little at scale), and the
comparison levels and Fellegi-Sunter scores partition by partition (`compare.levels`,
`Model.score`) with the frequencies of names and birthdays counted over the whole data
and broadcast. Only the pairs above the threshold come back to the driver, with the
records of the components they form, and are clustered there by `cluster.cluster` exactly
as locally (a few percent of the records).

    from pyspark.sql import SparkSession
    spark = SparkSession.builder.master("spark://host:7077").getOrCreate()
    df = spark.read.csv("s3://.../people.csv", header=True)   # the dedupe CSV columns
    clusters = dedupe_spark(spark, df)                        # record_id, cluster_id

pyspark is imported lazily: nothing else in the engine needs it.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import replace
from typing import TYPE_CHECKING, Any

import numpy as np

from caminantes.identity.engine import normalise as nz
from caminantes.identity.engine.batch import SMALL
from caminantes.identity.engine.blocking import MAX_BLOCK as BLOCK_CAP
from caminantes.identity.engine.blocking import blocking_keys
from caminantes.identity.engine.cluster import cluster
from caminantes.identity.engine.compare import (
    DOC,
    SHARED_GROUP,
    compatible,
    dates_differ,
    levels,
    names_differ,
    two_people,
)
from caminantes.identity.engine.model import (
    TF_FIELDS,
    Model,
    day_codes,
    day_key,
    days_from_keys,
    default_model,
)
from caminantes.identity.engine.record import FIELDS, Record
from caminantes.identity.engine.table import Table, build
from caminantes.identity.engine.train import rule_holds

if TYPE_CHECKING:  # pragma: no cover
    from pyspark.sql import DataFrame, SparkSession

WEAK_PREFIXES = ("W:", "E:")
# Spark drops a block above its cap instead of splitting it (the local batch splits it by
# sex or place, see blocking.py), so its caps stay as high as they were before splitting.
MAX_BLOCK, WEAK_BLOCK = 400, 20


def _record(row: Any) -> Record:
    return Record(*[(row[f] or "").strip() for f in FIELDS])


def _keys(rows: Iterable[Any]) -> Iterator[tuple[str, str, int]]:
    for row in rows:
        r = _record(row)
        for key in blocking_keys(r):
            yield key, r.record_id, WEAK_BLOCK if key.startswith(WEAK_PREFIXES) else MAX_BLOCK


def _name_keys(rows: Iterable[Any]) -> Iterator[str]:
    """The keys the term frequencies are counted on: full names (as `table.build` makes
    them) and the day and month of full birth dates ("d:MM-DD")."""
    for row in rows:
        t = build([_record(row)])
        yield from (w for w, c in zip(t.full_names.words, (t.g_full[0], t.f_full[0]), strict=False)
                    if c >= 0)  # fmt: skip
        code = int(day_codes(t.month, t.day)[0])
        if t.year[0] and code >= 0:
            yield "d:" + day_key(code)


def _tf(t: Table, model: Model, freq: dict[str, float] | None) -> dict[str, np.ndarray]:
    if freq is None:
        return model.tf_lookup(t)
    words = t.full_names.words
    arr = np.array([freq.get(w, 0.0) for w in words] or [0.0])
    out = {f: np.where([w.startswith(p) for w in words] or [False], arr, 0.0)
           for f, p in TF_FIELDS.items()}  # fmt: skip
    out["birth_date"] = days_from_keys({k[2:]: v for k, v in freq.items() if k.startswith("d:")})
    return out


def _document_groups(
    groups: Iterable[tuple[str, Iterable[Any]]],
) -> Iterator[tuple[str, int, int, bool]]:
    """For each document number held by several records: (number, pairs of its records,
    pairs where the name or the date alone differs, whether two people hold it), as
    `train.relatives_rule_holds` and `compare.mark_shared_documents` count them locally."""
    for doc, rows in groups:
        recs = [_record(r) for r in rows]
        if not 2 <= len(recs) <= SHARED_GROUP:
            continue  # a bigger group is skipped, as locally
        t = build(recs)
        i, j = np.triu_indices(len(recs), 1)
        lv = levels(t, i, j)
        lv = lv[lv[:, DOC] == 1]
        # the rule is tested on the pairs the local batch compares (blocks within the cap)
        counted = len(recs) <= BLOCK_CAP
        single = int((names_differ(lv) ^ dates_differ(lv)).sum()) if counted else 0
        yield doc, len(lv) if counted else 0, single, bool(two_people(lv).any())


def _household_field(row: Any) -> bool:
    return bool(nz.sex(row["sex"] or "") or nz.phone(row["phone"] or ""))


def _mark(t: Table, shared: frozenset[str] | None) -> Table:
    if shared is not None:
        t.doc_shared = np.array([w in shared for w in t.doc_text] or [False])
    return t


def _score(model: Model, freq, n: int, threshold: float, shared: frozenset[str] | None):
    def score_partition(rows: Iterable[Any]) -> Iterator[tuple[str, str, float, bool]]:
        pairs = list(rows)
        if not pairs:
            return
        recs: dict[str, Record] = {}
        for p in pairs:
            recs.setdefault(p["a"]["record_id"], _record(p["a"]))
            recs.setdefault(p["b"]["record_id"], _record(p["b"]))
        order = list(recs)
        at = {rid: k for k, rid in enumerate(order)}
        t = _mark(build([recs[rid] for rid in order]), shared)
        i = np.array([at[p["a"]["record_id"]] for p in pairs])
        j = np.array([at[p["b"]["record_id"]] for p in pairs])
        lv = levels(t, i, j)
        _, prob, _ = model.score(t, i, j, lv=lv, tf=_tf(t, model, freq), population=n)
        ok = compatible(lv) if model.relatives_rule else np.ones(len(i), bool)
        for k in np.flatnonzero((prob >= threshold) & ok).tolist():
            yield order[i[k]], order[j[k]], float(prob[k]), True

    return score_partition


def dedupe_spark(
    spark: SparkSession,
    df: DataFrame,
    model: Model | None = None,
    *,
    threshold: float | None = None,
) -> DataFrame:
    """record_id, cluster_id for every row of `df` (the columns of the dedupe CSV)."""
    from pyspark.sql import functions as F

    model = model or default_model()
    threshold = model.threshold if threshold is None else threshold
    df = df.select(*[F.coalesce(F.col(f).cast("string"), F.lit("")).alias(f) for f in FIELDS])
    df = df.cache()
    n = df.count()
    freq = None
    if n >= SMALL:
        counts = df.rdd.mapPartitions(_name_keys).countByValue()
        dated = sum(v for k, v in counts.items() if k.startswith("d:")) or 1
        freq = {k: v / (dated if k.startswith("d:") else n) for k, v in counts.items()}
    freq_b = spark.sparkContext.broadcast(freq)

    # The relatives rule checked against the data's documents, and the numbers two people
    # hold, from the records grouped by document number (as the local batch does).
    shared: frozenset[str] | None = None
    if model.relatives_rule:
        docs = (
            df.rdd.map(lambda row: (nz.document(row["document_number"] or ""), row))
            .filter(lambda kv: bool(kv[0]))
            .groupByKey()
            .mapPartitions(_document_groups)
            .collect()
        )
        households = df.rdd.filter(_household_field).count() / max(n, 1)
        same_doc, single = sum(d[1] for d in docs), sum(d[2] for d in docs)
        if rule_holds(same_doc, single, households):
            shared = frozenset(d[0] for d in docs if d[3])
        else:
            model = replace(model, relatives_rule=False)

    keys = spark.createDataFrame(df.rdd.mapPartitions(_keys), "key string, rid string, cap int")
    sizes = keys.groupBy("key").agg(F.count("*").alias("size"), F.first("cap").alias("cap"))
    kept = keys.join(sizes.where("size >= 2 AND size <= cap").select("key"), "key")
    pairs = (
        kept.alias("x")
        .join(kept.alias("y"), "key")
        .where(F.col("x.rid") < F.col("y.rid"))
        .select(F.col("x.rid").alias("ra"), F.col("y.rid").alias("rb"))
        .distinct()
    )
    rec = df.select(F.col("record_id").alias("rid"), F.struct(*FIELDS).alias("r"))
    joined = (
        pairs.join(rec.withColumnRenamed("rid", "ra").withColumnRenamed("r", "a"), "ra")
        .join(rec.withColumnRenamed("rid", "rb").withColumnRenamed("r", "b"), "rb")
        .select("a", "b")
    )
    edges = joined.rdd.mapPartitions(_score(model, freq_b.value, n, threshold, shared)).collect()

    # The driver clusters the strong pairs, with the records of the components they touch.
    involved = sorted({e[0] for e in edges} | {e[1] for e in edges})
    records = {r.record_id: r for r in map(_record, df.where(F.col("record_id").isin(involved))
                                           .collect())}  # fmt: skip
    t = _mark(build([records[rid] for rid in involved]), shared)
    at = {rid: k for k, rid in enumerate(involved)}
    tf = _tf(t, model, freq)
    i = np.array([at[e[0]] for e in edges], np.int64)
    j = np.array([at[e[1]] for e in edges], np.int64)
    prob = np.array([e[2] for e in edges])

    def scorer(a: np.ndarray, b: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        lv = levels(t, a, b)
        ok = compatible(lv) if model.relatives_rule else np.ones(len(a), bool)
        return model.score(t, a, b, lv=lv, tf=tf, population=n)[1], ok

    label = cluster(len(involved), i, j, prob, np.ones(len(i), bool), threshold, scorer)
    found = spark.createDataFrame(
        [(involved[k], involved[c]) for k, c in enumerate(label.tolist())],
        "record_id string, cluster_id string",
    )
    return (
        df.select("record_id")
        .join(found, "record_id", "left")
        .select("record_id", F.coalesce("cluster_id", "record_id").alias("cluster_id"))
    )
