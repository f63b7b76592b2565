"""The distribution desk at scale: find a family and hand over its kits, with 1,000,000
people in the registry and 5,000,000 lines in the stock ledger (assistance issue, speed).

    nice .venv/bin/python bench/assistance/desk_bench.py --people 1000000 --movements 5000000

Against DATABASE_URL (default postgres://postgres@127.0.0.1:5432/caminantes_bench_desk;
created and migrated when missing). The people are loaded as `bench/registry`'s search
bench loads them (its loader, the registry's own encryption and search keys), the ledger
as `reconcile_bench.py` writes it (SQL, spread over the desk's warehouse and three others
of the same organisation); a database that already holds them is reused.

Then, as the desk's distribution officer (grants recomputed, as in a new request), for
households picked at random in Colombia: the desk's look-up (`distribution.find_households`
with the focal point's name or document, as typed at the desk), the household's entitlement,
and the handover (`services_distribution.handover_record`: plan and household locked, the
kit's items issued lot by lot from the ledger, the service delivery and its people, the
timeline and the audit trail, one transaction). Beside each, in the same run, the floor:
the bare SQL of the same look-up (`bench/registry`'s floor: the search-key index or the
document hash), and the handover's rows written again by plain INSERTs in one committed
transaction (the balance rows updated as the handover did; the copies go to scratch tables
shaped like the real ones). Prints p50/p95 of each and the target (p95 < 200 ms for look-up
plus handover). Not a test: run it by hand, niced on a shared machine.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import statistics
import sys
import uuid
from datetime import timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench" / "registry"))
sys.path.insert(0, str(ROOT / "bench" / "assistance"))

import reconcile_bench as ledger  # noqa: E402  (a sibling benchmark: its ledger loader)
import search_register_bench as people  # noqa: E402  (its people loader and search floor)

DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/caminantes_bench_desk"
TARGET_MS = 200.0
DESK_USER = "bench.desk@bench.invalid"
DESK_WAREHOUSE = "Bench desk"
STOCK = 50_000  # units of each of the kit's items received for the run


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--people", type=int, default=1_000_000)
    parser.add_argument("--movements", type=int, default=5_000_000, help="ledger lines in all")
    parser.add_argument("--handovers", type=int, default=200)
    parser.add_argument("--seed", type=int, default=11)
    parser.add_argument("--database-url", default=os.environ.get("DATABASE_URL", DEFAULT_URL))
    args = parser.parse_args()

    people._ensure_database(args.database_url)
    people._setup_django(args.database_url)
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    fx = people._fixtures()
    people._load_people(args.people, fx, args.seed)
    from caminantes.registry.models import Person

    print(f"people: {Person.objects.count():,}")
    officer, warehouse, plan = _desk(fx)
    _ledger(warehouse, args.movements, args.seed)
    _stock(officer, warehouse, plan)
    rows = _bench(officer, plan, args.handovers, random.Random(args.seed))
    _print(rows)


# --- the world -------------------------------------------------------------------------


def _desk(fx: Any) -> tuple[Any, Any, Any]:
    """The desk's officer (IOM, Colombia), its warehouse and an open plan for everyone."""
    from django.utils import timezone

    from caminantes.accounts import services as accounts
    from caminantes.accounts.models import User
    from caminantes.accounts.permissions import Role
    from caminantes.assistance import services, services_distribution
    from caminantes.assistance.models import DistributionPlan, Kit, Warehouse
    from caminantes.geo.models import Place

    co = fx.countries["CO"]
    org = fx.organization
    officer = User.objects.filter(email=DESK_USER).first()
    if officer is None:
        officer = accounts.user_create(
            actor=None, email=DESK_USER, full_name="Bench Desk", password=None
        )
        accounts.membership_add(
            actor=None, user=officer, organization=org, role=Role.DISTRIBUTION_OFFICER,
            countries=[co],
        )  # fmt: skip
    warehouse = Warehouse.objects.filter(
        organization=org, country=co, name=DESK_WAREHOUSE
    ).first() or services.warehouse_create(
        actor=officer, organization=org, country=co, name=DESK_WAREHOUSE
    )
    plan = DistributionPlan.objects.filter(warehouse=warehouse).first()
    if plan is None:
        today = timezone.localdate()
        plan = services_distribution.plan_create(
            actor=officer, warehouse=warehouse, site=Place.objects.filter(country=co).first(),
            kit=Kit.objects.order_by("pk").first(), name="Bench desk plan",
            starts_on=today - timedelta(days=1), ends_on=today + timedelta(days=365),
            bands=[services_distribution.Band(1, 4, 1), services_distribution.Band(5, None, 2)],
            interval_days=30, status=DistributionPlan.Status.OPEN,
        )  # fmt: skip
    return officer, warehouse, plan


