"""Find-or-register at scale: how fast are search and registration with N people in PostgreSQL?

    .venv/bin/python bench/registry/search_register_bench.py --people 1000000

Against DATABASE_URL (default postgres://postgres@127.0.0.1:5432/caminantes_bench; the
database is created and migrated if missing). If it holds fewer than N people, the missing
ones are generated (lib.fakenames) and COPY-ed in, with the registry's own encryption and
search-key helpers, so the rows are what registrations would have written. Then:

- search: a few hundred realistic queries (exact names, typos, reordered names, names with
  a date of birth, document numbers written the way people write them, half-typed names)
  through `registry.selectors.search_people`, each beside the bare SQL of the same look-up
  (the search-key index alone, or the document hash, without policy, ranking or ORM);
- register: 5-person households through `registry.services.household_register`, duplicate
  check included, each beside a bare INSERT of the very rows that registration wrote.

It prints p50/p95 of each, the floor and the ratio. `--explain` adds EXPLAIN ANALYZE of
the slowest searches. Nothing here is a test: run it by hand, on a quiet machine.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import statistics
import sys
import time
import uuid
from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/caminantes_bench"
TARGETS_MS = {"search": 150.0, "register": 300.0, "candidates": 100.0}
SHARES = {"CO": 0.5, "PE": 0.25, "EC": 0.1, "BR": 0.15}
BENCH_USER = "bench.registro@bench.invalid"
BATCH_HOUSEHOLDS = 5000


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--people", type=int, default=1_000_000, help="people to have loaded")
    parser.add_argument("--queries", type=int, default=300, help="searches to time")
    parser.add_argument("--registrations", type=int, default=100, help="households to register")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--database-url", default=os.environ.get("DATABASE_URL", DEFAULT_URL))
    parser.add_argument("--load-only", action="store_true", help="load the people and stop")
    parser.add_argument("--explain", action="store_true", help="EXPLAIN ANALYZE the slowest")
    args = parser.parse_args()

    _ensure_database(args.database_url)
    _setup_django(args.database_url)
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    fixtures = _fixtures()
    started = time.perf_counter()
    added = _load_people(args.people, fixtures, args.seed)
    if added:
        print(f"loaded {added:,} people in {time.perf_counter() - started:.0f} s")
    _print_sizes()
    if args.load_only:
        return
    rng = random.Random(args.seed)
    rows: list[Row] = []
    if args.queries:
        rows += _bench_search(fixtures, args.queries, rng, explain=args.explain)
    if args.registrations:
        from registration_bench import bench_register  # the other half of this bench

        rows += bench_register(fixtures, args.registrations, args.seed)
    _print_table(rows)


# --- setup -----------------------------------------------------------------------------


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
    # DEBUG gives the development keys; it is switched off again below so that Django does
    # not keep every query in memory (which would also slow down what is measured).
    os.environ.setdefault("DEBUG", "1")
    import django
    from django.conf import settings

    django.setup()
    settings.DEBUG = False


@dataclass
class Fixtures:
    user: Any
    organization: Any
    countries: dict[str, Any]
    areas: dict[str, Any]


def _fixtures() -> Fixtures:
    """Places, one organisation working in the four countries, one registration officer."""
    from caminantes.accounts import services as accounts
    from caminantes.accounts.models import Organization, User
    from caminantes.accounts.permissions import Role
    from caminantes.geo.models import AdminArea, Country
    from caminantes.geo.services import places_load

    if not Country.objects.filter(iso2="CO").exists():
        places_load()
    countries = {c.iso2: c for c in Country.objects.all()}
    areas = {a.iso_code: a for a in AdminArea.objects.exclude(iso_code="")}
    org = Organization.objects.filter(acronym="IOM").first() or accounts.organization_create(
        actor=None,
        name="International Organization for Migration",
        acronym="IOM",
        type="un_agency",
        countries=[countries[i] for i in (*SHARES, "VE")],
    )
    user = User.objects.filter(email=BENCH_USER).first()
    if user is None:
        user = accounts.user_create(
            actor=None, email=BENCH_USER, full_name="Bench Registro", password=None
        )
        accounts.membership_add(
            actor=None,
            user=user,
            organization=org,
            role=Role.REGISTRATION_OFFICER,
            countries=[countries[i] for i in SHARES],
        )
    return Fixtures(user=user, organization=org, countries=countries, areas=areas)


# --- loading ---------------------------------------------------------------------------


class _Table:
    """COPY rows into a model's table: columns in model order, defaults filled once."""

    def __init__(self, model: Any, skip: Sequence[str] = ("id",)) -> None:
        from django.db.models import JSONField, UUIDField

        self.table = model._meta.db_table
        self.fields = [f for f in model._meta.concrete_fields if f.column not in skip]
        self.columns = [f.column for f in self.fields]
        self.uuid_columns = {f.column for f in self.fields if isinstance(f, UUIDField)}
        now = _now()
        self.defaults: dict[str, Any] = {}
        for f in self.fields:
            if getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False):
                value: Any = now
            else:
                value = f.get_default()  # "" for text columns without a default, as Django
            if isinstance(f, JSONField):
                value = json.dumps(value)
            self.defaults[f.column] = value
        self.rows: list[tuple[Any, ...]] = []

    def add(self, **values: Any) -> None:
        d = self.defaults
        self.rows.append(
            tuple(
                values[c] if c in values else (uuid.uuid4() if c in self.uuid_columns else d[c])
                for c in self.columns
            )
        )

    def flush(self, cursor: Any) -> None:
        if not self.rows:
            return
        cols = ", ".join(f'"{c}"' for c in self.columns)
        with cursor.copy(f'COPY "{self.table}" ({cols}) FROM STDIN') as copy:
            for row in self.rows:
                copy.write_row(row)
        self.rows = []


