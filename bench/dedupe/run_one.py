"""One engine over one file, in its own process, so wall time and peak memory are its own.

    python bench/dedupe/run_one.py ours|ours-shipped|splink INPUT.csv OUTPUT.csv

`ours` is what `caminantes dedupe` does by default (m and u estimated on the input);
`ours-shipped` is `caminantes dedupe --no-train` (the shipped model as it is).
prints one JSON line: {"seconds": ..., "max_rss_mb": ...}.
"""

from __future__ import annotations

import csv
import json
import resource
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))


def ours(src: str, out: str, fit: bool | None) -> None:
    from caminantes.identity.engine.batch import dedupe
    from caminantes.identity.engine.io import read_records, write_clusters

    write_clusters(out, dedupe(read_records(src), fit=fit).items())


def _prepared(src: str):
    """The contract's columns cleaned for Splink with the same normalisation we use."""
    import pandas as pd

    from caminantes.identity.engine import normalise as nz

    df = pd.read_csv(src, dtype=str, keep_default_na=False)

    def mapped(col: str, fn):
        uniq = df[col].unique()
        return df[col].map(dict(zip(uniq, map(fn, uniq), strict=True)))

    given = mapped("given_names", nz.given_name)
    family = mapped("family_names", nz.family_name)
    out = pd.DataFrame({"unique_id": df["record_id"]})
    out["given"] = given.map(lambda n: n.text or None)
    out["given_first"] = given.map(lambda n: n.tokens[0] if n.tokens else None)
    out["given_ph"] = given.map(lambda n: n.sounds[0] if n.sounds else None)
    out["family"] = family.map(lambda n: " ".join(sorted(n.tokens)) or None)
    out["surname_ph"] = family.map(lambda n: n.sounds[0] if n.sounds else None)
    ymd = mapped("birth_date", nz.birth_date)
    out["dob"] = ymd.map(lambda t: f"{t[0]:04d}-{t[1]:02d}-{t[2]:02d}" if t[0] else None)
    out["birth_year"] = ymd.map(lambda t: str(t[0]) if t[0] else None)
    out["sex"] = df["sex"].map(lambda s: nz.sex(s) or None)
    out["doc"] = mapped("document_number", nz.document).replace("", None)
    out["phone"] = mapped("phone", nz.phone).replace("", None)
    out["place"] = mapped("birth_place", nz.place).replace("", None)
    return out


def splink(src: str, out: str) -> None:
    import splink.comparison_library as cl
    from splink import DuckDBAPI, Linker, SettingsCreator, block_on

    df = _prepared(src)
    db = DuckDBAPI()
    sdf = db.register(df)
    settings = SettingsCreator(
        link_type="dedupe_only",
        blocking_rules_to_generate_predictions=[
            block_on("given_ph", "surname_ph"),
            block_on("surname_ph", "dob"),
            block_on("given_ph", "dob"),
            block_on("doc"),
            block_on("phone", "given_ph"),
        ],
        comparisons=[
            cl.NameComparison("given").configure(term_frequency_adjustments=True),
            cl.NameComparison("family").configure(term_frequency_adjustments=True),
            cl.DateOfBirthComparison("dob", input_is_string=True),
            cl.ExactMatch("sex"),
            cl.LevenshteinAtThresholds("doc", [1, 2]),
            cl.ExactMatch("phone"),
            cl.ExactMatch("place"),
        ],
        retain_intermediate_calculation_columns=False,
    )
    linker = Linker(sdf, settings, log_level=40)
    linker.training.estimate_probability_two_random_records_match(
        [block_on("doc"), block_on("given", "family", "dob")], recall=0.7
    )
    linker.training.estimate_u_using_random_sampling(max_pairs=5e6, seed=1)
    linker.training.estimate_parameters_using_expectation_maximisation(
        block_on("given_ph", "surname_ph")
    )
    linker.training.estimate_parameters_using_expectation_maximisation(block_on("dob"))
    pairs = linker.inference.predict(threshold_match_probability=0.5)
    clusters = linker.clustering.cluster_pairwise_predictions_at_threshold(pairs, 0.9)
    res = clusters.as_pandas_dataframe()[["unique_id", "cluster_id"]]
    found = dict(zip(res["unique_id"], res["cluster_id"], strict=True))
    with open(out, "w", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(["record_id", "cluster_id"])
        w.writerows((rid, found.get(rid, rid)) for rid in df["unique_id"])


def main() -> None:
    engine, src, out = sys.argv[1:4]
    started = time.perf_counter()
    if engine == "splink":
        splink(src, out)
    else:
        ours(src, out, fit=False if engine == "ours-shipped" else None)
    seconds = time.perf_counter() - started
    print(json.dumps({"seconds": round(seconds, 2), "max_rss_mb": round(peak_mb())}))


def peak_mb() -> float:
    """Peak resident memory of this process since it started.

    VmHWM, not getrusage's ru_maxrss: on Linux ru_maxrss survives exec, so a child would
    report the peak of the parent it was forked from."""
    try:
        with open("/proc/self/status") as fh:
            for line in fh:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


if __name__ == "__main__":
    main()
