"""DTM dashboards and the round report with millions of flow counts in PostgreSQL.

    .venv/bin/python bench/dtm/dashboards_bench.py --counts 5000000 --surveys 200000

Against DATABASE_URL (default postgres://postgres@127.0.0.1:5432/caminantes_bench_dtm;
created and migrated if missing). If the database holds fewer flow-count sheets or survey
interviews than asked, the missing ones are generated in SQL (generate_series, no ORM):
sheets at POINTS flow monitoring points over four years, two directions x four flow types
(pendular, transit, stay, return: the rollup key of issue 16), hourly shifts,
sex x age columns adding up, one breakdown row per dimension (nationality, transport mode,
final destination); interviews with their multi-select answers as choice rows. Then the
daily rollup is rebuilt with `dtm.rollup.rebuild()` (what bulk loaders must call) and the
tables are analysed.

Then, for several runs with varied filters (periods of 7 days to four years, one point or
all, a direction or all), it times the server side of each dashboard page (the Django test
client: middleware, policy, queries, charts, map, template) beside the bare SQL aggregate
of the same figures on the rollup and on the raw sheets, and the round report (HTML and
PDF) beside its bare SQL. Issue 16's outputs too: tally sheets carry the vulnerability
counts and interviews the vulnerability questions; mobility tracking gets a baseline per
admin-1 area of the operation's countries per round and 200 collective sites assessed
each round; the mobility page (a random round, one country half the time), its export of
every round in HXL, and the flow aggregates HXL export for a quarter, a year and four
years are timed beside their bare SQL. It prints p50/p95 and the targets. Not a test: run
it by hand.
"""

from __future__ import annotations

import argparse
import logging
import os
import random
import statistics
import sys
import time
from collections.abc import Callable
from datetime import date, timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/caminantes_bench_dtm"
TARGETS_MS = {"flows": 500.0, "surveys": 500.0, "mobility": 500.0, "report": 10_000.0}
BENCH_USER = "bench.dtm@bench.invalid"
FIRST_DAY = date(2022, 1, 1)
DAYS = 4 * 365 + 1
POINTS = 80
COUNTRIES = ("CO", "PE", "EC", "BR", "CL", "AR", "PA", "BO", "VE")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--counts", type=int, default=5_000_000, help="tally sheets to have")
    parser.add_argument("--surveys", type=int, default=200_000, help="interviews to have")
    parser.add_argument("--runs", type=int, default=20, help="timed runs per dashboard")
    parser.add_argument("--reports", type=int, default=3, help="round reports to time")
    parser.add_argument("--seed", type=int, default=11)
    parser.add_argument("--database-url", default=os.environ.get("DATABASE_URL", DEFAULT_URL))
    parser.add_argument("--load-only", action="store_true")
    args = parser.parse_args()

    from bench.registry.search_register_bench import _ensure_database, _setup_django

    logging.getLogger("weasyprint").setLevel(logging.WARNING)
    logging.getLogger("fontTools").setLevel(logging.WARNING)
    _ensure_database(args.database_url)
    _setup_django(args.database_url)
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    fx = _fixtures()
    _load(fx, args.counts, args.surveys)
    if args.load_only:
        return
    _measure(fx, args)


# --- fixtures --------------------------------------------------------------------------


class Fixtures:
    def __init__(self, user: Any, operation: Any, rounds: list[Any]) -> None:
        self.user, self.operation, self.rounds = user, operation, rounds


