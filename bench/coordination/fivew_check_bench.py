"""How long `caminantes fivew check` takes on a 50,000-row 5W workbook, and how much memory.

    python bench/coordination/fivew_check_bench.py [--rows 50000] [--seed 7] [--keep DIR]

Generates a workbook in the RMRP 2025 layout (its sheet dimension written at the top, as
Excel and LibreOffice write it) (a title row above the header, Spanish and
English spellings, numbers as text, "Sí"/"yes", real Excel dates, about 5 % of rows with a
mistake: an unknown admin1, breakdowns that do not add up, CVA without a mechanism, a
future month), then runs, each in a fresh child process so its peak RSS is its own
(the child's own rusage, from os.wait4):

- floor: an openpyxl read-only pass over the same file, touching every cell;
- check: `caminantes fivew check FILE --errors E.csv`;
- check+hxl: the same with `--hxl OUT.csv`.

Targets (issue 18): check < 30 s and < 500 MB peak RSS. No database is used.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import random
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

HEADER = [
    "Country Country",
    "Country Admin1",
    "Admin2 Admin2",
    "Appealing organisation Name",
    "Implementation Set up",
    "Implementing partner Name",
    "Month",
    "Indicator Sector",
    "Indicator Indicator",
    "Activity Name",
    "Activity Description",
    "RMRP Activity",
    "CVA",
    "Value (in USD)",
    "Delivery mechanism",
    "Quantity of output",
    "Total monthly beneficiaries",
    "New beneficiaries of the month",
    "Refugees and Migrants IN DESTINATION",
    "Refugees and Migrants IN TRANSIT",
    "Host Communities Beneficiaries",
    "Refugees and Migrants PENDULARS",
    "Colombian Returnees",
    "Women under 18",
    "Men under 18",
    "Women above 18",
    "Men above 18",
    "Other under 18",
    "Other above 18",
]


def generate(path: Path, rows: int, seed: int) -> int:
    """Write the workbook (openpyxl write-only); returns how many rows carry a mistake."""
    import openpyxl

    from caminantes.coordination.fivew.engine.reference import (
        CAPACITY_BUILDING,
        DIRECT_ASSISTANCE,
        Reference,
    )

    rng = random.Random(seed)
    ref = Reference.default()
    places = [(c.name, a.name) for c in ref.countries for a in c.admin1.values()]
    indicators = ref.indicators
    partners = [p.name for p in ref.partners]
    book = openpyxl.Workbook(write_only=True)
    sheet = book.create_sheet("5W - RMRP 2025")
    sheet.append(["5W - RMRP 2025 - monthly report"])
    sheet.append(HEADER)
    broken = 0
    for n in range(rows):
        country, admin1 = rng.choice(places)
        ind = rng.choice(indicators)
        month = dt.datetime(2025, rng.randint(1, 5), 1)
        yes = rng.choice(["Yes", "Sí", "yes", "Si"])
        children_only = ref.is_children_only(ind.sector, ind.subsector)
        new = None
        pops: list[int | None] = [None] * 5
        ages: list[int | None] = [None] * 6
        if ind.type == DIRECT_ASSISTANCE:
            new = rng.randint(1, 400)
            pops = [new, 0, 0, 0, 0]
            if children_only:
                ages = [new // 2, new - new // 2, 0, 0, 0, 0]
            else:
                ages = [new // 4, new // 4, new // 4, new - 3 * (new // 4), 0, 0]
        elif ind.type == CAPACITY_BUILDING:
            new = rng.randint(0, 50)
            ages = [0, 0, new // 2, new - new // 2, 0, 0]
        total = new + rng.randint(0, 50) if new is not None else None
        cva = ind.sector == "Multipurpose Cash Assistance (MPC)" or rng.random() < 0.05
        value = rng.randint(20, 300) if cva else None
        mech = rng.choice(["Bank transfer", "Vouchers", "Cash in hand"]) if cva else None
        mistake = n % 20 == 7
        if mistake:
            broken += 1
            kind = (n // 20) % 4
            if kind == 0 or (kind == 1 and not new):  # no breakdown to break: another mistake
                admin1 = "Atlantis"
            elif kind == 1:
                pops[0] = new + 1
            elif kind == 2:
                cva, mech, value = True, None, value or 10
            else:
                month = dt.datetime(2099, 1, 1)
        sheet.append(
            [
                country,
                admin1,
                None,
                rng.choice(partners),
                "No",
                None,
                month if n % 3 else month.strftime("%Y-%m"),
                ind.sector if not ind.subsector else f"{ind.sector} ({ind.subsector})",
                ind.name,
                f"Actividad {n % 500}",
                "Descripción de la actividad con acentos: atención, niñez",
                yes,
                "Sí" if cva else "No",
                value,
                mech,
                str(rng.randint(0, 5000)) if n % 2 else rng.randint(0, 5000),
                total,
                f"{new:,}".replace(",", ".") if new and n % 5 == 0 else new,
                *pops,
                *ages,
            ]
        )
    book.save(path)
    _add_dimension(path, f"A1:AC{rows + 2}")
    return broken


def _add_dimension(path: Path, ref: str) -> None:
    """Write the sheet's <dimension> at its top, as Excel and LibreOffice do (openpyxl's
    write-only mode leaves it out, and a read-only reader then parses the sheet twice)."""
    import shutil
    import zipfile

    tmp = path.with_suffix(".tmp")
    with zipfile.ZipFile(path) as src, zipfile.ZipFile(tmp, "w", zipfile.ZIP_DEFLATED) as dst:
        for item in src.infolist():
            data = src.read(item.filename)
            if item.filename.startswith("xl/worksheets/sheet"):
                data = data.replace(
                    b"<sheetViews>", f'<dimension ref="{ref}"/><sheetViews>'.encode(), 1
                )
            dst.writestr(item, data)
    shutil.move(tmp, path)


FLOOR = """
import sys, openpyxl
book = openpyxl.load_workbook(sys.argv[1], read_only=True, data_only=True)
n = 0
for row in book.worksheets[0].iter_rows(values_only=True):
    for cell in row:
        n += cell is not None
