"""OpenRosa submissions under load: the issue's "100 submissions per second sustained on 2
cores against PostgreSQL, with zero lost and zero duplicated under 10 % injected retries".

Starts a real server (gunicorn, gthread workers on a free port, the production settings)
on a PostgreSQL database (created and migrated when missing), uploads a small form and
creates an app user, then posts N submissions the way ODK Collect does (multipart with
xml_submission_file, X-OpenRosa-Version, Date) at --rate per second (0: as fast as the
connections go). A fraction --retries of them is sent a second time with the same
content, as a device does when the first answer was lost. Then it counts the answers (201
new, 202 already here), and the database: exactly N submissions of the form (and the
warm-up's), distinct instance ids, each sent id present.

The client is kept light, so that the number measures the server on the same two cores:
every request body is built before the timed phase, and each of --clients threads keeps
one HTTP/1.1 connection open (http.client, keep-alive) and sends its requests on it.
Reported beside the rate: how late the sends started against the schedule (the client
keeping up), the CPU per submission of the gunicorn workers, of PostgreSQL's backends for
this database, and of this client.

Floors, measured in the same run: the same number of bare INSERTs (one transaction each,
one connection) into a table with the same unique constraint over psycopg, and the
server's cheapest authenticated OpenRosa call (HEAD /submission: token look-up, 204) from
the same connections.

    python bench/collect/submission_bench.py --n 3000 --rate 100
    python bench/collect/submission_bench.py --n 3000 --rate 0       # the ceiling
"""

from __future__ import annotations

import argparse
import http.client
import os
import random
import socket
import statistics
import subprocess
import sys
import threading
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from queue import Empty, Queue
from urllib.parse import urlparse

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
WARM = 60  # submissions sent before the timed phase (imports, connections, caches)


def ensure_database(url: str) -> None:
    parsed = urlparse(url)
    name = parsed.path.lstrip("/")
    admin = url.replace(parsed.path, "/postgres")
    with psycopg.connect(admin, autocommit=True) as conn:
        if not conn.execute("SELECT 1 FROM pg_database WHERE datname=%s", [name]).fetchone():
            conn.execute(f'CREATE DATABASE "{name}"')


def server_env(url: str, debug: bool = False) -> dict[str, str]:
    """The server's environment: the production settings (DEBUG off, behind a TLS proxy that
    says X-Forwarded-Proto: https), with throwaway keys of the right shapes; processing runs
    inline after the commit (HUEY_IMMEDIATE), so that its CPU is counted too. `debug`: DEBUG
    on, as the first runs were (Django then keeps every statement's SQL and timing)."""
    env = dict(os.environ, DATABASE_URL=url, HUEY_IMMEDIATE="1", PYTHONPATH=str(ROOT),
               ALLOWED_HOSTS="127.0.0.1,localhost,testserver", LOG_LEVEL="WARNING")  # fmt: skip
    if debug:
        env["DEBUG"] = "1"
        return env
    env.pop("DEBUG", None)
    env.update(
        SECRET_KEY="bench-secret-key-" + "s" * 50,
        FIELD_ENCRYPTION_KEYS="Y2FtaW5hbnRlcyBiZW5jaCBmaWVsZCBrZXksIDMyYi4=",
        PROTECTION_ENCRYPTION_KEYS="Y2FtaW5hbnRlcyBiZW5jaCBwcm90ZWN0aW9uIGtleSE=",
        AUDIT_HMAC_KEY="bench-audit-key-" + "a" * 50,
        TRUST_X_FORWARDED_PROTO="1",
    )  # fmt: skip
    return env


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


@dataclass(frozen=True)
class Job:
    due: float  # seconds after the start
    method: str
    path: str
    payload: bytes | None = None
    sends: int = 1  # 2: sent again once answered, the same bytes (a device's retry)


@dataclass
class Outcome:
    codes: dict[int, int] = field(default_factory=dict)
    latencies: list[float] = field(default_factory=list)
    late: list[float] = field(default_factory=list)  # send started after its due time by
    errors: list[str] = field(default_factory=list)
    elapsed: float = 0.0
    client_cpu: float = 0.0


