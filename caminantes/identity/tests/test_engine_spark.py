"""The Spark path gives the clusters of the local one (pyspark in local mode; slow)."""

from __future__ import annotations

import logging
import random
import sys
from collections import defaultdict
from pathlib import Path

import pytest

from caminantes.identity.engine import Record, dedupe
from caminantes.identity.engine.record import FIELDS

pytestmark = pytest.mark.slow


def groups(clusters: dict[str, str]) -> set[frozenset[str]]:
    out = defaultdict(set)
    for rid, cid in clusters.items():
        out[cid].add(rid)
    return {frozenset(g) for g in out.values()}


@pytest.fixture(scope="module")
def spark():
    pytest.importorskip("pyspark")
    from pyspark.sql import SparkSession

    # the workers must run this virtualenv's Python, which has the engine's dependencies
    logging.getLogger("py4j").setLevel(logging.WARNING)
    monkeypatch = pytest.MonkeyPatch()
    monkeypatch.setenv("PYSPARK_PYTHON", sys.executable)
    monkeypatch.setenv("PYSPARK_DRIVER_PYTHON", sys.executable)

    session = (
        SparkSession.builder.master("local[1]")
        .appName("caminantes-dedupe-test")
        .config("spark.ui.enabled", "false")
        .config("spark.sql.shuffle.partitions", "1")
        .config("spark.default.parallelism", "1")
        .config("spark.driver.extraJavaOptions", "-XX:TieredStopAtLevel=1 -XX:+UseSerialGC")
        .getOrCreate()
    )
    yield session
    session.stop()
    monkeypatch.undo()


@pytest.mark.parametrize("kind", ["households", "families"])
def test_it_finds_the_same_clusters_on_spark(spark, kind):
    """On the benchmark's households and on its families (twins, siblings, children with
    a parent's cédula: the relatives rule and the shared documents checked on Spark too)."""
    root = Path(__file__).resolve().parents[3]
    sys.path.insert(0, str(root / "bench" / "dedupe"))
    import families
    from generate import generate

    from caminantes.identity.engine.spark import dedupe_spark

    if kind == "households":
        rows, _ = generate(600, seed=7)
    else:
        rows, _, _ = families.generate(600, seed=7)
    random.Random(7).shuffle(rows)
    records = [Record(*[r[f] for f in FIELDS]) for r in rows]
    local = dedupe(records)
    df = spark.createDataFrame([[r[f] for f in FIELDS] for r in rows], list(FIELDS))
    remote = {r["record_id"]: r["cluster_id"] for r in dedupe_spark(spark, df).collect()}
    assert groups(remote) == groups(local)
    assert len(groups(local)) < len(records)  # there were duplicates to find