def _now() -> Any:
    from django.utils import timezone

    return timezone.now()


def _reserve_ids(cursor: Any, table: str, n: int) -> list[int]:
    cursor.execute(
        f"SELECT nextval(pg_get_serial_sequence('{table}', 'id')) "  # noqa: S608 - our tables
        "FROM generate_series(1, %s)",
        [n],
    )
    return [r[0] for r in cursor.fetchall()]


def _load_people(target: int, fx: Fixtures, seed: int) -> int:
    """Top the registry up to `target` people, in batches, by COPY."""
    from django.db import connection, transaction

    from caminantes.lib import fakenames, names
    from caminantes.registry import services
    from caminantes.registry.demo import PLANS
    from caminantes.registry.inputs import DocumentInput
    from caminantes.registry.models import Consent, Document, Household, Person, Phone

    have = Person.objects.count()
    if have >= target:
        return 0
    # The phonetic key is the costly part of a search key and names repeat endlessly: the
    # same function, remembered (search_keys looks it up on the module at each call).
    names.phonetic = lru_cache(maxsize=200_000)(names.phonetic)  # type: ignore[assignment]
    fake = fakenames.FakeNames(seed * 1_000_003 + have, today=_now().date())
    rng = fake.rng
    isos = list(SHARES)
    weights = list(SHARES.values())
    today = fake.today
    households = _Table(Household, skip=())
    people = _Table(Person, skip=())
    nationalities = _Table(Person.nationalities.through)
    documents = _Table(Document)
    phones = _Table(Phone)
    consents = _Table(Consent)
    tables = [households, people, nationalities, documents, phones, consents]
    user_id, org_id = fx.user.pk, fx.organization.pk
    ve = fx.countries["VE"]
    added = 0
    last_report = time.perf_counter()
    while have + added < target:
        families = []
        for _ in range(BATCH_HOUSEHOLDS):
            iso = rng.choices(isos, weights)[0]
            plan = PLANS[iso]
            area = rng.choices(list(plan.areas), list(plan.areas.values()))[0]
            families.append((iso, area, fake.household(iso, area)))
        with transaction.atomic(), connection.cursor() as cursor:
            hh_ids = _reserve_ids(cursor, Household._meta.db_table, len(families))
            n_people = sum(len(f.members) for _, _, f in families)
            person_ids = iter(_reserve_ids(cursor, Person._meta.db_table, n_people))
            for hh_id, (iso, area_code, family) in zip(hh_ids, families, strict=True):
                country = fx.countries[iso]
                area = fx.areas[area_code]
                focal_id = None
                for m in family.members:
                    pid = next(person_ids)
                    focal_id = focal_id or pid
                    full = names.full_name(m.given_names, m.first_surname, m.second_surname)
                    born_here = m.birth_country == iso
                    people.add(
                        id=pid,
                        household_id=hh_id,
                        relationship=m.relationship,
                        given_names=m.given_names,
                        first_surname=m.first_surname,
                        second_surname=m.second_surname,
                        sex=m.sex,
                        birth_date=m.birth_date,
                        birth_date_estimated=m.birth_date_estimated,
                        birth_country_id=country.pk if born_here else ve.pk,
                        birth_area_id=fx.areas[m.birth_state].pk if m.birth_state else None,
                        languages='["es"]',
                        search_name=names.fold(full),
                        # index_person, without the round trip: the same keys.
                        search_tokens=json.dumps(sorted(names.search_keys(full))),
                    )
                    nationalities.add(person_id=pid, country_id=country.pk if born_here else ve.pk)
                    if m.cedula and rng.random() < 0.7:
                        doc = DocumentInput(type="cedula", number=m.cedula, issuing_country="VE")
                        documents.add(
                            person_id=pid,
                            type="cedula",
                            issuing_country_id=ve.pk,
                            **services.document_fields(doc),
                        )
                    minor = m.age_on(today) < services.ADULT_AGE
                    consents.add(
                        person_id=pid,
                        purpose="registration",
                        given_by="guardian" if minor else "person",
                        recorded_by_id=user_id,
                        given_on=today,
                    )
                if family.phone:
                    phones.add(
                        household_id=hh_id,
                        whatsapp=True,
                        **services.phone_fields(family.phone, country),
                    )
                households.add(
                    id=hh_id,
                    organization_id=org_id,
                    country_id=country.pk,
                    admin_area_id=area.pk,
                    current_area_id=area.pk,
                    population_type="in_destination",
                    focal_point_id=focal_id,
                    registered_by_id=user_id,
                    registered_on=today,
                )
                added += len(family.members)
            for table in tables:
                table.flush(cursor)
        if time.perf_counter() - last_report > 15:
            last_report = time.perf_counter()
            print(f"  … {have + added:,} people", flush=True)
    # What autovacuum would do before long: statistics, and the visibility map that lets
    # the key look-ups be index-only scans.
    with connection.cursor() as cursor:
        for table in tables:
            cursor.execute(f'VACUUM (ANALYZE) "{table.table}"')
    return added


