"""Reconciling a warehouse with 1,000,000 ledger movements (assistance issue, speed).

    nice .venv/bin/python bench/assistance/reconcile_bench.py --movements 1000000

Against DATABASE_URL (default postgres://postgres@127.0.0.1:5432/caminantes_bench_reconcile;
created and migrated when missing). If the bench warehouse holds fewer movements than asked,
the missing ones are generated in SQL (INSERT ... SELECT FROM generate_series, no ORM):
receipts, transfers both ways, returns, issues, losses and count adjustments of the seeded
catalogue's items in 25 lots each, spread over three years; other warehouses of the same
organisation get `--others` movements so that the ledger is not one warehouse's alone. The
balance rows are then written from the ledger's sums, and one of them is put off by 7 units
on purpose: reconciliation must find exactly that one (`found`).

Then it times, as the warehouse's distribution officer (grants recomputed, as in a new
request): `selectors.reconcile` (balances vs. the sum of the ledger, what the warehouse page
shows) behind the policy door, beside the bare SQL of the same comparison; and the stock
report of the assistance reports (opening, in, out, counts, closing per item, and per lot)
for a month and for the whole three years, beside its bare SQL. Prints p50/p95/max and the
target. Not a test: run it by hand, niced on a shared machine.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from collections.abc import Callable
from datetime import date, timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/caminantes_bench_reconcile"
TARGET_MS = 5000.0
BENCH_USER = "bench.stock@bench.invalid"
WAREHOUSE = "Bench 1M"
YEARS = 3
LOTS = 25
OFF_BY = 7


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--movements", type=int, default=1_000_000)
    parser.add_argument("--others", type=int, default=1_000_000,
                        help="movements in the organisation's other warehouses")  # fmt: skip
    parser.add_argument("--runs", type=int, default=10)
    parser.add_argument("--database-url", default=os.environ.get("DATABASE_URL", DEFAULT_URL))
    args = parser.parse_args()

    _ensure_database(args.database_url)
    _setup_django(args.database_url)
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    user, warehouse, others = _fixtures()
    started = time.perf_counter()
    loaded = _load(warehouse, args.movements, seed=1)
    per_other = args.others // len(others)
    for i, other in enumerate(others):
        loaded += _load(other, per_other, seed=2 + i)
    if loaded:
        _balances_from_ledger()
        _analyze()
        print(f"loaded {loaded:,} movements in {time.perf_counter() - started:.0f} s")
    _print_sizes(warehouse)
    rows = _bench(user, warehouse, args.runs)
    _print_table(rows)


# --- set-up ------------------------------------------------------------------------------


def _ensure_database(url: str) -> None:
    import dj_database_url
    import psycopg
    from psycopg import sql

    cfg = dj_database_url.parse(url)
    if "postgresql" not in cfg["ENGINE"]:
        raise SystemExit("This benchmark needs PostgreSQL (DATABASE_URL=postgres://...).")
    params = {
        "host": cfg.get("HOST") or None,
        "port": cfg.get("PORT") or None,
        "user": cfg.get("USER") or None,
        "password": cfg.get("PASSWORD") or None,
    }
    with psycopg.connect(dbname="postgres", autocommit=True, **params) as conn:
        exists = conn.execute(
            "SELECT 1 FROM pg_database WHERE datname = %s", [cfg["NAME"]]
        ).fetchone()
        if not exists:
            conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(cfg["NAME"])))
            print(f"created database {cfg['NAME']}")


def _setup_django(url: str) -> None:
    os.environ["DATABASE_URL"] = url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "caminantes.settings")
    os.environ.setdefault("DEBUG", "1")  # development keys; DEBUG itself is switched off below
    import django
    from django.conf import settings

    django.setup()
    settings.DEBUG = False  # no query log kept in memory


def _fixtures() -> tuple[Any, Any, list[Any]]:
    """FFS in Colombia, its distribution officer, the bench warehouse and three others."""
    from caminantes.accounts import services as accounts
    from caminantes.accounts.models import Organization, User
    from caminantes.accounts.permissions import Role
    from caminantes.assistance import services
    from caminantes.assistance.models import Warehouse
    from caminantes.geo.models import Country

    country = Country.objects.filter(iso2="CO").first()
    if country is None:
        from caminantes.geo.services import places_load

        places_load()
        country = Country.objects.get(iso2="CO")
    org = Organization.objects.filter(acronym="FFS").first() or accounts.organization_create(
        actor=None, name="Fundación Frontera Solidaria", acronym="FFS", type="ngo",
        countries=[country],
    )  # fmt: skip
    user = User.objects.filter(email=BENCH_USER).first()
    if user is None:
        user = accounts.user_create(
            actor=None, email=BENCH_USER, full_name="Bench Bodega", password=None
        )
        accounts.membership_add(
            actor=None, user=user, organization=org, role=Role.DISTRIBUTION_OFFICER,
            countries=[country],
        )  # fmt: skip

    def warehouse(name: str) -> Any:
        return Warehouse.objects.filter(
            organization=org, country=country, name=name
        ).first() or services.warehouse_create(
            actor=user, organization=org, country=country, name=name
        )

    return user, warehouse(WAREHOUSE), [warehouse(f"Bench other {i}") for i in range(1, 4)]


def _load(warehouse: Any, target: int, *, seed: int) -> int:
    """Movements up to `target` in `warehouse`, generated in SQL. Receipts outweigh what
    goes out, so no lot ends below zero (checked when the balances are written)."""
    from django.db import connection, transaction

    from caminantes.assistance.models import Item, StockMovement

    have = StockMovement.objects.filter(warehouse=warehouse).count()
    missing = target - have
    if missing <= 0:
        return 0
    items = list(Item.objects.order_by("pk").values_list("pk", flat=True))
    first = date.today() - timedelta(days=365 * YEARS)
    step = 200_000
    done = 0
    while done < missing:
        n = min(step, missing - done)
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute("SELECT setseed(%s)", [((seed * 7919 + have + done) % 10_000) / 10_000])
            cursor.execute(
                """
                INSERT INTO assistance_stockmovement
                    (uuid, warehouse_id, item_id, lot, expires_on, kind, quantity, source,
                     reason, note, transfer_id, request_id, actor_id, created_at)
                SELECT gen_random_uuid(), %(warehouse)s, items[1 + (r.i * 7) %% cardinality(items)],
                       'L' || ((r.i / 7) %% %(lots)s), NULL, k.kind,
                       CASE k.kind
                         WHEN 'receipt' THEN 100 + floor(random() * 400)::int
                         WHEN 'transfer_in' THEN 50 + floor(random() * 150)::int
                         WHEN 'return' THEN 1 + floor(random() * 10)::int
                         WHEN 'issue' THEN -(1 + floor(random() * 20)::int)
                         WHEN 'transfer_out' THEN -(10 + floor(random() * 40)::int)
                         WHEN 'loss' THEN -(1 + floor(random() * 5)::int)
                         ELSE (CASE WHEN random() < 0.5 THEN -1 ELSE 1 END)
                              * (1 + floor(random() * 3)::int)
                       END,
                       CASE WHEN k.kind = 'receipt' THEN 'ECHO' ELSE '' END,
                       CASE WHEN k.kind = 'loss' THEN 'damaged' ELSE '' END,
                       '', NULL, NULL, NULL,
                       %(first)s::timestamptz + random() * %(days)s * interval '1 day'
                FROM (SELECT g AS i, random() AS x FROM generate_series(%(start)s, %(stop)s) g) r,
                     LATERAL (SELECT CASE
                         WHEN r.x < 0.20 THEN 'receipt' WHEN r.x < 0.25 THEN 'transfer_in'
                         WHEN r.x < 0.30 THEN 'return' WHEN r.x < 0.80 THEN 'issue'
                         WHEN r.x < 0.85 THEN 'transfer_out' WHEN r.x < 0.90 THEN 'loss'
                         ELSE 'count' END AS kind) k,
                     (SELECT %(items)s::int[] AS items) c
                """,
                {
                    "warehouse": warehouse.pk, "items": items, "lots": LOTS,
                    "first": first.isoformat(), "days": 365 * YEARS,
                    "start": have + done + 1, "stop": have + done + n,
                },
            )  # fmt: skip
        done += n
        print(f"  … {warehouse.name}: {have + done:,} movements", flush=True)
    return missing


def _balances_from_ledger() -> None:
    """One balance row per warehouse, item and lot with the ledger's sum, as the services
    keep them; then one bench lot is put off on purpose, for reconciliation to find."""
    from django.db import connection, transaction

    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("DELETE FROM assistance_stockbalance")
        # A small run can take a lot below zero: an earlier receipt makes up for it.
        cursor.execute(
            """
            INSERT INTO assistance_stockmovement
                (uuid, warehouse_id, item_id, lot, expires_on, kind, quantity, source, reason,
                 note, transfer_id, request_id, actor_id, created_at)
            SELECT gen_random_uuid(), warehouse_id, item_id, lot, NULL, 'receipt',
                   100 - sum(quantity), 'ECHO', '', 'opening stock', NULL, NULL, NULL,
                   min(created_at) - interval '1 hour'
            FROM assistance_stockmovement GROUP BY warehouse_id, item_id, lot
            HAVING sum(quantity) < 0
            """
        )
        cursor.execute(
            """
            INSERT INTO assistance_stockbalance (warehouse_id, item_id, lot, expires_on, quantity)
            SELECT warehouse_id, item_id, lot, NULL, sum(quantity)
            FROM assistance_stockmovement GROUP BY warehouse_id, item_id, lot
            """
        )
        cursor.execute(
            """
            UPDATE assistance_stockbalance SET quantity = quantity + %s
            WHERE id = (SELECT b.id FROM assistance_stockbalance b
                        JOIN assistance_warehouse w ON w.id = b.warehouse_id
                        WHERE w.name = %s ORDER BY b.id LIMIT 1)
            """,
            [OFF_BY, WAREHOUSE],
        )


def _analyze() -> None:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("VACUUM (ANALYZE) assistance_stockmovement")
        cursor.execute("VACUUM (ANALYZE) assistance_stockbalance")


def _print_sizes(warehouse: Any) -> None:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FILTER (WHERE warehouse_id = %s), count(*), "
            "pg_size_pretty(pg_total_relation_size('assistance_stockmovement')) "
            "FROM assistance_stockmovement",
            [warehouse.pk],
        )
        mine, total, size = cursor.fetchone()
        cursor.execute(
            "SELECT count(*) FROM assistance_stockbalance WHERE warehouse_id = %s", [warehouse.pk]
        )
        (lots,) = cursor.fetchone()
    print(f"ledger: {mine:,} movements in the bench warehouse ({lots} lots), {total:,} in all, "
          f"{size} with indexes; load average {os.getloadavg()[0]:.1f}")  # fmt: skip


# --- timing ------------------------------------------------------------------------------

RECONCILE_SQL = """
    SELECT coalesce(l.item_id, b.item_id), coalesce(l.lot, b.lot),
           coalesce(b.quantity, 0), coalesce(l.total, 0)
    FROM (SELECT item_id, lot, sum(quantity) AS total FROM assistance_stockmovement
          WHERE warehouse_id = %(w)s GROUP BY item_id, lot) l
    FULL JOIN (SELECT item_id, lot, quantity FROM assistance_stockbalance
               WHERE warehouse_id = %(w)s) b ON b.item_id = l.item_id AND b.lot = l.lot
    WHERE coalesce(b.quantity, 0) <> coalesce(l.total, 0)
