"""DTM file import: stage (read + check) and commit of an N-row flow-count CSV.

    DEBUG=1 CAMINANTES_DEMO=1 HUEY_IMMEDIATE=1 CAMINANTES_VAR_DIR=/tmp/dtmimp-var \\
        .venv/bin/python bench/dtm/import_bench.py --rows 20000

Runs on the database the settings name (the demo's SQLite by default), with the demo's
operation, its Colombian points and its enumerator as the uploader (what the import page
does). The rows are valid tally sheets on days of the last year at random points, with
new submission ids. With HUEY_IMMEDIATE=1 the background tasks run inline, so the time of
`import_create` is the staging and the time of `import_commit` the commit. The imported
rows stay in the database: restore a copy of the demo between runs. Not a test.
"""

from __future__ import annotations

import argparse
import csv
import io
import os
import random
import resource
import sys
import time
import uuid
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

PEOPLE = ("female_0_5", "female_6_17", "female_18_59", "female_60_plus",
          "male_0_5", "male_6_17", "male_18_59", "male_60_plus")  # fmt: skip
COLUMNS = ["uuid", "point", "date", "shift_start", "shift_end", "direction", "flow_type",
           "individuals",
           "groups", "unaccompanied_children", *PEOPLE, "nationality_VE", "nationality_CO",
           "transport_on_foot", "transport_bus", "destination_CO", "destination_PE"]  # fmt: skip


def _csv(rows: int, codes: list[str], today: object, seed: int) -> bytes:
    rng = random.Random(seed)
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(COLUMNS)
    for _i in range(rows):
        people = {f: rng.randint(0, 4) for f in PEOPLE}
        total = sum(people.values()) or 1
        people["female_18_59"] += 1 if total == 1 and not any(people.values()) else 0
        total = sum(people.values())
        ve = rng.randint(0, total)
        foot = rng.randint(0, total)
        dest = rng.randint(0, total)
        day = today - timedelta(days=rng.randint(1, 330))  # type: ignore[operator]
        start = rng.randint(6, 16)
        writer.writerow([
            str(uuid.uuid4()), rng.choice(codes), day.isoformat(), f"{start:02d}:00",
            f"{start + 2:02d}:00", rng.choice(["incoming", "outgoing"]),
            rng.choice(["pendular", "transit", "stay", "return"]), total,
            rng.randint(1, max(1, total // 2)), 0, *(people[f] for f in PEOPLE),
            ve, total - ve, foot, total - foot, dest, total - dest,
        ])  # fmt: skip
    return out.getvalue().encode()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, default=20_000)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--no-commit", action="store_true")
    args = parser.parse_args()

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "caminantes.settings")
    import django

    django.setup()
    from django.utils import timezone, translation

    from caminantes.accounts.models import User
    from caminantes.dtm import imports
    from caminantes.dtm.models import DtmImport, FlowCount, FlowMonitoringPoint, Operation

    translation.activate("es")
    user = User.objects.get(email="dtm.enumerador@demo.caminantes.org")
    op = Operation.objects.get(organization__acronym="IOM", code="venezuela-regional")
    points = FlowMonitoringPoint.objects.filter(operation=op, country__iso2="CO", is_active=True)
    codes = [p.code or str(p.uuid) for p in points]
    country = points[0].country
    content = _csv(args.rows, codes, timezone.localdate(), args.seed)
    print(f"{args.rows} rows, {len(content) / 1e6:.1f} MB, {len(codes)} points: {codes}")
    before = FlowCount.objects.count()

    t0 = time.perf_counter()
    batch = imports.import_create(user=user, operation=op, country=country,
                                  kind="flow_counts", file_name="bench.csv",
                                  chunks=[content])  # fmt: skip
    batch = DtmImport.objects.get(pk=batch.pk)
    staged = time.perf_counter() - t0
    print(f"stage:  {staged:7.1f} s  ({1000 * staged / args.rows:.2f} ms/row) "
          f"status={batch.status} rows={batch.total_rows} errors={batch.error_rows}")  # fmt: skip
    if batch.error_rows or batch.file_errors:
        first = batch.rows.exclude(errors=[]).first()
        print("  first error:", batch.file_errors, first and first.errors)
    if not args.no_commit and batch.status == "validated":
        t0 = time.perf_counter()
        imports.import_commit(user=user, batch=batch)
        batch = DtmImport.objects.get(pk=batch.pk)
        done = time.perf_counter() - t0
        print(f"commit: {done:7.1f} s  ({1000 * done / args.rows:.2f} ms/row) "
              f"status={batch.status} imported={batch.imported_rows} "
              f"new sheets={FlowCount.objects.count() - before}")  # fmt: skip
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"peak RSS {peak:.0f} MB")


if __name__ == "__main__":
    main()