def _print_sizes() -> None:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            """
            SELECT relname, reltuples::bigint, pg_size_pretty(pg_total_relation_size(oid))
            FROM pg_class
            WHERE relname IN ('registry_person', 'registry_household',
                              'registry_document', 'registry_phone', 'registry_consent')
            ORDER BY relname
            """
        )
        rows = cursor.fetchall()
    print("tables: " + ", ".join(f"{n[9:]} {t:,} rows ({s})" for n, t, s in rows))


# --- measuring -------------------------------------------------------------------------


@dataclass
class Sample:
    kind: str
    ms: float
    floor_ms: float
    text: str = ""
    ok: bool = True


@dataclass
class Row:
    name: str
    samples: list[Sample] = field(default_factory=list)


def _timed(fn: Callable[[], Any]) -> tuple[float, Any]:
    start = time.perf_counter()
    result = fn()
    return (time.perf_counter() - start) * 1000, result


def _queries(n: int, rng: random.Random) -> list[tuple[str, str, int]]:
    """(kind, text, person id) for people picked at random, as registrars type them."""
    from caminantes.lib.fakenames import FakeNames
    from caminantes.registry.models import Document, Person

    ids = list(Person.objects.values_list("id", flat=True).order_by("-id")[:1])
    low = Person.objects.order_by("id").values_list("id", flat=True).first() or 0
    high = ids[0] if ids else 0
    picked: list[Any] = []
    while len(picked) < n:
        wanted = [rng.randint(low, high) for _ in range(n * 2)]
        picked += list(Person.objects.filter(id__in=wanted, anonymised_at__isnull=True))
    picked = picked[:n]
    docs: dict[int, str] = {}
    for d in Document.objects.filter(person__in=picked, type="cedula"):
        docs.setdefault(d.person_id, d.number)
    typo = FakeNames(rng.randrange(10**6))
    out = []
    kinds = ["exact", "typo", "reordered", "name_and_birth", "document", "as_you_type"]
    for i, p in enumerate(picked):
        kind = kinds[i % len(kinds)]
        given, first, second = p.given_names, p.first_surname, p.second_surname
        if kind == "document" and p.pk not in docs:
            kind = "name_and_birth"
        if kind == "exact":
            text = " ".join(x for x in (given, first, second) if x)
        elif kind == "typo":
            text = " ".join(x for x in (typo.misspell(given), first, typo.misspell(second)) if x)
        elif kind == "reordered":
            text = " ".join(x for x in (first, second, given) if x)
        elif kind == "name_and_birth":
            born = p.birth_date
            text = f"{given.split(' ')[0]} {first} {born:%d/%m/%Y}" if born else given
        elif kind == "document":
            number = docs[p.pk]
            digits = "".join(ch for ch in number if ch.isdigit())
            text = rng.choice([number, digits, f"V{digits}", number.replace(".", " ")])
        else:  # half-typed: the box answers as you type
            text = f"{given.split(' ')[0]} {first[: max(3, len(first) // 2)]}"
        out.append((kind, text, p.pk))
    return out