def run_pool(jobs: list[Job], clients: int, port: int) -> Outcome:
    """Each client thread keeps one connection and takes the next job when it is free."""
    queue: Queue[Job] = Queue()
    for job in jobs:
        queue.put(job)
    out = Outcome()
    lock = threading.Lock()
    headers = {
        "X-OpenRosa-Version": "1.0",
        "Content-Type": f"multipart/form-data; boundary={BOUNDARY}",
        "X-Forwarded-Proto": "https",  # the TLS proxy's word (TRUST_X_FORWARDED_PROTO)
    }
    connected, go = threading.Barrier(clients + 1), threading.Event()
    start = 0.0

    def worker() -> None:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        conn.connect()
        connected.wait()
        go.wait()
        codes: dict[int, int] = {}
        latencies: list[float] = []
        late: list[float] = []
        errors: list[str] = []
        while True:
            try:
                job = queue.get_nowait()
            except Empty:
                break
            wait = start + job.due - time.perf_counter()
            if wait > 0:
                time.sleep(wait)
            late.append(max(0.0, -wait))
            for _ in range(job.sends):
                h = dict(headers, Date=time.strftime("%a, %d %b %Y %H:%M:%S GMT", time.gmtime()))
                t0 = time.perf_counter()
                try:
                    conn.request(job.method, job.path, body=job.payload, headers=h)
                    response = conn.getresponse()
                    response.read()
                    code = response.status
                except (OSError, http.client.HTTPException) as exc:
                    code = -1
                    errors.append(type(exc).__name__)
                    conn.close()  # a new connection for the next request
                latencies.append(time.perf_counter() - t0)
                codes[code] = codes.get(code, 0) + 1
        conn.close()
        with lock:
            for code, n in codes.items():
                out.codes[code] = out.codes.get(code, 0) + n
            out.latencies.extend(latencies)
            out.late.extend(late)
            out.errors.extend(errors)

    threads = [threading.Thread(target=worker) for _ in range(clients)]
    for t in threads:
        t.start()
    connected.wait()
    cpu0, start = time.process_time(), time.perf_counter()
    go.set()
    for t in threads:
        t.join()
    out.elapsed = time.perf_counter() - start
    out.client_cpu = time.process_time() - cpu0
    return out


