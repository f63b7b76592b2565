"""The caseworker's inbox and a partner's referral inbox at scale: 1,000,000 people, 200,000
open referrals, 100,000 appointments (assistance issue 15, speed: each page p95 < 200 ms on
PostgreSQL, beside the bare SQL floor measured in the same run).

    nice .venv/bin/python bench/assistance/inbox_bench.py --people 1000000

Against DATABASE_URL (default postgres://postgres@127.0.0.1:5432/caminantes_bench_assistance;
created and migrated when missing; `booking_bench.py --database-url` the same database reuses
its people and appointments). Loading, all but the seed in SQL:

1. people: `bench/registry`'s loader writes a seed of real-looking families (25,000 people by
   default), then `INSERT … SELECT … generate_series` copies the seed's households, people,
   nationalities and consents with new ids and uuids until there are `--people` (the copies
   keep the seed's names and search keys: nothing here searches);
2. appointments: `booking_bench.py`'s loader (twenty offices of the bench organisation in
   Colombia, enrolments in the PPT, an attended appointment behind and a booked one ahead
   each), then 2 % of the past ones left unmarked (booked, the one ahead cancelled) and 150
   of the ones ahead moved to today, so that both blocks of the inbox have rows;
3. referrals: a partner organisation with ten services in Colombia, the bench organisation
   with five; `--referrals` open ones (60 % to the partner, 40 % to the bench organisation,
   a tenth of the bench side's sent by the bench caseworker, 5 % urgent, due dates from
   three weeks ago to three weeks ahead) and half as many closed ones, each with one
   precomputed encrypted snapshot (the inbox never decrypts it). No referral events.

Then, as two users with new grants on each request (the Django test client, logged in, two
factors done): the caseworker's inbox (`/assistance/casework/inbox/`: referrals received and
sent, today's and unmarked appointments, follow-ups) and the partner focal point's referral
inbox (`/assistance/referrals/inbox/`, the first 200 open ones), each beside the bare SQL of
the page's main queries (the same rows and counts, no policy, no ORM, no template). Prints
p50/p95 of each and the target. Not a test: run it by hand, niced on a shared machine.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench" / "registry"))
sys.path.insert(0, str(ROOT / "bench" / "assistance"))

import booking_bench as booking  # noqa: E402  (its offices and appointments loader)
import search_register_bench as people  # noqa: E402  (its people loader and timing helpers)

DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/caminantes_bench_assistance"
TARGET_MS = 200.0
PARTNER_USER = "bench.partner@bench.invalid"
SEED_PEOPLE = 25_000


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--people", type=int, default=1_000_000)
    parser.add_argument("--referrals", type=int, default=200_000, help="open referrals")
    parser.add_argument("--appointments", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=40, help="timed requests per page")
    parser.add_argument("--seed", type=int, default=15)
    parser.add_argument("--database-url", default=os.environ.get("DATABASE_URL", DEFAULT_URL))
    parser.add_argument("--load-only", action="store_true")
    parser.add_argument("--explain", action="store_true", help="EXPLAIN ANALYZE the floors")
    args = parser.parse_args()

    people._ensure_database(args.database_url)
    people._setup_django(args.database_url)
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    fx = people._fixtures()
    people._load_people(min(SEED_PEOPLE, args.people), fx, args.seed)
    _multiply_people(args.people)
    world = booking._world(fx)
    booking._load_appointments(world, args.appointments)
    _spread_appointments(world)
    partner, partner_user = _partner(fx)
    _load_referrals(fx, partner, partner_user, args.referrals)
    _report_sizes()
    if args.load_only:
        return
    _measure(fx, partner, partner_user, args)


# --- loading ---------------------------------------------------------------------------


def _sql(statement: str, params: Any = None) -> None:
    from django.db import connection

    with connection.cursor() as cur:
        cur.execute(statement, params)


def _scalar(statement: str, params: Any = None) -> Any:
    from django.db import connection

    with connection.cursor() as cur:
        cur.execute(statement, params)
        return cur.fetchone()[0]


def _columns(table: str) -> list[str]:
    from django.db import connection

    with connection.cursor() as cur:
        cur.execute(
            "SELECT column_name FROM information_schema.columns WHERE table_name = %s "
            "ORDER BY ordinal_position",
            [table],
        )
        return [r[0] for r in cur.fetchall()]


# table -> {column: the table its ids point into (shifted by the same copy's offset)}
_COPIED = {
    "registry_household": {"id": "registry_household", "focal_point_id": "registry_person"},
    "registry_person": {"id": "registry_person", "household_id": "registry_household",
                        "merged_into_id": "registry_person"},
    "registry_person_nationalities": {"id": "registry_person_nationalities",
                                      "person_id": "registry_person"},
    "registry_consent": {"id": "registry_consent", "person_id": "registry_person"},
}  # fmt: skip


def _multiply_people(target: int) -> None:
    """Copy the seed (the people the loader wrote) until there are `target` people: copy k
    of a row gets id + k x offset (the table's max id at the start, rounded up) in every id
    column, and a new uuid."""
    from django.db import transaction

    have = _scalar("SELECT count(*) FROM registry_person")
    if have >= target:
        return
    _sql("CREATE TABLE IF NOT EXISTS bench_seed (name text PRIMARY KEY, value bigint)")
    for table in _COPIED:  # the seed's extent, fixed at the first copy
        _sql("INSERT INTO bench_seed SELECT %s, coalesce(max(id), 0) FROM " + table  # noqa: S608
             + " ON CONFLICT (name) DO NOTHING", [table])  # fmt: skip
    limits = {t: _scalar("SELECT value FROM bench_seed WHERE name = %s", [t]) for t in _COPIED}
    seed = _scalar("SELECT count(*) FROM registry_person WHERE id <= %s",
                   [limits["registry_person"]])  # fmt: skip
    offsets = {t: 10 ** len(str(v)) for t, v in limits.items()}  # 29,436 -> 100,000
    copies = -(-target // seed) - 1
    done = (have - seed) // seed
    from bench.dtm.dashboards_bench import _restore_indexes, _without_indexes

    t = time.perf_counter()
    _sql("SET synchronous_commit = off")
    for table in _COPIED:
        _without_indexes(table)
    for k in range(done + 1, copies + 1):
        with transaction.atomic():
            for table, shifted in _COPIED.items():
                cols = _columns(table)
                values = []
                for c in cols:
                    if c == "uuid":
                        values.append("gen_random_uuid()")
                    elif c in shifted:
                        values.append(f"{c} + {k * offsets[shifted[c]]}")
                    else:
                        values.append(c)
                _sql(f"INSERT INTO {table} ({', '.join(cols)}) SELECT {', '.join(values)} "  # noqa: S608
                     f"FROM {table} WHERE id <= {limits[table]}")  # fmt: skip
        print(f"  people {seed * (k + 1):,}/{target:,}", flush=True)
    for table in _COPIED:
        _sql(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "  # noqa: S608
             f"(SELECT max(id) FROM {table}))")  # fmt: skip
    _restore_indexes()
    _sql("VACUUM (ANALYZE) registry_household, registry_person, registry_consent")
    print(f"copied the seed {copies - done} times in {time.perf_counter() - t:.0f} s")


def _spread_appointments(w: Any) -> None:
    """Leave 2 % of the past appointments unmarked and bring 150 of those ahead to today."""
    from django.utils import timezone

    if _scalar("SELECT to_regclass('bench_spread') IS NOT NULL"):
        return
    from caminantes.assistance.regularization.selectors import day_bounds

    start, _end = day_bounds(timezone.localdate())
    past = ("SELECT enrolment_id FROM regularization_appointment "
            "WHERE status = 'attended' AND id % 50 = 0")  # fmt: skip
    _sql("UPDATE regularization_appointment SET status = 'cancelled', closed_at = now() "  # noqa: S608
         f"WHERE status = 'booked' AND enrolment_id IN ({past})")  # fmt: skip
    _sql("UPDATE regularization_appointment SET status = 'booked', closed_at = NULL "
         "WHERE status = 'attended' AND id % 50 = 0")  # fmt: skip
    _sql("""
        UPDATE regularization_slot s SET starts_at = %s + (8 * interval '1 hour')
          + (row_number * interval '3 minute') + (s.id %% 60) * interval '1 second'
        FROM (SELECT s2.id, row_number() OVER (ORDER BY s2.id) AS row_number
              FROM regularization_slot s2
              JOIN regularization_appointment a ON a.slot_id = s2.id AND a.status = 'booked'
              WHERE s2.starts_at > now() + interval '1 day' ORDER BY s2.id LIMIT 150) t
        WHERE s.id = t.id
    """, [start])  # fmt: skip
    _sql("CREATE TABLE bench_spread (done boolean)")
    _sql("ANALYZE regularization_appointment, regularization_slot")


def _partner(fx: Any) -> tuple[Any, Any]:
    """The partner organisation (ten services in Colombia, one focal point) and five services
    of the bench organisation."""
    from caminantes.accounts import services as accounts
    from caminantes.accounts.models import Organization, User
    from caminantes.accounts.permissions import Role
    from caminantes.assistance.referrals.models import SECTOR_BY_TYPE, Service

    co = fx.countries["CO"]
    partner = Organization.objects.filter(acronym="BPART").first() or (
        accounts.organization_create(
            actor=None, name="Bench partner", acronym="BPART", type="ngo", countries=[co]
        )
    )
    user = User.objects.filter(email=PARTNER_USER).first()
    if user is None:
        user = accounts.user_create(actor=None, email=PARTNER_USER, full_name="Bench Socio",
                                    password=None)  # fmt: skip
        accounts.membership_add(actor=None, user=user, organization=partner,
                                role=Role.PARTNER_FOCAL_POINT, countries=[co])  # fmt: skip
    kinds = ["health", "legal", "documentation", "shelter", "food", "livelihoods", "education",
             "cash", "psychosocial", "wash"]  # fmt: skip
    for org, n in ((partner, 10), (fx.organization, 5)):
        for i in range(n):
            kind = kinds[i % len(kinds)]
            Service.objects.get_or_create(
                organization=org, country=co, name=f"Bench {org.acronym} {kind} {i}",
                defaults={"type": kind, "sector": SECTOR_BY_TYPE[kind],
                          "referral_fields": ["name", "age", "phone"]},
            )  # fmt: skip
    return partner, user


def _load_referrals(fx: Any, partner: Any, partner_user: Any, open_wanted: int) -> None:
    from django.db import transaction

    from caminantes.accounts import services as accounts
    from caminantes.accounts.models import User
    from caminantes.accounts.permissions import Role
    from caminantes.assistance.referrals.models import Referral, Service
    from caminantes.lib import crypto

    have = Referral.objects.filter(status__in=["sent", "received", "accepted", "in_progress"])
    if have.count() >= open_wanted:
        return
    co = fx.countries["CO"]
    others = []  # other caseworkers of each side, who send most referrals
    for org, tag in ((fx.organization, "iom"), (partner, "part")):
        for i in range(4):
            email = f"bench.refer.{tag}{i}@bench.invalid"
            u = User.objects.filter(email=email).first()
            if u is None:
                u = accounts.user_create(actor=None, email=email, full_name=f"Bench {tag} {i}",
                                         password=None)  # fmt: skip
                accounts.membership_add(actor=None, user=u, organization=org,
                                        role=Role.PARTNER_FOCAL_POINT, countries=[co])  # fmt: skip
            others.append(u.pk)
    to_partner = list(Service.objects.filter(organization=partner, country=co)
                      .values_list("id", flat=True))  # fmt: skip
    to_bench = list(Service.objects.filter(organization=fx.organization, country=co)
                    .values_list("id", flat=True))  # fmt: skip
    snapshot = crypto.encrypt('{"name": "Nombre Apellido", "age": "34", "phone": "+57 300"}')
    total = open_wanted + open_wanted // 2
    t = time.perf_counter()
    _sql("SET synchronous_commit = off")
    with transaction.atomic():
        _sql(
            """
            CREATE TEMP TABLE bench_people ON COMMIT DROP AS
            SELECT row_number() OVER (ORDER BY p.id) - 1 AS rn, p.id, p.household_id
            FROM registry_person p JOIN registry_household h ON h.id = p.household_id
            WHERE h.country_id = %(co)s AND h.organization_id = %(org)s
            """,
            {"co": co.pk, "org": fx.organization.pk},
        )
        n_people = _scalar("SELECT count(*) FROM bench_people")
        _sql(
            """
            INSERT INTO referrals_referral (uuid, service_id, receiving_organization_id,
              country_id, sender_organization_id, sent_by_id, household_id, person_id,
              restricted, urgent, status, due_on, field_keys, fields_encrypted,
              decline_reason, request_sha256, sent_at, updated_at)
            SELECT gen_random_uuid(),
              CASE WHEN g.to_partner THEN (%(to_partner)s::bigint[])[1 + g.i %% %(np)s]
                   ELSE (%(to_bench)s::bigint[])[1 + g.i %% %(nb)s] END,
              CASE WHEN g.to_partner THEN %(partner)s ELSE %(bench)s END, %(co)s,
              CASE WHEN g.to_partner THEN %(bench)s ELSE %(partner)s END,
              CASE WHEN g.to_partner AND g.i %% 10 = 0 THEN %(caseworker)s
                   WHEN g.to_partner THEN (%(others)s::bigint[])[1 + g.i %% 4]
                   WHEN g.i %% 10 = 1 THEN %(partner_user)s
                   ELSE (%(others)s::bigint[])[5 + g.i %% 4] END,
              p.household_id, p.id, false, g.i %% 20 = 0,
              CASE WHEN g.i >= %(open)s THEN (ARRAY['completed','closed'])[1 + g.i %% 2]
                   ELSE (ARRAY['sent','sent','received','accepted','in_progress'])[1 + g.i %% 5]
              END,
              current_date + ((g.i * 7919) %% 43 - 21)::int,
              '["name", "age", "phone"]'::jsonb, %(snapshot)s, '', '',
              now() - ((g.i * 104729) %% 86400) * interval '1 minute',
              now() - ((g.i * 104729) %% 86400) * interval '1 minute'
            FROM (SELECT i, (i %% 5) < 3 AS to_partner
                  FROM generate_series(%(lo)s::bigint, %(hi)s::bigint - 1) AS i) g
            JOIN bench_people p ON p.rn = (g.i * 7) %% %(n_people)s
            """,
            {"to_partner": to_partner, "to_bench": to_bench, "np": len(to_partner),
             "nb": len(to_bench), "partner": partner.pk, "bench": fx.organization.pk,
             "co": co.pk, "caseworker": fx.user.pk, "others": others,
             "partner_user": partner_user.pk, "open": open_wanted, "snapshot": snapshot,
             "lo": Referral.objects.count(), "hi": total, "n_people": n_people},
        )  # fmt: skip
    _sql("VACUUM (ANALYZE) referrals_referral")
    print(f"loaded referrals in {time.perf_counter() - t:.0f} s")


def _report_sizes() -> None:
    counts = {
        "people": "SELECT count(*) FROM registry_person",
        "households": "SELECT count(*) FROM registry_household",
        "open referrals": "SELECT count(*) FROM referrals_referral WHERE status IN "
        "('sent','received','accepted','in_progress')",
        "referrals": "SELECT count(*) FROM referrals_referral",
        "appointments": "SELECT count(*) FROM regularization_appointment",
        "unmarked": "SELECT count(*) FROM regularization_appointment a "
        "JOIN regularization_slot s ON s.id = a.slot_id "
        "WHERE a.status = 'booked' AND s.starts_at < now() - interval '1 day'",
    }
    print(", ".join(f"{_scalar(q):,} {label}" for label, q in counts.items()))


# --- measuring -------------------------------------------------------------------------


def _client(user: Any) -> Any:
    from django.test import Client
    from django_otp import DEVICE_ID_SESSION_KEY
    from django_otp.plugins.otp_totp.models import TOTPDevice

    client = Client(SERVER_NAME="127.0.0.1")
    client.force_login(user)
    device, _ = TOTPDevice.objects.get_or_create(user=user, name="bench", confirmed=True)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()
    return client


# The caseworker's inbox, bare: the same rows and counts the page shows, no policy.
_INBOX_FLOOR = [
    """SELECT r.*, s.name, o.acronym FROM referrals_referral r
        JOIN referrals_service s ON s.id = r.service_id
        JOIN accounts_organization o ON o.id = r.sender_organization_id
        WHERE r.receiving_organization_id = %(org)s AND r.country_id = ANY(%(countries)s)
          AND NOT r.restricted AND r.status IN ('sent', 'received', 'accepted', 'in_progress')
        ORDER BY r.urgent DESC, r.due_on, r.sent_at LIMIT 20""",
    """SELECT count(*), count(*) FILTER (WHERE due_on < current_date) FROM referrals_referral
        WHERE receiving_organization_id = %(org)s AND country_id = ANY(%(countries)s)
          AND NOT restricted AND status IN ('sent', 'received', 'accepted', 'in_progress')""",
    """SELECT r.*, s.name, o.acronym FROM referrals_referral r
        JOIN referrals_service s ON s.id = r.service_id
        JOIN accounts_organization o ON o.id = r.receiving_organization_id
        WHERE r.sent_by_id = %(user)s
          AND r.status IN ('sent', 'received', 'accepted', 'in_progress')
        ORDER BY r.due_on, r.sent_at LIMIT 20""",
    """SELECT count(*), count(*) FILTER (WHERE due_on < current_date) FROM referrals_referral
        WHERE sent_by_id = %(user)s
          AND status IN ('sent', 'received', 'accepted', 'in_progress')""",
    """SELECT a.*, s.starts_at, o.name, p.given_names FROM regularization_appointment a
        JOIN regularization_slot s ON s.id = a.slot_id
        JOIN regularization_office o ON o.id = s.office_id
        JOIN registry_person p ON p.id = a.person_id
        WHERE o.organization_id = %(org)s AND s.starts_at >= %(today)s
          AND s.starts_at < %(tomorrow)s AND a.status <> 'cancelled'
        ORDER BY s.starts_at, o.name, a.id""",
    """SELECT a.*, s.starts_at, o.name, p.given_names FROM regularization_appointment a
        JOIN regularization_slot s ON s.id = a.slot_id
        JOIN regularization_office o ON o.id = s.office_id
        JOIN registry_person p ON p.id = a.person_id
        WHERE o.organization_id = %(org)s AND a.status = 'booked' AND s.starts_at < %(today)s
        ORDER BY s.starts_at DESC LIMIT 20""",
    """SELECT count(*) FROM regularization_appointment a
        JOIN regularization_slot s ON s.id = a.slot_id
        JOIN regularization_office o ON o.id = s.office_id
        WHERE o.organization_id = %(org)s AND a.status = 'booked' AND s.starts_at < %(today)s""",
]

_PARTNER_FLOOR = [
    """SELECT r.*, s.name, o.acronym, u.email FROM referrals_referral r
        JOIN referrals_service s ON s.id = r.service_id
        JOIN accounts_organization o ON o.id = r.sender_organization_id
        JOIN accounts_user u ON u.id = r.sent_by_id
        WHERE r.receiving_organization_id = %(org)s AND r.country_id = ANY(%(countries)s)
          AND NOT r.restricted AND r.status IN ('sent', 'received', 'accepted', 'in_progress')
        ORDER BY r.urgent DESC, r.due_on, r.sent_at LIMIT 200""",
]


def _floor(statements: list[str], params: dict[str, Any], explain: bool = False) -> None:
    from django.db import connection

    with connection.cursor() as cur:
        for s in statements:
            cur.execute(("EXPLAIN (ANALYZE, BUFFERS) " if explain else "") + s, params)
            rows = cur.fetchall()
            if explain:
                print("\n".join(r[0] for r in rows))
                print()


def _timed(fn: Callable[[], Any]) -> float:
    t = time.perf_counter()
    fn()
    return 1000 * (time.perf_counter() - t)


def _measure(fx: Any, partner: Any, partner_user: Any, args: argparse.Namespace) -> None:
    from django.db import connection, reset_queries
    from django.test.utils import CaptureQueriesContext
    from django.urls import reverse
    from django.utils import timezone

    from caminantes.accounts import policies
    from caminantes.assistance.regularization.selectors import day_bounds

    start, end = day_bounds(timezone.localdate())
    co = fx.countries["CO"]
    countries = [c.pk for c in fx.countries.values() if c.iso2 in people.SHARES]
    pages = [
        ("caseworker inbox", fx.user, reverse("casework_inbox"), _INBOX_FLOOR,
         {"org": fx.organization.pk, "countries": countries, "user": fx.user.pk,
          "today": start, "tomorrow": end}),
        ("partner referral inbox", partner_user, reverse("referrals_inbox"), _PARTNER_FLOOR,
         {"org": partner.pk, "countries": [co.pk]}),
        ("caseworker referral inbox", fx.user, reverse("referrals_inbox"), _PARTNER_FLOOR,
         {"org": fx.organization.pk, "countries": countries}),
    ]  # fmt: skip
    rows = []
    for name, user, url, floor, params in pages:
        client = _client(user)
        for _ in range(3):  # warm: imports, templates, the session
            _check(client.get(url))
            _floor(floor, params)
        with CaptureQueriesContext(connection) as captured:
            policies.forget_grants(user)
            _check(client.get(url))
        n_queries = len(captured.captured_queries)
        if args.explain:
            print(f"--- {name}: the floor's plans")
            _floor(floor, params, explain=True)
            for q in sorted(captured.captured_queries, key=lambda q: -float(q["time"]))[:3]:
                print(f"{float(q['time']) * 1000:8.1f} ms  {q['sql'][:600]}")
            print()
        ms, floors = [], []
        for _ in range(args.runs):
            policies.forget_grants(user)  # a new request: the grants read again
            ms.append(_timed(lambda c=client, u=url: _check(c.get(u))))
            floors.append(_timed(lambda f=floor, p=params: _floor(f, p)))
            reset_queries()
        rows.append((name, n_queries, ms, floors))
    _print(rows)


def _check(response: Any) -> None:
    if response.status_code != 200:
        raise SystemExit(f"{response.status_code} from {response.request['PATH_INFO']}")


def _print(rows: list[tuple[str, int, list[float], list[float]]]) -> None:
    head = (f"{'':26}{'n':>5}{'queries':>8}{'p50 ms':>9}{'p95 ms':>9}{'floor p50':>11}"
            f"{'floor p95':>11}{'x p95':>7}   target")  # fmt: skip
    print()
    print(head)
    print("-" * len(head))
    for name, n_queries, ms, floor in rows:
        p95, f95 = people._pct(ms, 95), people._pct(floor, 95)
        verdict = "ok" if p95 < TARGET_MS else "MISSED"
        print(f"{name:26}{len(ms):>5}{n_queries:>8}{statistics.median(ms):>9.1f}{p95:>9.1f}"
              f"{statistics.median(floor):>11.1f}{f95:>11.1f}{p95 / f95:>7.1f}   "
              f"<{TARGET_MS:.0f} {verdict}")  # fmt: skip
    print()
    print("page  = the whole request through the test client: session, middleware, grants,")
    print("        policy, every block's queries, the reads audited, the template.")
    print("floor = the bare SQL of the page's main queries (the same rows and counts).")


if __name__ == "__main__":
    main()