book.close()
print(n)
"""


def run(cmd: list[str]) -> tuple[float, float, float, str]:
    """Seconds, peak RSS (MB) of this child alone (os.wait4's rusage), its stdout."""
    env = {**os.environ, "PYTHONPATH": str(ROOT), "DEBUG": os.environ.get("DEBUG", "1")}
    with tempfile.TemporaryFile("w+") as out, tempfile.TemporaryFile("w+") as err:
        start = time.perf_counter()
        child = subprocess.Popen(cmd, stdout=out, stderr=err, env=env, cwd=ROOT)  # noqa: S603
        _, status, usage = os.wait4(child.pid, 0)
        seconds = time.perf_counter() - start
        child.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        err.seek(0)
        if child.returncode != 0:
            raise SystemExit(f"{' '.join(cmd)} failed ({child.returncode}): {err.read()[-2000:]}")
        cpu = usage.ru_utime + usage.ru_stime
        first = (out.read().strip().splitlines() or [""])[0]
        return seconds, cpu, usage.ru_maxrss / 1024, first[:60]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rows", type=int, default=50_000)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--keep", help="write the files in this folder and keep them")
    parser.add_argument("--generate-only", metavar="FILE", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.generate_only:
        print(generate(Path(args.generate_only), args.rows, args.seed))
        return
    folder = Path(args.keep or tempfile.mkdtemp(prefix="fivew_bench_"))
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "5w_bench.xlsx"
    start = time.perf_counter()
    # in a child: a child's peak RSS includes its parent's at the fork, so this one stays small
    broken = int(
        subprocess.run(  # noqa: S603
            [sys.executable, __file__, "--rows", str(args.rows), "--seed", str(args.seed),
             "--generate-only", str(path)],
            check=True, capture_output=True, text=True,
        ).stdout
    )  # fmt: skip
    print(
        f"generated {args.rows} rows ({broken} with a planted mistake), "
        f"{path.stat().st_size / 1e6:.1f} MB, in {time.perf_counter() - start:.1f} s"
    )
    python = sys.executable
    results = [
        ("start-up: caminantes fivew --help", run([python, "-m", "caminantes", "fivew", "--help"])),
        ("floor: openpyxl read-only pass", run([python, "-c", FLOOR, str(path)])),
        (
            "caminantes fivew check",
            run(
                [
                    python,
                    "-m",
                    "caminantes",
                    "fivew",
                    "check",
                    str(path),
                    "--errors",
                    str(folder / "errors.csv"),
                ]
            ),
        ),
        (
            "caminantes fivew check --hxl",
            run(
                [
                    python,
                    "-m",
                    "caminantes",
                    "fivew",
                    "check",
                    str(path),
                    "--errors",
                    str(folder / "errors.csv"),
                    "--hxl",
                    str(folder / "hxl.csv"),
                ]
            ),
        ),
    ]
    print()
    print(f"{'what':32} {'wall s':>7} {'cpu s':>7} {'peak RSS MB':>12}  output")
    for name, (seconds, cpu, rss, out) in results:
        print(f"{name:32} {seconds:7.1f} {cpu:7.1f} {rss:12.0f}  {out}")
    print()
    print("targets: check < 30 s and < 500 MB peak RSS; cpu s = the child's user+system time")
    print("(wall time counts waiting for a busy machine's CPUs; cpu time does not)")


if __name__ == "__main__":
    main()