def _fixtures() -> Fixtures:
    """One organisation, one regional operation with POINTS points, one analyst, rounds."""
    from caminantes.accounts import services as accounts
    from caminantes.accounts.models import Organization, User
    from caminantes.accounts.permissions import Role
    from caminantes.dtm.models import FlowMonitoringPoint, Operation, Round
    from caminantes.geo.models import Country, Place
    from caminantes.geo.services import places_load

    if not Country.objects.filter(iso2="CO").exists():
        places_load()
    countries = {c.iso2: c for c in Country.objects.filter(iso2__in=COUNTRIES)}
    org = Organization.objects.filter(acronym="IOM").first() or accounts.organization_create(
        actor=None,
        name="International Organization for Migration",
        acronym="IOM",
        type="un_agency",
        countries=list(countries.values()),
    )
    operation, created = Operation.objects.get_or_create(
        organization=org, code="bench", defaults={"name": "Bench regional", "starts_on": FIRST_DAY}
    )
    if created:
        operation.countries.set(list(countries.values()))
    if not operation.points.exists():
        places = list(Place.objects.filter(kind="crossing", country__iso2__in=COUNTRIES))
        towns = Place.objects.filter(kind="town", country__iso2__in=COUNTRIES).order_by(
            "-population"
        )
        places += list(towns[: POINTS - len(places)])
        FlowMonitoringPoint.objects.bulk_create(
            FlowMonitoringPoint(
                operation=operation,
                organization=org,
                place=p,
                name=p.name,
                code=f"p{i:03d}",
                country=p.country,
                admin_area=p.admin_area,
                latitude=p.latitude,
                longitude=p.longitude,
                point_type="border_crossing" if p.kind == "crossing" else "transit_point",
            )
            for i, p in enumerate(places[:POINTS])
        )
    for n in range(1, 17):  # quarterly rounds over the four years
        start = date(FIRST_DAY.year + (n - 1) // 4, 1 + 3 * ((n - 1) % 4), 1)
        end = date(start.year + (start.month + 3 > 12), (start.month + 2) % 12 + 1, 1)
        Round.objects.get_or_create(
            operation=operation,
            number=n,
            defaults={"starts_on": start, "ends_on": end - timedelta(days=1)},
        )
    user = User.objects.filter(email=BENCH_USER).first()
    if user is None:
        user = accounts.user_create(actor=None, email=BENCH_USER, full_name="Bench DTM",
                                    password=None)  # fmt: skip
        accounts.membership_add(actor=None, user=user, organization=org, role=Role.DTM_ANALYST,
                                countries=list(countries.values()))  # fmt: skip
    rounds = list(operation.rounds.order_by("number"))
    return Fixtures(user, operation, rounds)


# --- loading ---------------------------------------------------------------------------


def _sql(statement: str, params: list[Any] | None = None) -> None:
    from django.db import connection

    with connection.cursor() as cur:
        cur.execute(statement, params or [])


def _scalar(statement: str, params: list[Any] | None = None) -> Any:
    from django.db import connection

    with connection.cursor() as cur:
        cur.execute(statement, params or [])
        return cur.fetchone()[0]


def _load(fx: Fixtures, counts: int, surveys: int) -> None:
    from caminantes.dtm import rollup

    _restore_indexes()  # after an interrupted load
    have = _scalar("SELECT count(*) FROM dtm_flowcount WHERE operation_id = %s", [fx.operation.pk])
    loaded = False
    if have < counts:
        t = time.perf_counter()
        _load_counts(fx, have, counts)
        print(f"loaded {counts - have:,} tally sheets in {time.perf_counter() - t:.0f} s")
        loaded = True
    elif _count("dtm_flowcountbreakdown") < 3 * have:  # an interrupted load
        _sql(_BREAKDOWNS, {"after": 0, "op": fx.operation.pk})  # type: ignore[arg-type]
        loaded = True
    have_s = _scalar(
        "SELECT count(*) FROM dtm_surveysubmission WHERE operation_id = %s", [fx.operation.pk]
    )
    if have_s < surveys:
        t = time.perf_counter()
        _load_surveys(fx, have_s, surveys)
        print(f"loaded {surveys - have_s:,} interviews in {time.perf_counter() - t:.0f} s")
        loaded = True
    if not _scalar("SELECT count(*) FROM dtm_baselineassessment"):
        t = time.perf_counter()
        _load_mobility(fx)
        print(f"loaded mobility tracking in {time.perf_counter() - t:.0f} s")
    if loaded:
        t = time.perf_counter()
        rollup.rebuild()
        _sql("ANALYZE")
        print(f"rebuilt the rollup and analysed in {time.perf_counter() - t:.0f} s")
    tables = {
        "dtm_flowcount": "sheets",
        "dtm_flowcountbreakdown": "breakdown rows",
        "dtm_flowdaily": "daily rows",
        "dtm_flowdailybreakdown": "daily breakdown rows",
        "dtm_surveysubmission": "interviews",
        "dtm_surveychoice": "answer rows",
        "dtm_baselineassessment": "baselines",
        "dtm_baselinebreakdown": "baseline rows",
        "dtm_siteassessment": "site assessments",
    }
    print(", ".join(f"{_count(t):,} {label}" for t, label in tables.items()))


def _count(table: str) -> int:
    from django.db import connection

    with connection.cursor() as cur:
        cur.execute(f"SELECT count(*) FROM {connection.ops.quote_name(table)}")  # noqa: S608
        return int(cur.fetchone()[0])


_POINTS_TABLE = """
CREATE TEMP TABLE IF NOT EXISTS bench_points AS
SELECT (row_number() OVER (ORDER BY id) - 1)::int AS idx, id, organization_id, country_id,
       operation_id
FROM dtm_flowmonitoringpoint WHERE operation_id = %s
"""

# i -> point (i mod P), direction x flow type (8 slots), day, hourly shift: every sheet a
# distinct key.
_COUNTS = """
INSERT INTO dtm_flowcount (uuid, point_id, organization_id, country_id, operation_id,
  observed_on, shift_start, shift_end, direction, flow_type, individuals, groups,
  unaccompanied_children,
  female_0_5, female_6_17, female_18_59, female_60_plus, male_0_5, male_6_17, male_18_59,
  male_60_plus, pregnant_lactating, with_disabilities, source, content_sha256, created_at)
SELECT gen_random_uuid(), p.id, p.organization_id, p.country_id, p.operation_id,
  %(first)s::date + ((r.i / %(p)s / 8) %% %(days)s)::int,
  time '05:00' + ((r.i / %(p)s / 8 / %(days)s) * interval '1 hour'),
  time '05:55' + ((r.i / %(p)s / 8 / %(days)s) * interval '1 hour'),
  (ARRAY['incoming','outgoing'])[1 + (r.i / %(p)s) %% 2],
  (ARRAY['pendular','transit','stay','return'])[1 + (r.i / %(p)s / 2) %% 4],
  r.n, greatest(1, r.n / 3), 0,
  r.n * 6 / 100, r.n * 8 / 100, r.n * 30 / 100, r.n * 2 / 100,
  r.n * 6 / 100, r.n * 8 / 100,
  r.n - (r.n * 6 / 100) * 2 - (r.n * 8 / 100) * 2 - r.n * 30 / 100 - (r.n * 2 / 100) * 2,
  r.n * 2 / 100, r.n * 3 / 100, r.n * 2 / 100, 'demo', md5(r.i::text), now()
FROM (
  SELECT i, (1 + abs(hashint8(i)) %% (12 * (1 + (i %% %(p)s) %% 5)))::int AS n
  FROM generate_series(%(lo)s::bigint, %(hi)s::bigint - 1) AS i
) r
JOIN bench_points p ON p.idx = r.i %% %(p)s
"""

_BREAKDOWNS = """
INSERT INTO dtm_flowcountbreakdown (count_id, dimension, code, individuals)
SELECT c.id, d.dimension, d.codes[1 + floor(power(random(), 2.5) * array_length(d.codes, 1))::int],
       c.individuals
FROM dtm_flowcount c
CROSS JOIN (VALUES
  ('nationality', ARRAY['VE','CO','HT','CU','EC','PE']),
  ('transport', ARRAY['on_foot','bus','car','truck','boat','motorbike','plane']),
  ('destination', ARRAY['PE','CO','CL','EC','US','AR','BR','MX','PA','VE'])
) AS d(dimension, codes)
WHERE c.id > %(after)s AND c.operation_id = %(op)s
  AND NOT EXISTS (SELECT 1 FROM dtm_flowcountbreakdown x WHERE x.count_id = c.id)
"""


def _without_indexes(table: str) -> None:
    """Drop the table's plain secondary indexes (not keys or unique constraints) for a bulk
    load, noting their definitions in bench_dropped_indexes so that `_restore_indexes` makes
    them again, even after an interrupted run."""
    from django.db import connection

    with connection.cursor() as cur:
        cur.execute("CREATE TABLE IF NOT EXISTS bench_dropped_indexes (definition text)")
        cur.execute(
            "SELECT i.indexname, i.indexdef FROM pg_indexes i WHERE i.tablename = %s AND NOT "
            "EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conname = i.indexname)",
            [table],
        )
        for name, definition in cur.fetchall():
            cur.execute("INSERT INTO bench_dropped_indexes VALUES (%s)", [definition])
            cur.execute(f'DROP INDEX "{name}"')


def _restore_indexes() -> None:
    from django.db import connection

    with connection.cursor() as cur:
        cur.execute("CREATE TABLE IF NOT EXISTS bench_dropped_indexes (definition text)")
        cur.execute("SELECT DISTINCT definition FROM bench_dropped_indexes")
        for (definition,) in cur.fetchall():
            cur.execute(definition.replace("CREATE INDEX", "CREATE INDEX IF NOT EXISTS", 1))
        cur.execute("DELETE FROM bench_dropped_indexes")


def _load_counts(fx: Fixtures, have: int, want: int) -> None:
    from django.db import transaction

    _sql("SET synchronous_commit = off")
    _without_indexes("dtm_flowcount")
    _without_indexes("dtm_flowcountbreakdown")

    points = fx.operation.points.count()
    after = _scalar("SELECT coalesce(max(id), 0) FROM dtm_flowcount")
    _sql(_POINTS_TABLE, [fx.operation.pk])
    step = 500_000
    for lo in range(have, want, step):
        hi = min(want, lo + step)
        with transaction.atomic():
            _sql(_COUNTS, {"first": FIRST_DAY, "p": points, "days": DAYS, "lo": lo, "hi": hi})  # type: ignore[arg-type]
        print(f"  sheets {hi:,}/{want:,}", flush=True)
    with transaction.atomic():
        _sql(_BREAKDOWNS, {"after": after, "op": fx.operation.pk})  # type: ignore[arg-type]
    _restore_indexes()


_SURVEYS = """
INSERT INTO dtm_surveysubmission (uuid, point_id, organization_id, country_id, operation_id,
  interviewed_on, consent, nationality, sex, age, marital_status, education,
  employment_before, employment_now, origin_country, origin_admin1, group_size,
  children_in_group, unaccompanied_children, children_left_behind, main_transport,
  destination_country, destination_admin1, intends_to_stay, regular_entry, asylum_sought,
  health_problem, sends_remittances, other_reason, other_need, comments, answers, source,
  content_sha256, created_at, disability, intention, intention_country, legal_status, pregnant,
  slept_last_night, wg_seeing, wg_hearing, wg_walking, wg_remembering, wg_selfcare,
  wg_communicating, group_female_0_5, group_female_6_17, group_female_18_59,
  group_female_60_plus, group_male_0_5, group_male_6_17, group_male_18_59, group_male_60_plus)
SELECT gen_random_uuid(), p.id, p.organization_id, p.country_id, p.operation_id,
  %(first)s::date + (i %% %(days)s)::int, true,
  CASE WHEN random() < 0.93 THEN 'VE' ELSE 'CO' END,
  CASE WHEN random() < 0.52 THEN 'female' ELSE 'male' END,
  18 + floor(power(random(), 1.6) * 55)::int, '', '', '', '', 'VE', '',
  2 + (i %% 4), (i %% 3), 0, '',
  (ARRAY['on_foot','bus','car','truck'])[1 + (i %% 4)],
  (ARRAY['PE','CO','CL','EC','US','AR','BR'])[1 + floor(power(random(), 2) * 7)::int], '',
  '', '', '', '', '', '', '', '', '{}'::jsonb, 'demo', md5(i::text), now(),
  (ARRAY['no','no','no','no','no','no','yes','dont_know'])[1 + (i %% 8)],
  (ARRAY['stay','stay','move_on','return','dont_know'])[1 + (i / 3) %% 5],
  CASE WHEN (i / 3) %% 5 = 2 THEN (ARRAY['PE','CL','US'])[1 + (i %% 3)] ELSE '' END,
  (ARRAY['ppt_pep','cpp','irregular','irregular','asylum_seeker','other'])[1 + (i / 7) %% 6],
  CASE WHEN i %% 2 = 0 THEN (ARRAY['no','no','no','yes'])[1 + (i / 5) %% 4] ELSE '' END,
  (ARRAY['street','shelter','host_family','rented','terminal','in_transport'])[1 + (i / 11) %% 6],
  (ARRAY['no_difficulty','no_difficulty','no_difficulty','some','a_lot'])[1 + (i / 13) %% 5],
  (ARRAY['no_difficulty','no_difficulty','no_difficulty','no_difficulty','some'])[1 + i / 17 %% 5],
  (ARRAY['no_difficulty','no_difficulty','no_difficulty','some','cannot'])[1 + (i / 19) %% 5],
  (ARRAY['no_difficulty','no_difficulty','no_difficulty','no_difficulty','some'])[1 + i / 23 %% 5],
  (ARRAY['no_difficulty','no_difficulty','no_difficulty','no_difficulty','a_lot'])[1 + i / 29 %% 5],
  (ARRAY['no_difficulty','no_difficulty','no_difficulty','no_difficulty','some'])[1 + i / 31 %% 5],
  (i %% 3) / 2, (i %% 3) / 2, 1 - (i %% 2), 0, (i %% 3) %% 2, 0, i %% 2, 0
FROM generate_series(%(lo)s::bigint, %(hi)s::bigint - 1) AS i
JOIN bench_points p ON p.idx = i %% %(p)s
"""

# Each submission picks each option of a question with its own probability.
_CHOICES = """
INSERT INTO dtm_surveychoice (submission_id, question, option, position, operation_id,
  point_id, interviewed_on)
SELECT s.id, q.question, o.option, o.pos, s.operation_id, s.point_id, s.interviewed_on
FROM dtm_surveysubmission s
CROSS JOIN (VALUES
  ('reasons_leaving', ARRAY['economic','food','health','violence','family','services'],
                      ARRAY[0.8, 0.4, 0.3, 0.15, 0.2, 0.25]),
  ('needs', ARRAY['food','shelter','health','documentation','employment','transport','cash'],
            ARRAY[0.6, 0.4, 0.3, 0.35, 0.45, 0.25, 0.3]),
  ('documents', ARRAY['passport','national_id','birth_certificate','permit'],
                ARRAY[0.35, 0.7, 0.3, 0.1]),
  ('incidents', ARRAY['theft','assault','extortion','discrimination'],
                ARRAY[0.15, 0.06, 0.1, 0.12]),
  ('transit_countries', ARRAY['CO','EC','PE','BO','CL'], ARRAY[0.9, 0.5, 0.35, 0.1, 0.05])
) AS q(question, options, chances)
CROSS JOIN LATERAL (
  SELECT opt AS option, (n - 1)::int AS pos
  FROM unnest(q.options, q.chances) WITH ORDINALITY AS u(opt, chance, n)
  WHERE random() < u.chance + 0 * s.id
) o
WHERE s.id > %(after)s AND s.operation_id = %(op)s
"""


def _load_surveys(fx: Fixtures, have: int, want: int) -> None:
    from django.db import transaction

    points = fx.operation.points.count()
    after = _scalar("SELECT coalesce(max(id), 0) FROM dtm_surveysubmission")
    _sql(_POINTS_TABLE, [fx.operation.pk])
    with transaction.atomic():
        params = {"first": FIRST_DAY, "p": points, "days": DAYS, "lo": have, "hi": want}
        _sql(_SURVEYS, params)  # type: ignore[arg-type]
        _sql(_CHOICES, {"after": after, "op": fx.operation.pk})  # type: ignore[arg-type]


# Mobility tracking (issue 16 §3): every round, a baseline in every admin-1 area of the
# operation's countries (sex x age adding up, origin, arrival period, shelter type and need
# severity rows), and SITES collective sites assessed each round (nationality and services).
SITES = 200

_BASELINES = """
INSERT INTO dtm_baselineassessment (uuid, round_id, organization_id, country_id, admin_area_id,
  assessed_on, households, individuals, key_informants, notes, source, created_at,
  female_0_5, female_6_17, female_18_59, female_60_plus, male_0_5, male_6_17, male_18_59,
  male_60_plus)
SELECT gen_random_uuid(), r.id, o.organization_id, a.country_id, a.id, r.ends_on - 5, b.n / 4,
  b.n, 6, '', 'demo', now(), b.n * 6 / 100, b.n * 9 / 100, b.n * 28 / 100, b.n * 3 / 100,
  b.n * 6 / 100, b.n * 9 / 100,
  b.n - (b.n * 6 / 100) * 2 - (b.n * 9 / 100) * 2 - b.n * 28 / 100 - (b.n * 3 / 100) * 2,
  b.n * 3 / 100
FROM dtm_round r
JOIN dtm_operation o ON o.id = r.operation_id
JOIN dtm_operation_countries oc ON oc.operation_id = o.id
JOIN geo_adminarea a ON a.country_id = oc.country_id AND a.level = 1
CROSS JOIN LATERAL (SELECT 3000 + abs(hashint8(a.id * 100 + r.number)) %% 60000 AS n) b
WHERE o.id = %(op)s
"""

_BASELINE_ROWS = """
INSERT INTO dtm_baselinebreakdown (assessment_id, dimension, code, value)
SELECT b.id, d.dimension, d.code, greatest(1, b.individuals * d.share / 100)
FROM dtm_baselineassessment b
CROSS JOIN (VALUES
  ('origin_country', 'VE', 92), ('origin_country', 'CO', 5), ('origin_country', 'other', 3),
  ('arrival_period', 'last_3_months', 15), ('arrival_period', '3_12_months', 25),
  ('arrival_period', '1_3_years', 35), ('arrival_period', 'over_3_years', 25),
  ('shelter_type', 'rented', 60), ('shelter_type', 'host_family', 15),
  ('shelter_type', 'collective_site', 8), ('shelter_type', 'street', 7),
  ('shelter_type', 'informal_settlement', 10)
) AS d(dimension, code, share)
UNION ALL
SELECT b.id, 'need_sector', s.code, 1 + abs(hashint8(b.id * 7 + s.i)) %% 5
FROM dtm_baselineassessment b
CROSS JOIN (VALUES ('food', 1), ('health', 2), ('shelter', 3), ('livelihoods', 4),
                   ('protection', 5)) AS s(code, i)
"""

_SITES = """
INSERT INTO dtm_collectivesite (uuid, organization_id, country_id, admin_area_id, name, code,
  site_type, latitude, longitude, is_active, created_at)
SELECT gen_random_uuid(), o.organization_id, a.country_id, a.id, 'Bench site ' || i,
  'bench-site-' || i,
  (ARRAY['shelter','collective_centre','transit_centre','spontaneous'])[1 + i %% 4],
  NULL, NULL, true, now()
FROM generate_series(0, %(n)s - 1) AS i
JOIN dtm_operation o ON o.id = %(op)s
JOIN LATERAL (SELECT a.id, a.country_id FROM geo_adminarea a
              JOIN dtm_operation_countries oc ON oc.country_id = a.country_id
              WHERE oc.operation_id = o.id AND a.level = 1
              ORDER BY a.id OFFSET i %% 150 LIMIT 1) a ON true
"""

_SITE_ASSESSMENTS = """
INSERT INTO dtm_siteassessment (uuid, site_id, round_id, organization_id, country_id,
  assessed_on, capacity, households, individuals, notes, source, created_at,
  female_0_5, female_6_17, female_18_59, female_60_plus, male_0_5, male_6_17, male_18_59,
  male_60_plus)
SELECT gen_random_uuid(), s.id, r.id, s.organization_id, s.country_id, r.ends_on - 3, c.cap,
  c.n / 3, c.n, '', 'demo', now(), c.n * 8 / 100, c.n * 12 / 100, c.n * 25 / 100, c.n * 3 / 100,
  c.n * 8 / 100, c.n * 12 / 100,
  c.n - (c.n * 8 / 100) * 2 - (c.n * 12 / 100) * 2 - c.n * 25 / 100 - (c.n * 3 / 100) * 2,
  c.n * 3 / 100
FROM dtm_collectivesite s
JOIN dtm_round r ON r.operation_id = %(op)s
CROSS JOIN LATERAL (
  SELECT 50 + abs(hashint8(s.id)) %% 500 AS cap,
         (50 + abs(hashint8(s.id)) %% 500) * (60 + abs(hashint8(s.id * 31 + r.number)) %% 55)
           / 100 AS n) c
WHERE s.code LIKE 'bench-site-%%'
"""

_SITE_ROWS = """
INSERT INTO dtm_siteassessmentbreakdown (assessment_id, dimension, code, value)
SELECT a.id, d.dimension, d.code, greatest(1, a.individuals * d.share / 100)
FROM dtm_siteassessment a
CROSS JOIN (VALUES ('nationality', 'VE', 90), ('nationality', 'CO', 7),
                   ('nationality', 'other', 3)) AS d(dimension, code, share)
UNION ALL
SELECT a.id, 'service', s.code, 1
FROM dtm_siteassessment a
CROSS JOIN (VALUES ('water'), ('food'), ('health'), ('toilets')) AS s(code)
"""


def _load_mobility(fx: Fixtures) -> None:
    from django.db import transaction

    with transaction.atomic():
        params = {"op": fx.operation.pk, "n": SITES}
        for statement in (_BASELINES, _BASELINE_ROWS, _SITES, _SITE_ASSESSMENTS, _SITE_ROWS):
            _sql(statement, params)  # type: ignore[arg-type]
    _sql("ANALYZE dtm_baselineassessment, dtm_baselinebreakdown, dtm_siteassessment, "
         "dtm_siteassessmentbreakdown")  # fmt: skip


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


def _filters(rng: random.Random, points: list[Any]) -> dict[str, str]:
    days = rng.choice([7, 30, 90, 90, 365, DAYS - 1])
    end = FIRST_DAY + timedelta(days=rng.randint(days, DAYS - 1))
    query = {"start": (end - timedelta(days=days - 1)).isoformat(), "end": end.isoformat()}
    if rng.random() < 0.4:
        query["point"] = str(rng.choice(points).uuid)
    if rng.random() < 0.3:
        query["direction"] = rng.choice(["incoming", "outgoing"])
    if rng.random() < 0.3:
        query["flow_type"] = rng.choice(["pendular", "transit", "stay", "return"])
    return query


def _timed(fn: Callable[[], Any]) -> float:
    t = time.perf_counter()
    fn()
    return 1000 * (time.perf_counter() - t)


def _narrowing(
    q: dict[str, str], points: dict[str, int], *, direction: bool = True
) -> tuple[str, list[Any]]:
    """The dashboard's point, direction and flow type filters as SQL (surveys have
    neither)."""
    sql, params = "", []
    if "point" in q:
        sql += " AND point_id = %s"
        params.append(points[q["point"]])
    if direction and "direction" in q:
        sql += " AND direction = %s"
        params.append(q["direction"])
    if direction and "flow_type" in q:
        sql += " AND flow_type = %s"
        params.append(q["flow_type"])
    return sql, params


def _bare_flows(op_id: int, q: dict[str, str], points: dict[str, int], table: str) -> None:
    day = "day" if table == "dtm_flowdaily" else "observed_on"
    extra, narrow = _narrowing(q, points)
    where = f"operation_id = %s AND {day} BETWEEN %s AND %s{extra}"
    params: list[Any] = [op_id, q["start"], q["end"], *narrow]
    children = "female_0_5 + female_6_17 + male_0_5 + male_6_17"
    query = (
        f"SELECT direction, sum(individuals), sum({children}) "  # noqa: S608 - our own names
        f"FROM {table} WHERE {where} GROUP BY direction"
    )
    _sql(query, params)


def _two_tier(q: dict[str, str], day: str) -> tuple[list[str], list[list[Any]]]:
    """The period as whole months + edge days (dashboards.periods.split), as WHERE clauses."""
    from caminantes.dtm.dashboards.periods import split

    cut = split(date.fromisoformat(q["start"]), date.fromisoformat(q["end"]))
    wheres, params = [], []
    if cut.first_month is not None:
        wheres.append("month BETWEEN %s AND %s")
        params.append([cut.first_month, cut.last_month])
    if cut.edges:
        wheres.append("(" + " OR ".join(f"{day} BETWEEN %s AND %s" for _e in cut.edges) + ")")
        params.append([d for edge in cut.edges for d in edge])
    return wheres, params


def _bare_flows_monthly(op_id: int, q: dict[str, str], points: dict[str, int]) -> None:
    """The same totals as `_bare_flows`, whole months from the monthly rollup."""
    wheres, periods = _two_tier(q, "day")
    children = "female_0_5 + female_6_17 + male_0_5 + male_6_17"
    extra, narrow = _narrowing(q, points)
    parts, params = [], []
    for where, period in zip(wheres, periods, strict=True):
        table = "dtm_flowmonthly" if where.startswith("month") else "dtm_flowdaily"
        params += [op_id, *period, *narrow]
        parts.append(f"SELECT direction, individuals, {children} AS children FROM {table} "  # noqa: S608
                     f"WHERE operation_id = %s AND {where}{extra}")  # fmt: skip
    _sql(f"SELECT direction, sum(individuals), sum(children) FROM ({' UNION ALL '.join(parts)}) t "  # noqa: S608
         "GROUP BY direction", params)  # fmt: skip


def _bare_surveys_monthly(op_id: int, q: dict[str, str], points: dict[str, int]) -> None:
    """The same answers as `_bare_surveys`, whole months from the monthly rollup."""
    wheres, periods = _two_tier(q, "interviewed_on")
    extra, narrow = _narrowing(q, points, direction=False)
    parts, params = [], []
    for where, period in zip(wheres, periods, strict=True):
        monthly = where.startswith("month")
        table = "dtm_surveychoicemonthly" if monthly else "dtm_surveychoice"
        n = "respondents" if monthly else "1"
        params += [op_id, *period, *narrow]
        parts.append(f"SELECT question, option, {n} AS n FROM {table} "  # noqa: S608
                     f"WHERE operation_id = %s AND {where}{extra}")  # fmt: skip
    _sql(f"SELECT question, option, sum(n) FROM ({' UNION ALL '.join(parts)}) t "  # noqa: S608
         "GROUP BY question, option", params)  # fmt: skip


def _bare_surveys(op_id: int, q: dict[str, str], points: dict[str, int]) -> None:
    extra, narrow = _narrowing(q, points, direction=False)
    where = f"operation_id = %s AND interviewed_on BETWEEN %s AND %s{extra}"
    params: list[Any] = [op_id, q["start"], q["end"], *narrow]
    _sql(f"SELECT question, option, count(*) FROM dtm_surveychoice WHERE {where} "  # noqa: S608
         "GROUP BY question, option", params)  # fmt: skip


def _pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def _measure(fx: Fixtures, args: argparse.Namespace) -> None:
    from django.urls import reverse

    from caminantes.dtm.reports.builder import render_pdf, render_report

    rng = random.Random(args.seed)
    client = _client(fx.user)
    points = list(fx.operation.points.all())
    point_ids = {str(p.uuid): p.pk for p in points}
    op = fx.operation
    results: dict[str, list[float]] = {}
    for name in ("flows", "surveys"):
        url = reverse(f"dtm_dashboard_{name}", args=[op.uuid])
        client.get(url)  # warm: imports, template cache, boundaries
        for _i in range(args.runs):
            q = _filters(rng, points)
            ms = _timed(lambda q=q, url=url: _check(client.get(url, q)))
            results.setdefault(name, []).append(ms)
            if name == "flows":
                results.setdefault("flows: bare SQL on the rollup", []).append(
                    _timed(lambda q=q: _bare_flows(op.pk, q, point_ids, "dtm_flowdaily"))
                )
                results.setdefault("flows: bare SQL on the raw sheets", []).append(
                    _timed(lambda q=q: _bare_flows(op.pk, q, point_ids, "dtm_flowcount"))
                )
                results.setdefault("flows: bare SQL, months + edge days", []).append(
                    _timed(lambda q=q: _bare_flows_monthly(op.pk, q, point_ids))
                )
            else:
                results.setdefault("surveys: bare SQL on the answers", []).append(
                    _timed(lambda q=q: _bare_surveys(op.pk, q, point_ids))
                )
                results.setdefault("surveys: bare SQL, months + edge days", []).append(
                    _timed(lambda q=q: _bare_surveys_monthly(op.pk, q, point_ids))
                )
    _measure_outputs(fx, args, rng, client, results)
    for round_ in rng.sample(fx.rounds, min(args.reports, len(fx.rounds))):
        language = rng.choice(["es", "en"])
        results.setdefault("report HTML", []).append(
            _timed(
                lambda r=round_, lang=language: render_report(user=fx.user, round_=r, language=lang)
            )
        )
        results.setdefault("report", []).append(
            _timed(lambda r=round_, lang=language: render_pdf(
                render_report(user=fx.user, round_=r, language=lang, for_pdf=True)))
        )  # fmt: skip
        q = {"start": round_.starts_on.isoformat(), "end": round_.ends_on.isoformat()}
        results.setdefault("report: bare SQL (flows + surveys)", []).append(
            _timed(lambda q=q: (_bare_flows(op.pk, q, point_ids, "dtm_flowdaily"),
                                _bare_surveys(op.pk, q, point_ids)))
        )  # fmt: skip
    print()
    print(f"{'measure':<40} {'runs':>5} {'p50 ms':>9} {'p95 ms':>9} {'max ms':>9} {'target':>9}")
    for name, values in results.items():
        target = TARGETS_MS.get(name)
        mark = "" if target is None else f"< {target:,.0f}"
        if target is not None and _pct(values, 0.95) > target:
            mark += " MISSED"
        print(f"{name:<40} {len(values):>5} {statistics.median(values):>9.1f} "
              f"{_pct(values, 0.95):>9.1f} {max(values):>9.1f} {mark:>9}")  # fmt: skip


def _check(response: Any) -> None:
    if response.status_code != 200:
        raise SystemExit(f"{response.status_code} from {response.request['PATH_INFO']}")
    if getattr(response, "streaming", False):  # an export: the whole file is the work
        b"".join(response.streaming_content)


def _bare_mobility(op_id: int, round_id: int, country_id: int | None) -> None:
    """The mobility page's figures, bare: people by area, needs by sector, the sites."""
    extra, params = ("AND b.country_id = %s", [country_id]) if country_id else ("", [])
    _sql("SELECT b.admin_area_id, sum(b.individuals), sum(b.households), "  # noqa: S608
         "sum(b.female_0_5 + b.female_6_17 + b.male_0_5 + b.male_6_17) "
         f"FROM dtm_baselineassessment b WHERE b.round_id = %s {extra} "
         "GROUP BY b.admin_area_id", [round_id, *params])  # fmt: skip
    _sql("SELECT x.dimension, x.code, sum(x.value), avg(x.value) FROM dtm_baselinebreakdown x "  # noqa: S608
         "JOIN dtm_baselineassessment b ON b.id = x.assessment_id "
         f"WHERE b.round_id = %s {extra} GROUP BY x.dimension, x.code",
         [round_id, *params])  # fmt: skip
    _sql("SELECT s.id, s.capacity, s.individuals FROM dtm_siteassessment s "  # noqa: S608
         f"WHERE s.round_id = %s {extra.replace('b.', 's.')}", [round_id, *params])  # fmt: skip


def _bare_mobility_export(op_id: int) -> None:
    """The areas table of every round: baselines with their breakdown rows."""
    _sql("SELECT b.round_id, b.admin_area_id, b.individuals, x.dimension, x.code, x.value "
         "FROM dtm_baselineassessment b JOIN dtm_round r ON r.id = b.round_id "
         "LEFT JOIN dtm_baselinebreakdown x ON x.assessment_id = b.id "
         "WHERE r.operation_id = %s ORDER BY b.round_id, b.admin_area_id", [op_id])  # fmt: skip


def _bare_aggregates(op_id: int, q: dict[str, str]) -> None:
    """The HXL export's figures, bare: per point, month and flow type from the daily rollup,
    and the breakdowns likewise."""
    cells = ", ".join(f"sum({c})" for c in (
        "female_0_5", "female_6_17", "female_18_59", "female_60_plus", "male_0_5", "male_6_17",
        "male_18_59", "male_60_plus"))  # fmt: skip
    params = [op_id, q["start"], q["end"]]
    _sql(f"SELECT point_id, date_trunc('month', day), flow_type, direction, sum(individuals), "  # noqa: S608
         f"{cells} FROM dtm_flowdaily WHERE operation_id = %s AND day BETWEEN %s AND %s "
         "GROUP BY 1, 2, 3, 4", params)  # fmt: skip
    _sql("SELECT point_id, date_trunc('month', day), flow_type, dimension, code, "
         "sum(individuals) FROM dtm_flowdailybreakdown WHERE operation_id = %s "
         "AND day BETWEEN %s AND %s GROUP BY 1, 2, 3, 4, 5", params)  # fmt: skip


def _measure_outputs(
    fx: Fixtures, args: argparse.Namespace, rng: random.Random, client: Any,
    results: dict[str, list[float]],
) -> None:  # fmt: skip
    """Issue 16's new outputs: the mobility dashboard and export, the flow aggregates in
    HXL (a round, a year, four years), each beside its bare SQL."""
    from django.urls import reverse

    op = fx.operation
    countries = list(op.countries.all())
    mobility = reverse("dtm_dashboard_mobility", args=[op.uuid])
    _check(client.get(mobility))  # warm
    for _i in range(args.runs):
        round_ = rng.choice(fx.rounds)
        country = rng.choice(countries) if rng.random() < 0.5 else None
        q = {"round": str(round_.uuid), **({"country": country.iso2} if country else {})}
        results.setdefault("mobility", []).append(
            _timed(lambda q=q: _check(client.get(mobility, q))))  # fmt: skip
        results.setdefault("mobility: bare SQL", []).append(
            _timed(lambda r=round_, c=country: _bare_mobility(op.pk, r.pk, c.pk if c else None))
        )
    export = reverse("dtm_export_mobility", args=[op.uuid])
    for _i in range(max(3, args.runs // 4)):
        results.setdefault("mobility export, every round (HXL)", []).append(
            _timed(lambda: _check(client.get(export, {"table": "areas", "file_format": "hxl"})))
        )
        results.setdefault("mobility export: bare SQL", []).append(
            _timed(lambda: _bare_mobility_export(op.pk))
        )
    flows = reverse("dtm_export_flows", args=[op.uuid])
    for days, label in ((91, "a quarter"), (365, "a year"), (DAYS - 1, "four years")):
        for _i in range(max(2, args.runs // 8)):
            end = FIRST_DAY + timedelta(days=rng.randint(days, DAYS - 1))
            q = {"start": (end - timedelta(days=days - 1)).isoformat(), "end": end.isoformat()}
            name = f"flow aggregates HXL, {label}"
            hxl = {"file_format": "hxl"}
            results.setdefault(name, []).append(
                _timed(lambda q=q, h=hxl: _check(client.get(flows, {**q, **h})))
            )
            results.setdefault(f"{name}: bare SQL", []).append(
                _timed(lambda q=q: _bare_aggregates(op.pk, q))
            )


if __name__ == "__main__":
    main()
