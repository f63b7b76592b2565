"""OpenRosa submissions under load: the issue's "100 submissions per second sustained on 2
cores against PostgreSQL, with zero lost and zero duplicated under 10 % injected retries".

Starts a real server (gunicorn, --workers sync workers on a free port) on a PostgreSQL
database (created and migrated when missing), uploads a small form and creates an app
user, then posts N submissions the way ODK Collect does (multipart with
xml_submission_file, X-OpenRosa-Version, Date) from a pool of client threads, paced at
--rate per second (0: as fast as the pool goes). A fraction --retries of them is sent a
second time with the same content, as a device does when the first answer was lost.
Then it counts the answers (201 new, 202 already here), and the database: exactly N
submissions of the form, N distinct instance ids, each sent id present.

Floors, measured in the same run: the same number of bare INSERTs (one transaction each,
one connection) into a table with the same unique constraint over psycopg, and the
server's cheapest authenticated OpenRosa call (HEAD /submission: token look-up, 204) from
the same client pool.

    python bench/collect/submission_bench.py --n 3000 --rate 100 --workers 3
"""

from __future__ import annotations

import argparse
import os
import random
import socket
import statistics
import subprocess
import sys
import threading
import time
import uuid
from pathlib import Path
from queue import Empty, Queue
from urllib.parse import urlparse

import httpx
import psycopg

ROOT = Path(__file__).resolve().parents[2]
DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/caminantes_collect_bench"
BOUNDARY = "----BenchBoundary7MA4YWxkTrZu0gW"
SETUP = """
from caminantes.accounts.models import Organization
from caminantes.collect import sample_xlsform, services
from caminantes.collect.models import Form, Submission
org, _ = Organization.objects.get_or_create(
    acronym="BENCH", defaults={"name": "Bench", "type": "national_ngo"})
xlsx = sample_xlsform.build()
form = services.form_upload(actor=None, organization=org, content=xlsx).version.form
Submission.objects.filter(form=form).delete()
app = services.app_user_create(actor=None, organization=org, name="bench", forms=[form])
print("TOKEN", app.token)
print("FORM", form.pk)
"""


def ensure_database(url: str) -> None:
    parsed = urlparse(url)
    name = parsed.path.lstrip("/")
    admin = url.replace(parsed.path, "/postgres")
    with psycopg.connect(admin, autocommit=True) as conn:
        if not conn.execute("SELECT 1 FROM pg_database WHERE datname=%s", [name]).fetchone():
            conn.execute(f'CREATE DATABASE "{name}"')


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def body(instance_id: str, i: int) -> bytes:
    xml = (
        f'<?xml version="1.0"?><data id="demo_hogar" version="1"><nombre>Persona {i}</nombre>'
        f"<hogar><personas>{1 + i % 9}</personas><necesidad>alimentos</necesidad></hogar>"
        f"<foto/><meta><instanceID>{instance_id}</instanceID></meta></data>"
    ).encode()
    return (
        (
            f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="xml_submission_file"; '
            f'filename="xml_submission_file"\r\nContent-Type: text/xml\r\n\r\n'
        ).encode()
        + xml
        + f"\r\n--{BOUNDARY}--\r\n".encode()
    )


def pct(values: list[float], p: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))]