def _ledger(warehouse: Any, movements: int, seed: int) -> None:
    """`movements` ledger lines: a fifth in the desk's warehouse, the rest in three others."""
    from caminantes.assistance.models import StockMovement, Warehouse

    have = StockMovement.objects.count()
    if have < movements:
        others = [
            Warehouse.objects.get_or_create(
                organization=warehouse.organization, country=warehouse.country,
                name=f"Bench other {i}",
            )[0]
            for i in range(1, 4)
        ]  # fmt: skip
        ledger._load(warehouse, movements // 5, seed=seed)
        for i, other in enumerate(others):
            ledger._load(other, (movements - movements // 5) // 3, seed=seed + i + 1)
        ledger._balances_from_ledger()
        ledger._analyze()
    print(f"ledger: {StockMovement.objects.count():,} lines")


def _stock(officer: Any, warehouse: Any, plan: Any) -> None:
    """Enough of the kit's items for the run, in a lot of their own."""
    from caminantes.assistance import services
    from caminantes.assistance.models import StockBalance

    for line in plan.kit.lines.select_related("item"):
        have = StockBalance.objects.filter(warehouse=warehouse, item=line.item, lot="DESK")
        if not have.filter(quantity__gte=STOCK // 2).exists():
            services.stock_receive(
                actor=officer, warehouse=warehouse, item=line.item, quantity=STOCK, lot="DESK",
                source="Bench",
            )  # fmt: skip


# --- the run ---------------------------------------------------------------------------


def _picked(plan: Any, n: int, rng: random.Random) -> list[tuple[str, str, Any]]:
    """(kind, what the officer types, household) for focal points of Colombian households
    the plan is for and that have not collected yet, by name or by document."""
    from caminantes.assistance import distribution
    from caminantes.assistance.models import Handover
    from caminantes.registry.models import Document, Household

    served = Handover.objects.filter(plan=plan).values("household_id")
    pool = distribution.eligible(plan, Household.objects.all()).exclude(pk__in=served)
    high = pool.order_by("-pk").values_list("pk", flat=True).first() or 0
    picked: dict[int, Any] = {}
    while len(picked) < n:
        wanted = [rng.randint(1, high) for _ in range(n * 4)]
        for h in pool.filter(pk__in=wanted).select_related("focal_point")[: n - len(picked)]:
            picked[h.pk] = h
    docs = {
        d.person_id: d.number
        for d in Document.objects.filter(person__in=[h.focal_point for h in picked.values()])
    }
    out = []
    for i, h in enumerate(picked.values()):
        p = h.focal_point
        if i % 3 == 2 and p.pk in docs:
            out.append(("document", docs[p.pk], h))
        else:
            name = " ".join(x for x in (p.given_names, p.first_surname, p.second_surname) if x)
            out.append(("name", name, h))
    return out


def _bench(
    officer: Any, plan: Any, n: int, rng: random.Random
) -> list[tuple[str, list[float], list[float]]]:
    from django.db import connection

    from caminantes.accounts import policies
    from caminantes.assistance import distribution, services_distribution

    rows: dict[str, tuple[list[float], list[float]]] = {
        k: ([], []) for k in ("look-up", "handover", "look-up + handover")
    }
    refused = 0
    picks = _picked(plan, n + 10, rng)
    for _kind, text, _household in picks[:10]:  # warm the caches, untimed
        distribution.find_households(user=officer, plan=plan, text=text)
    with connection.cursor() as cursor:
        for _kind, text, household in picks[10:]:
            policies.forget_grants(officer)  # a new request, as at the desk

            def look_up(text: str = text, household: Any = household) -> Any:
                found = distribution.find_households(user=officer, plan=plan, text=text)
                match = next((h for h in found if h.pk == household.pk), None)
                if match is None:
                    return None
                return distribution.entitlement(plan, match)

            look_ms, entitled = people._timed(look_up)
            look_floor, _ = people._timed(people._search_floor(cursor, text))
            target = entitled.household if entitled is not None else household

            def hand_over(target: Any = target) -> Any:
                return services_distribution.handover_record(
                    actor=officer, plan=plan, household=target, request_id=uuid.uuid4(),
                    collected_by=target.focal_point,
                )  # fmt: skip

            try:
                hand_ms, result = people._timed(hand_over)
            except Exception:  # a refusal (not entitled today): not a handover to time
                refused += 1
                continue
            hand_floor = _same_rows_again(result.handover)
            rows["look-up"][0].append(look_ms)
            rows["look-up"][1].append(look_floor)
            rows["handover"][0].append(hand_ms)
            rows["handover"][1].append(hand_floor)
            rows["look-up + handover"][0].append(look_ms + hand_ms)
            rows["look-up + handover"][1].append(look_floor + hand_floor)
    if refused:
        print(f"{refused} handovers refused (not entitled), not timed")
    return [(k, v[0], v[1]) for k, v in rows.items()]


# Tables a handover writes, with how their rows are found from the handover row.
_WRITTEN = [
    ("assistance_handover", "id = %s", "handover"),
    ("assistance_stockmovement", "request_id = %s", "stock_request_id"),
    ("assistance_servicedelivery", "id = %s", "delivery_id"),
    ("assistance_servicedeliveryperson", "delivery_id = %s", "delivery_id"),
    ("registry_timelineentry", "ref_uuid = %s", "delivery_uuid"),
]


def _same_rows_again(handover: Any) -> float:
    """Time writing again, by plain INSERTs in one committed transaction, the rows the
    handover wrote (copies into scratch tables shaped like the real ones, new ids and uuids),
    with the balance rows updated as the handover updated them and its audit events copied."""
    from django.db import connection

    with connection.cursor() as cursor:
        data: list[tuple[str, list[str], list[tuple[Any, ...]]]] = []
        for table, where, key in _WRITTEN:
            value = {
                "handover": handover.pk,
                "delivery_uuid": handover.delivery.uuid,
            }.get(key)
            value = value if value is not None else getattr(handover, key)
            if value is None:
                continue
            cursor.execute(
                f"CREATE TEMP TABLE IF NOT EXISTS bench_{table} (LIKE {table} INCLUDING ALL)"
            )
            cursor.execute(f"SELECT * FROM {table} WHERE {where}", [value])  # noqa: S608
            data.append(
                (
                    f"bench_{table}",
                    [c.name for c in cursor.description],
                    cursor.fetchall(),
                )
            )
        cursor.execute(
            "CREATE TEMP TABLE IF NOT EXISTS bench_audit (LIKE audit_auditevent INCLUDING ALL)"
        )
        cursor.execute(
            "SELECT * FROM audit_auditevent WHERE object_uuid::text = ANY(%s) "
            "OR (actor_id = %s AND occurred_at >= now() - interval '2 seconds')",
            [[str(handover.uuid)], handover.actor_id],
        )
        data.append(("bench_audit", [c.name for c in cursor.description], cursor.fetchall()))
        cursor.execute(
            "SELECT warehouse_id, item_id, lot, -quantity FROM assistance_stockmovement "
            "WHERE request_id = %s",
            [handover.stock_request_id],
        )
        taken = cursor.fetchall()

    def run() -> None:
        with connection.cursor() as cursor:
            cursor.execute("BEGIN")
            for warehouse_id, item_id, lot, quantity in taken:
                cursor.execute(
                    "UPDATE assistance_stockbalance SET quantity = quantity - %s "
                    "WHERE warehouse_id = %s AND item_id = %s AND lot = %s AND quantity >= %s",
                    [quantity, warehouse_id, item_id, lot, quantity],
                )
            for table, cols, rows in data:
                if not rows:
                    continue
                values = [
                    [_fresh(c, v) for c, v in zip(cols, r, strict=True) if c != "id"] for r in rows
                ]
                keep = [c for c in cols if c != "id"]
                marks = ", ".join("(" + ", ".join(["%s"] * len(keep)) + ")" for _ in values)
                cursor.execute(
                    f"INSERT INTO {table} ({', '.join(keep)}) VALUES {marks}",  # noqa: S608
                    [v for row in values for v in row],
                )
            cursor.execute("COMMIT")

    ms, _ = people._timed(run)
    return ms


def _fresh(column: str, value: Any) -> Any:
    """A value for the copy of a row: new unique keys, JSON as text."""
    if column == "uuid":
        return uuid.uuid4()
    if column == "hash":
        return uuid.uuid4().hex * 2
    if isinstance(value, dict | list):
        return json.dumps(value)
    return value


def _print(rows: list[tuple[str, list[float], list[float]]]) -> None:
    head = (
        f"{'':24}{'n':>5}{'p50 ms':>9}{'p95 ms':>9}{'floor p50':>11}{'floor p95':>11}"
        f"{'x p95':>7}   target"
    )
    print()
    print(head)
    print("-" * len(head))
    for name, ms, floor in rows:
        p95, f95 = people._pct(ms, 95), people._pct(floor, 95)
        target = ""
        if name == "look-up + handover":
            target = f"<{TARGET_MS:.0f} {'ok' if p95 < TARGET_MS else 'MISSED'}"
        print(
            f"{name:24}{len(ms):>5}{statistics.median(ms):>9.1f}{p95:>9.1f}"
            f"{statistics.median(floor):>11.1f}{f95:>11.1f}{p95 / f95:>7.1f}   {target}"
        )
    print()
    print("floor: look-up = the bare SQL of the same search (search-key index or document hash);")
    print("       handover = the rows it wrote, written again by plain INSERTs in one transaction.")


if __name__ == "__main__":
    main()