"""

REPORT_SQL = """
    SELECT item_id, {lot}
      sum(quantity) FILTER (WHERE created_at < %(since)s),
      sum(quantity) FILTER (WHERE created_at >= %(since)s AND kind = 'receipt'),
      sum(quantity) FILTER (WHERE created_at >= %(since)s AND kind = 'transfer_in'),
      sum(quantity) FILTER (WHERE created_at >= %(since)s AND kind = 'return'),
      sum(quantity) FILTER (WHERE created_at >= %(since)s AND kind = 'issue'),
      sum(quantity) FILTER (WHERE created_at >= %(since)s AND kind = 'transfer_out'),
      sum(quantity) FILTER (WHERE created_at >= %(since)s AND kind = 'loss'),
      sum(quantity) FILTER (WHERE created_at >= %(since)s AND kind = 'count'),
      sum(quantity)
    FROM assistance_stockmovement WHERE warehouse_id = %(w)s AND created_at < %(until)s
    GROUP BY item_id {group}
"""


def _timed(fn: Callable[[], Any]) -> tuple[float, Any]:
    start = time.perf_counter()
    result = fn()
    return (time.perf_counter() - start) * 1000, result


def _bench(user: Any, warehouse: Any, runs: int) -> list[tuple[str, list[float], list[float], str]]:
    from django.db import connection
    from django.utils import timezone

    from caminantes.accounts import policies
    from caminantes.assistance import selectors
    from caminantes.assistance.reports.periods import Period
    from caminantes.assistance.reports.stock import stock_report

    today = timezone.localdate()
    periods = {
        "a month": Period(today - timedelta(days=30), today),
        f"{YEARS} years": Period(today - timedelta(days=365 * YEARS), today),
    }
    rows = []
    with connection.cursor() as cursor:

        def reconcile() -> Any:
            policies.forget_grants(user)
            found = selectors.get_warehouse_for_user(user=user, uuid=warehouse.uuid)
            return selectors.reconcile(found)

        def reconcile_floor() -> Any:
            cursor.execute(RECONCILE_SQL, {"w": warehouse.pk})
            return cursor.fetchall()

        ours, floor = _repeat(reconcile, reconcile_floor, runs)
        found = reconcile()
        ok = len(found) == 1 and found[0].balance - found[0].ledger == OFF_BY
        rows.append(("reconcile", ours, floor, "1 of 1" if ok else f"WRONG {found!r}"[:40]))
        for label, period in periods.items():
            for by_lot in (False, True):

                def report(period: Period = period, by_lot: bool = by_lot) -> Any:
                    policies.forget_grants(user)
                    found = selectors.get_warehouse_for_user(user=user, uuid=warehouse.uuid)
                    return stock_report(found, period, by_lot=by_lot)

                def report_floor(period: Period = period, by_lot: bool = by_lot) -> Any:
                    sql = REPORT_SQL.format(
                        lot="lot," if by_lot else "", group=", lot" if by_lot else ""
                    )
                    cursor.execute(
                        sql, {"w": warehouse.pk, "since": period.since, "until": period.until}
                    )
                    return cursor.fetchall()

                ours, floor = _repeat(report, report_floor, runs)
                lines = report()
                balanced = all(
                    x.opening + x.total_in - x.total_out + x.counts == x.closing for x in lines
                )
                name = f"stock report, {label}, per {'lot' if by_lot else 'item'}"
                rows.append((name, ours, floor, f"{len(lines)} lines" + ("" if balanced else " !")))
    return rows


def _repeat(
    ours: Callable[[], Any], floor: Callable[[], Any], runs: int
) -> tuple[list[float], list[float]]:
    ours(), floor()  # warm the caches, untimed
    a, b = [], []
    for _ in range(runs):
        a.append(_timed(ours)[0])
        b.append(_timed(floor)[0])
    return a, b


def _pct(values: list[float], q: int) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q / 100 * (len(ordered) - 1)))]


def _print_table(rows: list[tuple[str, list[float], list[float], str]]) -> None:
    header = (
        f"{'measure':38} {'runs':>4} {'p50 ms':>8} {'p95 ms':>8} {'max ms':>8} "
        f"{'floor p50':>10} {'floor p95':>10} {'x p50':>6} {'found':>12} {'target':>9}"
    )
    print()
    print(header)
    print("-" * len(header))
    for name, ours, floor, found in rows:
        p50, p95, f50 = _pct(ours, 50), _pct(ours, 95), _pct(floor, 50)
        target = ""
        if name == "reconcile":
            target = f"<{TARGET_MS:,.0f} {'ok' if p95 < TARGET_MS else 'MISSED'}"
        print(
            f"{name:38} {len(ours):>4} {p50:>8.1f} {p95:>8.1f} {max(ours):>8.1f} "
            f"{f50:>10.1f} {_pct(floor, 95):>10.1f} {p50 / f50 if f50 else 0:>6.1f} "
            f"{found:>12} {target:>9}"
        )
    print(
        "\nours = through the policy door (warehouse looked up as its distribution officer, "
        "grants\nrecomputed) and the selector; floor = the bare SQL of the same computation "
        f"(mean of the\nfloor runs {statistics.mean(rows[0][2]):.1f} ms for reconcile). "
        f"Load average at the end: {os.getloadavg()[0]:.1f}."
    )


if __name__ == "__main__":
    main()