def _search_floor(cursor: Any, text: str) -> Callable[[], Any]:
    """The bare SQL of the same look-up: one GIN condition per word (the same keys the
    search asks for) or the document hash; no policy, no fallback, no ranking, no ORM."""
    from caminantes.registry import duplicates
    from caminantes.registry.selectors import parse_query, query_words

    q = parse_query(text)
    hashes = [duplicates.document_hash(n) for n in q.numbers]
    words = query_words(q.words, typing=not text.endswith(" "))
    keys = [list(w.keys) for w in words]
    birth = q.birth_date

    def run() -> list[Any]:
        rows: list[Any] = []
        for h in hashes:
            cursor.execute("SELECT person_id FROM registry_document WHERE number_hash = %s", [h])
            rows += cursor.fetchall()
        if keys:
            where = " AND ".join(["search_tokens ?| %s::text[]"] * len(keys))
            cursor.execute(
                f"SELECT id, search_name FROM registry_person WHERE {where} LIMIT 500",  # noqa: S608
                keys,
            )
            rows += cursor.fetchall()
        elif birth and not hashes:
            cursor.execute("SELECT id FROM registry_person WHERE birth_date = %s LIMIT 20", [birth])
            rows += cursor.fetchall()
        return rows

    return run


def _bench_search(fx: Fixtures, n: int, rng: random.Random, *, explain: bool) -> list[Row]:
    from django.db import connection

    from caminantes.accounts import policies
    from caminantes.registry import selectors

    queries = _queries(n, rng)
    samples: list[Sample] = []
    with connection.cursor() as cursor:
        for _kind, text, _pid in queries[:20]:  # warm the caches, untimed
            selectors.search_people(user=fx.user, text=text)
            _search_floor(cursor, text)()
        for kind, text, pid in queries:
            policies.forget_grants(fx.user)  # a new request each keystroke

            def search(text: str = text) -> list[Any]:
                return selectors.search_people(user=fx.user, text=text, limit=20)

            ms, found = _timed(search)
            floor_ms, _ = _timed(_search_floor(cursor, text))
            samples.append(Sample(kind, ms, floor_ms, text, any(p.pk == pid for p in found)))
    if explain:
        _explain_slowest(fx, samples)
    rows = [Row("search, all kinds", samples)]
    by_kind: dict[str, list[Sample]] = defaultdict(list)
    for s in samples:
        by_kind[s.kind].append(s)
    rows += [Row(f"  {k.replace('_', ' ')}", v) for k, v in by_kind.items()]
    return rows


def _explain_slowest(fx: Fixtures, samples: list[Sample]) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from caminantes.registry import selectors

    for s in sorted(samples, key=lambda s: -s.ms)[:3]:
        print(f"\n--- {s.ms:.0f} ms ({s.kind}): {s.text!r}")
        with CaptureQueriesContext(connection) as ctx:
            selectors.search_people(user=fx.user, text=s.text)
        for q in ctx.captured_queries:
            print(f"{float(q['time']) * 1000:8.1f} ms  {q['sql'][:300]}")
        slowest = max(ctx.captured_queries, key=lambda q: float(q["time"]))
        with connection.cursor() as cursor:
            cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + slowest["sql"])
            print("\n".join(r[0] for r in cursor.fetchall()))


# --- report ----------------------------------------------------------------------------


def _pct(values: Iterable[float], q: int) -> float:
    ordered = sorted(values)
    if len(ordered) < 2:
        return ordered[0] if ordered else float("nan")
    return statistics.quantiles(ordered, n=100, method="inclusive")[q - 1]


def _print_table(rows: list[Row]) -> None:
    header = (
        f"{'':32} {'n':>4} {'p50 ms':>8} {'p95 ms':>8} {'floor p50':>10} {'floor p95':>10} "
        f"{'x p50':>6} {'x p95':>6} {'found':>6} {'target':>8}"
    )
    print()
    print(header)
    print("-" * len(header))
    for row in rows:
        ms = [s.ms for s in row.samples]
        floor = [s.floor_ms for s in row.samples]
        p50, p95 = _pct(ms, 50), _pct(ms, 95)
        f50, f95 = _pct(floor, 50), _pct(floor, 95)
        found = sum(s.ok for s in row.samples) / len(row.samples)
        kind = row.samples[0].kind
        key = kind if kind in ("register", "candidates") else "search"
        target = TARGETS_MS[key] if not row.name.startswith("  ") else None
        verdict = "" if target is None else ("ok" if p95 < target else "MISSED")
        target_text = f"<{target:.0f} {verdict}" if target else ""
        found_text = f"{found:.0%}" if key != "register" else ""
        x50 = p50 / f50 if f50 else float("nan")
        x95 = p95 / f95 if f95 else float("nan")
        print(
            f"{row.name:32} {len(ms):>4} {p50:>8.1f} {p95:>8.1f} {f50:>10.1f} {f95:>10.1f} "
            f"{x50:>6.1f} {x95:>6.1f} {found_text:>6} {target_text:>8}"
        )
    print(
        "\nfloor: search = the bare SQL of the same look-up (search-key shortlist or document "
        "hash);\n       register = plain INSERTs of the same rows in one committed transaction."
        "\nx = ours / floor. found = the person searched for is among the 20 results."
    )


if __name__ == "__main__":
    main()