def run_pool(jobs: list[tuple[float, str, bytes | None]], clients: int, base: str) -> dict:
    """Each job: (due time offset, method+path, body or None). Returns codes and latencies."""
    queue: Queue[tuple[float, str, bytes | None]] = Queue()
    for job in jobs:
        queue.put(job)
    codes: dict[int, int] = {}
    latencies: list[float] = []
    errors: list[str] = []
    lock = threading.Lock()
    start = time.perf_counter()
    headers = {
        "X-OpenRosa-Version": "1.0",
        "Content-Type": f"multipart/form-data; boundary={BOUNDARY}",
    }

    def worker() -> None:
        with httpx.Client(base_url=base, timeout=60) as client:
            while True:
                try:
                    due, target, payload = queue.get_nowait()
                except Empty:
                    return
                wait = start + due - time.perf_counter()
                if wait > 0:
                    time.sleep(wait)
                method, path = target.split(" ", 1)
                sends = 1
                if payload is not None and path.endswith("#retry"):
                    path, sends = path[: -len("#retry")], 2
                for _ in range(sends):
                    t0 = time.perf_counter()
                    try:
                        h = dict(headers, Date=time.strftime("%a, %d %b %Y %H:%M:%S GMT",
                                                             time.gmtime()))  # fmt: skip
                        r = client.request(method, path, content=payload, headers=h)
                        code = r.status_code
                    except httpx.HTTPError as exc:
                        code = -1
                        with lock:
                            errors.append(type(exc).__name__)
                    with lock:
                        latencies.append(time.perf_counter() - t0)
                        codes[code] = codes.get(code, 0) + 1

    threads = [threading.Thread(target=worker) for _ in range(clients)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return {"codes": codes, "lat": latencies, "elapsed": time.perf_counter() - start,
            "errors": errors}  # fmt: skip


def server_cpu_seconds(master: int) -> float:
    """User + system CPU of the gunicorn workers (children of the master), in seconds."""
    total = 0.0
    try:
        children = Path(f"/proc/{master}/task/{master}/children").read_text().split()
    except OSError:
        return float("nan")
    tick = os.sysconf("SC_CLK_TCK")
    for pid in children:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        total += (int(fields[11]) + int(fields[12])) / tick
    return total


def insert_floor(url: str, n: int) -> float:
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute("DROP TABLE IF EXISTS bench_floor")
        conn.execute(
            "CREATE UNLOGGED TABLE bench_floor (id bigserial primary key, form_id int, "
            "instance_id varchar(255), xml text, xml_sha256 varchar(64), "
            "UNIQUE (form_id, instance_id))"
        )
        conn.execute("ALTER TABLE bench_floor SET LOGGED")
        t0 = time.perf_counter()
        for _ in range(n):
            conn.execute(
                "INSERT INTO bench_floor (form_id, instance_id, xml, xml_sha256) "
                "VALUES (1, %s, %s, %s)", [f"uuid:{uuid.uuid4()}", "x" * 400, "0" * 64]
            )  # fmt: skip
        elapsed = time.perf_counter() - t0
        conn.execute("DROP TABLE bench_floor")
    return n / elapsed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database-url", default=os.environ.get("DATABASE_URL", DEFAULT_URL))
    parser.add_argument("--n", type=int, default=3000)
    parser.add_argument("--rate", type=float, default=100.0, help="per second; 0 = unpaced")
    parser.add_argument("--retries", type=float, default=0.10)
    parser.add_argument("--workers", type=int, default=3, help="gunicorn workers")
    parser.add_argument("--threads", type=int, default=4, help="threads per worker (gthread)")
    parser.add_argument("--clients", type=int, default=24, help="client threads")
    parser.add_argument("--seed", type=int, default=17)
    args = parser.parse_args()
    random.seed(args.seed)

    load_before = f"{os.getloadavg()[0]:.1f}"
    ensure_database(args.database_url)
    env = dict(os.environ, DATABASE_URL=args.database_url, DEBUG="1", HUEY_IMMEDIATE="1",
               PYTHONPATH=str(ROOT), ALLOWED_HOSTS="127.0.0.1,localhost")  # fmt: skip
    py = sys.executable
    # Fixed arguments: this interpreter, the project's manage module, our own snippet.
    subprocess.run([py, "-m", "caminantes", "migrate", "--noinput", "-v", "0"],  # noqa: S603
                   env=env, cwd=ROOT, check=True)  # fmt: skip
    out = subprocess.run([py, "-m", "caminantes", "shell", "-c", SETUP],  # noqa: S603
                         env=env, cwd=ROOT, check=True, capture_output=True,
                         text=True).stdout  # fmt: skip
    token = next(line.split()[1] for line in out.splitlines() if line.startswith("TOKEN"))
    form_pk = int(next(line.split()[1] for line in out.splitlines() if line.startswith("FORM")))

    port = free_port()
    gunicorn = str(Path(py).with_name("gunicorn"))
    server = subprocess.Popen(  # noqa: S603
        [gunicorn, "caminantes.wsgi", "-w", str(args.workers), "-k", "gthread", "--threads",
         str(args.threads), "-b", f"127.0.0.1:{port}",
         "--log-level", "warning"], env=env, cwd=ROOT,
    )  # fmt: skip
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(120):
            try:
                if httpx.get(f"{base}/collect/key/{token}/formList").status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            time.sleep(0.5)
        else:
            raise SystemExit("the server did not start")
        path = f"/collect/key/{token}/submission"
        interval = 1 / args.rate if args.rate > 0 else 0.0
        ids = [f"uuid:{uuid.uuid4()}" for _ in range(args.n)]
        retried = set(random.sample(range(args.n), int(args.n * args.retries)))
        jobs = [
            (i * interval, f"POST {path}" + ("#retry" if i in retried else ""), body(ids[i], i))
            for i in range(args.n)
        ]
        cpu0 = server_cpu_seconds(server.pid)
        load = run_pool(jobs, args.clients, base)
        cpu = server_cpu_seconds(server.pid) - cpu0
        floor_jobs = [(i * interval, f"HEAD {path}", None) for i in range(min(args.n, 1000))]
        trivial = run_pool(floor_jobs, args.clients, base)
    finally:
        server.terminate()
        server.wait(timeout=30)

    with psycopg.connect(args.database_url) as conn:
        rows, distinct = conn.execute(
            "SELECT count(*), count(DISTINCT instance_id) FROM collect_submission "
            "WHERE form_id=%s", [form_pk]
        ).fetchone()  # fmt: skip
        stored = {r[0] for r in conn.execute(
            "SELECT instance_id FROM collect_submission WHERE form_id=%s", [form_pk])}  # fmt: skip
    lost = len(set(ids) - stored)
    duplicated = rows - distinct
    inserts = insert_floor(args.database_url, args.n)

    achieved = args.n / load["elapsed"]
    codes = load["codes"]
    print()
    print(f"OpenRosa submissions: N={args.n}, target {args.rate:g}/s, {len(retried)} re-sent "
          f"({args.retries:.0%}), gunicorn {args.workers} workers x {args.threads} threads, "
          f"{args.clients} client threads, {os.cpu_count()} CPUs (shared)")  # fmt: skip
    print(f"load average before/after: {load_before} / {os.getloadavg()[0]:.1f}")
    print(f"{'measure':<44}{'value':>14}")
    print("-" * 58)
    head_rate = f"{len(trivial['lat']) / trivial['elapsed']:.1f}"
    if args.rate:
        head_rate += " (paced)"
    table = [
        ("submissions per second achieved", f"{achieved:.1f}"),
        ("requests per second (with re-sends)", f"{sum(codes.values()) / load['elapsed']:.1f}"),
        ("latency p50 (ms)", f"{statistics.median(load['lat']) * 1000:.1f}"),
        ("latency p95 (ms)", f"{pct(load['lat'], 95) * 1000:.1f}"),
        ("answers 201 created", str(codes.get(201, 0))),
        ("answers 202 already here", str(codes.get(202, 0))),
        ("other answers / errors", str(sum(v for k, v in codes.items() if k not in (201, 202)))),
        ("rows stored (should be N)", str(rows)),
        ("lost (sent, not stored)", str(lost)),
        ("duplicated (rows - distinct ids)", str(duplicated)),
        ("server CPU per submission (ms, workers only)", f"{cpu / args.n * 1000:.1f}"),
        ("floor: bare INSERTs/s, psycopg, 1 conn", f"{inserts:.1f}"),
        ("floor: HEAD /submission/s (same pool)", head_rate),
        ("floor: HEAD p50 (ms)", f"{statistics.median(trivial['lat']) * 1000:.1f}"),
    ]  # fmt: skip
    for name, value in table:
        print(f"{name:<44}{value:>14}")
    if load["errors"]:
        print("client errors:", sorted(set(load["errors"])))


if __name__ == "__main__":
    main()
