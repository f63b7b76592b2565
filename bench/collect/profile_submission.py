"""Where one OpenRosa submission's server time goes: the statements it sends and a cProfile
of POST /collect/key/<token>/submission through Django's test client (every middleware,
the view, the intake, the processing that follows the commit), on PostgreSQL.

    python bench/collect/profile_submission.py --n 300 [--top 40] [--sort tottime]

Runs with the submission bench's production settings (DEBUG off, throwaway keys), not DEBUG,
whose query log would be counted too. The database (default caminantes_collect_profile)
is created and migrated when missing; the form and app user are the submission bench's.
"""

from __future__ import annotations

import argparse
import cProfile
import os
import pstats
import subprocess
import sys
import time
import uuid
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench" / "collect"))

from submission_bench import (  # noqa: E402
    BOUNDARY,
    SETUP,
    body,
    cpu_of,
    ensure_database,
    server_env,
)

DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/caminantes_collect_profile"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database-url", default=DEFAULT_URL)
    parser.add_argument("--n", type=int, default=300)
    parser.add_argument("--top", type=int, default=35)
    parser.add_argument("--sort", default="cumulative")
    parser.add_argument("--save", help="write the profile to this file (for pstats)")
    args = parser.parse_args()
    ensure_database(args.database_url)
    env = server_env(args.database_url)
    migrate = [sys.executable, "-m", "caminantes", "migrate", "--noinput", "-v", "0"]
    subprocess.run(migrate, env=env, cwd=ROOT, check=True)  # noqa: S603 - fixed arguments
    os.environ.update(env)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "caminantes.settings")
    import django

    django.setup()
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    namespace: dict[str, object] = {}
    from contextlib import redirect_stdout
    from io import StringIO

    out = StringIO()
    with redirect_stdout(out):
        exec(SETUP, namespace)  # noqa: S102 - our own snippet, shared with the bench
    token = next(line.split()[1] for line in out.getvalue().splitlines() if "TOKEN" in line)
    path = f"/collect/key/{token}/submission"
    client = Client()
    headers = {"HTTP_X_OPENROSA_VERSION": "1.0", "HTTP_X_FORWARDED_PROTO": "https"}

    def send(i: int, instance_id: str | None = None) -> int:
        payload = body(instance_id or f"uuid:{uuid.uuid4()}", i)
        r = client.generic("POST", path, payload,
                           content_type=f"multipart/form-data; boundary={BOUNDARY}",
                           **headers)  # fmt: skip
        return r.status_code

    for i in range(30):  # warm: imports, translations, connections
        assert send(i) == 201
    with CaptureQueriesContext(connection) as queries:
        assert send(1) == 201
    print(f"one new submission: {len(queries.captured_queries)} statements")
    for q in queries.captured_queries:
        print("   ", q["sql"][:150])
    again = f"uuid:{uuid.uuid4()}"
    send(2, again)
    with CaptureQueriesContext(connection) as queries:
        assert send(2, again) == 202
    print(f"one re-send (202): {len(queries.captured_queries)} statements")

    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        backend = cursor.fetchone()[0]
    kinds: Counter[str] = Counter()
    cpu0, wall0, pg0 = time.process_time(), time.perf_counter(), cpu_of(backend)
    for i in range(args.n):
        kinds[send(i)] += 1
    cpu, wall = time.process_time() - cpu0, time.perf_counter() - wall0
    pg = cpu_of(backend) - pg0
    print(f"{args.n} submissions {dict(kinds)}: {cpu / args.n * 1000:.2f} ms CPU and "
          f"{wall / args.n * 1000:.2f} ms wall each (this process, test client "
          f"included); PostgreSQL's backend {pg / args.n * 1000:.2f} ms CPU each")  # fmt: skip

    profile = cProfile.Profile(time.process_time)  # CPU, not the waits on PostgreSQL
    profile.enable()
    for i in range(args.n):
        send(i)
    profile.disable()
    if args.save:
        profile.dump_stats(args.save)
    pstats.Stats(profile).sort_stats(args.sort).print_stats(args.top)


if __name__ == "__main__":
    main()