def cpu_of(pid: int | str) -> float:
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def machine_cpu() -> tuple[float, float]:
    """(busy, total) CPU seconds of the whole machine so far, all cores (/proc/stat)."""
    fields = [int(x) for x in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
    idle = fields[3] + fields[4]  # idle, iowait
    tick = os.sysconf("SC_CLK_TCK")
    return (sum(fields) - idle) / tick, sum(fields) / tick


def server_cpu_seconds(master: int) -> float:
    """User + system CPU of the gunicorn workers (children of the master), in seconds."""
    try:
        children = Path(f"/proc/{master}/task/{master}/children").read_text().split()
    except OSError:
        return float("nan")
    return sum(cpu_of(pid) for pid in children)


def postgres_cpu(url: str) -> dict[int, float]:
    """CPU seconds of each PostgreSQL backend connected to this database (not this one)."""
    name = urlparse(url).path.lstrip("/")
    with psycopg.connect(url, autocommit=True) as conn:
        pids = [r[0] for r in conn.execute(
            "SELECT pid FROM pg_stat_activity WHERE datname = %s AND pid <> pg_backend_pid()",
            [name])]  # fmt: skip
    return {pid: cpu_of(pid) for pid in pids}


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


def start_server(args: argparse.Namespace, env: dict[str, str], port: int) -> subprocess.Popen:
    gunicorn = str(Path(sys.executable).with_name("gunicorn"))
    return subprocess.Popen(  # noqa: S603 - our own virtualenv's gunicorn
        [gunicorn, "caminantes.wsgi", "-w", str(args.workers), "-k", "gthread", "--threads",
         str(args.threads), "--keep-alive", "75", "-b", f"127.0.0.1:{port}",
         "--log-level", "warning"], env=env, cwd=ROOT,
    )  # fmt: skip


def wait_for(port: int, token: str) -> None:
    for _ in range(120):
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
            conn.request("GET", f"/collect/key/{token}/formList",
                         headers={"X-Forwarded-Proto": "https"})  # fmt: skip
            if conn.getresponse().status == 200:
                return
        except OSError:
            pass
        time.sleep(0.5)
    raise SystemExit("the server did not start")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database-url", default=os.environ.get("DATABASE_URL", DEFAULT_URL))
    parser.add_argument("--n", type=int, default=3000)
    parser.add_argument("--rate", type=float, default=100.0, help="per second; 0 = unpaced")
    parser.add_argument("--retries", type=float, default=0.10)
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers")
    parser.add_argument("--threads", type=int, default=4, help="threads per worker (gthread)")
    parser.add_argument("--clients", type=int, default=8, help="client connections (threads)")
    parser.add_argument("--debug", action="store_true", help="the server with DEBUG on")
    parser.add_argument("--seed", type=int, default=17)
    args = parser.parse_args()
    random.seed(args.seed)

    load_before = " ".join(f"{x:.2f}" for x in os.getloadavg())
    ensure_database(args.database_url)
    env = server_env(args.database_url, args.debug)
    py = sys.executable
    # Fixed arguments: this interpreter, the project's manage module, our own snippet.
    subprocess.run([py, "-m", "caminantes", "migrate", "--noinput", "-v", "0"],  # noqa: S603
                   env=env, cwd=ROOT, check=True)  # fmt: skip
    out = subprocess.run([py, "-m", "caminantes", "shell", "-c", SETUP],  # noqa: S603
                         env=env, cwd=ROOT, check=True, capture_output=True,
                         text=True).stdout  # fmt: skip
    token = next(line.split()[1] for line in out.splitlines() if line.startswith("TOKEN"))
    form_pk = int(next(line.split()[1] for line in out.splitlines() if line.startswith("FORM")))

    # Everything the client sends is built before anything is timed.
    path = f"/collect/key/{token}/submission"
    interval = 1 / args.rate if args.rate > 0 else 0.0
    warm_ids = [f"uuid:{uuid.uuid4()}" for _ in range(WARM)]
    warm = [Job(0.0, "POST", path, body(iid, i)) for i, iid in enumerate(warm_ids)]
    ids = [f"uuid:{uuid.uuid4()}" for _ in range(args.n)]
    retried = set(random.sample(range(args.n), int(args.n * args.retries)))
    jobs = [Job(i * interval, "POST", path, body(ids[i], i), 2 if i in retried else 1)
            for i in range(args.n)]  # fmt: skip
    floor_jobs = [Job(i * interval, "HEAD", path) for i in range(min(args.n, 1000))]

    port = free_port()
    server = start_server(args, env, port)
    try:
        wait_for(port, token)
        warmed = run_pool(warm, args.clients, port)
        cpu0, pg0 = server_cpu_seconds(server.pid), postgres_cpu(args.database_url)
        busy0, total0 = machine_cpu()
        load = run_pool(jobs, args.clients, port)
        busy1, total1 = machine_cpu()
        cpu = server_cpu_seconds(server.pid) - cpu0
        pg1 = postgres_cpu(args.database_url)
        pg_cpu = sum(seconds - pg0.get(pid, 0.0) for pid, seconds in pg1.items())
        load_after = " ".join(f"{x:.2f}" for x in os.getloadavg())
        trivial = run_pool(floor_jobs, args.clients, port)
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
    lost = len(set(ids) - stored) + len(set(warm_ids) - stored)
    duplicated = rows - distinct
    inserts = insert_floor(args.database_url, args.n)

    achieved = args.n / load.elapsed
    machine = busy1 - busy0  # everything: ours, the kernel's, other users' work
    busy = machine / (total1 - total0) if total1 > total0 else float("nan")
    other = max(0.0, machine - cpu - pg_cpu - load.client_cpu)
    codes = load.codes
    print()
    settings = "DEBUG" if args.debug else "production settings"
    print(f"OpenRosa submissions: N={args.n} (+{WARM} warm-up, untimed), target "
          f"{args.rate:g}/s, {len(retried)} re-sent ({args.retries:.0%}), gunicorn "
          f"{args.workers} workers x {args.threads} threads ({settings}), {args.clients} "
          f"client connections, {os.cpu_count()} CPUs (shared)")  # fmt: skip
    print(f"load average (1, 5, 15 min) before: {load_before}; after the timed phase: "
          f"{load_after}")  # fmt: skip
    print(f"{'measure':<50}{'value':>14}")
    print("-" * 64)
    head_rate = f"{len(trivial.latencies) / trivial.elapsed:.1f}"
    if args.rate:
        head_rate += " (paced)"
    table = [
        ("submissions per second achieved", f"{achieved:.1f}"),
        ("requests per second (with re-sends)", f"{sum(codes.values()) / load.elapsed:.1f}"),
        ("latency p50 (ms)", f"{statistics.median(load.latencies) * 1000:.1f}"),
        ("latency p95 (ms)", f"{pct(load.latencies, 95) * 1000:.1f}"),
        ("latency p99 (ms)", f"{pct(load.latencies, 99) * 1000:.1f}"),
        ("sends started late, p95 (ms; client keeping up)",
         f"{pct(load.late, 95) * 1000:.1f}" if args.rate else "unpaced"),
        ("answers 201 created", str(codes.get(201, 0))),
        ("answers 202 already here", str(codes.get(202, 0))),
        ("other answers / errors", str(sum(v for k, v in codes.items() if k not in (201, 202)))),
        ("rows stored (should be N + warm-up)", f"{rows} / {args.n + WARM}"),
        ("lost (sent, not stored)", str(lost)),
        ("duplicated (rows - distinct ids)", str(duplicated)),
        ("server CPU per submission (ms, gunicorn workers)", f"{cpu / args.n * 1000:.2f}"),
        ("PostgreSQL CPU per submission (ms, its backends)", f"{pg_cpu / args.n * 1000:.2f}"),
        ("client CPU per submission (ms, this process)", f"{load.client_cpu / args.n * 1000:.2f}"),
        ("all CPU busy per submission (ms, whole machine)", f"{machine / args.n * 1000:.2f}"),
        ("  of which not ours (other users, the kernel)", f"{other / args.n * 1000:.2f}"),
        ("machine busy during the timed phase (of all cores)", f"{busy:.0%}"),
        ("floor: bare INSERTs/s, psycopg, 1 conn", f"{inserts:.1f}"),
        ("floor: HEAD /submission/s (same connections)", head_rate),
        ("floor: HEAD p50 (ms)", f"{statistics.median(trivial.latencies) * 1000:.1f}"),
    ]  # fmt: skip
    for name, value in table:
        print(f"{name:<50}{value:>14}")
    if load.errors or warmed.errors:
        print("client errors:", sorted(set(load.errors + warmed.errors)))
    if warmed.codes.get(201, 0) != WARM:
        print("warm-up answers:", warmed.codes)


if __name__ == "__main__":
    main()
