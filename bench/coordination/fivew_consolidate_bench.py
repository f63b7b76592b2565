"""5W consolidation and dashboard with a year of the region's 5W in PostgreSQL.

    .venv/bin/python bench/coordination/fivew_consolidate_bench.py --rows 200000

Against DATABASE_URL (default postgres://postgres@127.0.0.1:5432/caminantes_fivew_bench;
created and migrated if missing). If the database holds fewer activity rows than asked,
the missing ones are generated (bulk_create in batches): ORGS organisations reporting in
the 17 R4V countries over the 12 months of YEAR, every report validated, rows spread over
each country's admin-1 areas and the R4V indicators, breakdowns adding up as the rules
want; the reports are bulk-created validated, so `caminantes fivew summarise` then writes
the dashboard's summaries of them, as the app does when an IMO validates (timed). Then the
tables are analysed.

Then it times:
- consolidating the year for the region (every figure the app computes in SQL: totals,
  per country x admin-1 x sector x subsector, the max-sector model per country x admin-1,
  CVA per mechanism) beside the floor: one bare SQL GROUP BY of the same rows (sums per
  country x admin-1 x sector, no breakdown cells, no max-sector);
- the dashboard page (Django test client as the regional IMO: middleware, policy, queries
  on the summaries, charts, map, template) with varied filters, p50/p95, beside the bare SQL
  sum of the same filter (on the rows). Before timing it, the region-year figures read from
  the summaries are checked equal to those `consolidate` computes from the rows. Not a
  test: run it by hand, on a quiet machine.
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import time
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/caminantes_fivew_bench"
TARGETS = {"consolidate_s": 10.0, "dashboard_p95_ms": 500.0}
YEAR = 2025
ORGS = 12
COUNTRIES = ("AR", "AW", "BO", "BR", "CL", "CO", "CR", "CW", "DO", "EC", "GY", "MX", "PA",
             "PY", "PE", "TT", "UY")  # fmt: skip
IMO = "imo.bench@bench.invalid"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, default=200_000, help="activity rows to have")
    parser.add_argument("--runs", type=int, default=30, help="timed dashboard requests")
    parser.add_argument("--repeat", type=int, default=3, help="timed consolidations")
    parser.add_argument("--seed", type=int, default=5)
    parser.add_argument("--database-url", default=os.environ.get("DATABASE_URL", DEFAULT_URL))
    parser.add_argument("--load-only", action="store_true")
    args = parser.parse_args()

    from bench.registry.search_register_bench import _ensure_database, _setup_django

    _ensure_database(args.database_url)
    _setup_django(args.database_url)
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    imo = _fixtures()
    _load(args.rows, random.Random(args.seed))
    if args.load_only:
        return
    _measure(imo, args)


def _fixtures() -> Any:
    from caminantes.accounts import services as accounts
    from caminantes.accounts.models import Organization, User
    from caminantes.accounts.permissions import Role
    from caminantes.coordination.fivew import refdata
    from caminantes.geo.models import Country
    from caminantes.geo.services import places_load

    if Country.objects.filter(iso2__in=COUNTRIES).count() < len(COUNTRIES):
        places_load()
    refdata.load(years=(YEAR,))
    countries = list(Country.objects.filter(iso2__in=COUNTRIES))
    for i in range(ORGS):
        if not Organization.objects.filter(acronym=f"B{i:02d}").exists():
            accounts.organization_create(actor=None, name=f"Bench partner {i}",
                                         acronym=f"B{i:02d}", type="national_ngo",
                                         countries=countries)  # fmt: skip
    User.objects.filter(email=IMO, is_demo=True).update(is_demo=False)  # refused outside demo
    user = User.objects.filter(email=IMO).first()
    if user is None:
        user = accounts.user_create(actor=None, email=IMO, full_name="IMO bench",
                                    password="bench-password-not-used")  # noqa: S106  # fmt: skip
        accounts.membership_add(actor=None, user=user,
                                organization=Organization.objects.get(acronym="B00"),
                                role=Role.IM_OFFICER, countries=countries)  # fmt: skip
    return user


def _load(want: int, rng: random.Random) -> None:
    from caminantes.accounts.models import Organization
    from caminantes.coordination.fivew.models import (
        Activity,
        Admin1,
        Indicator,
        Report,
        Status,
        Summary,
    )
    from caminantes.geo.models import Country

    have = Activity.objects.count()
    if have >= want:
        print(f"{have:,} activity rows already there")
        if not Summary.objects.exists():  # loaded before the summaries existed
            _summarise()
        return
    t = time.perf_counter()
    orgs = list(Organization.objects.filter(acronym__startswith="B"))
    countries = list(Country.objects.filter(iso2__in=COUNTRIES))
    areas: dict[int, list[Admin1]] = {}
    for a in Admin1.objects.filter(country__in=countries).order_by("name"):
        areas.setdefault(a.country_id, []).append(a)
    for c_id, found in areas.items():  # "Country level" only where there is nothing else
        areas[c_id] = [a for a in found if a.name != "Country level"] or found
    indicators = list(Indicator.objects.filter(year=YEAR).select_related("sector"))
    reports = []
    for org in orgs:
        for c in countries:
            for m in range(1, 13):
                report, _ = Report.objects.get_or_create(
                    organization=org, country=c, month=date(YEAR, m, 1),
                    defaults={"status": Status.VALIDATED},
                )  # fmt: skip
                reports.append(report)
    batch: list[Activity] = []
    mechanisms = ["mobile_money", "prepaid_card", "bank_account", "cash_in_hand", "voucher"]
    for _i in range(want - have):
        report = rng.choice(reports)
        ind = rng.choice(indicators)
        direct = ind.type in ("direct_assistance", "capacity_building")
        new = rng.randint(1, 400) if direct else None
        n = new or 0
        dest = int(n * 0.6)
        transit = int(n * 0.25)
        host = n - dest - transit
        women = int(n * 0.4)
        men = int(n * 0.3)
        girls = int(n * 0.15)
        boys = n - women - men - girls
        cva = ind.sector.name.startswith("Multipurpose") or rng.random() < 0.05
        batch.append(Activity(
            report=report, admin1=rng.choice(areas[report.country_id]), sector=ind.sector,
            indicator=ind, activity_name=f"Actividad {rng.randint(1, 50)}", rmrp_activity=True,
            cva=cva, value_usd=n * 80 if cva else None,
            delivery_mechanism=rng.choice(mechanisms) if cva else "",
            quantity_output=n or rng.randint(1, 20), monthly_beneficiaries=n + rng.randint(0, 50),
            new_beneficiaries=new, pop_in_destination=dest, pop_in_transit=transit,
            pop_host_community=host, women_over18=women, men_over18=men,
            women_under18=girls, men_under18=boys, source="upload",
        ))  # fmt: skip
        if len(batch) == 5000:
            Activity.objects.bulk_create(batch)
            batch = []
    Activity.objects.bulk_create(batch)
    print(f"loaded {want - have:,} activity rows in {time.perf_counter() - t:.0f} s")
    _summarise()


def _summarise() -> None:
    from django.core.management import call_command
    from django.db import connection

    def analyse(*tables: str) -> None:
        with connection.cursor() as cur:
            for table in tables:
                cur.execute(f"ANALYZE {table}")

    analyse("fivew_activity", "fivew_report", "fivew_indicator", "fivew_sector", "fivew_admin1")
    t = time.perf_counter()
    call_command("fivew", "summarise")
    analyse("fivew_summary", "fivew_cvasummary")
    print(f"summarised the validated months in {time.perf_counter() - t:.1f} s")


def _timed(fn: Callable[[], Any]) -> float:
    t = time.perf_counter()
    fn()
    return time.perf_counter() - t


def _bare(where: str = "", params: list[Any] | None = None, group: str = "") -> None:
    from django.db import connection

    sql = (
        "SELECT " + (group + ", " if group else "") + "sum(a.monthly_beneficiaries), "  # noqa: S608
        "sum(a.new_beneficiaries) FROM fivew_activity a JOIN fivew_report r ON r.id = a.report_id "
        "JOIN fivew_indicator i ON i.id = a.indicator_id JOIN geo_country c ON c.id = r.country_id "
        "WHERE r.status = 'validated' AND a.rmrp_activity AND i.type = 'direct_assistance'"
        + where
        + (" GROUP BY " + group if group else "")
    )
    with connection.cursor() as cur:
        cur.execute(sql, params or [])
        cur.fetchall()


def _consolidate_all() -> None:
    from caminantes.coordination.fivew import consolidate

    qs = consolidate.filtered(consolidate.validated(), start=date(YEAR, 1, 1),
                              end=date(YEAR, 12, 1))  # fmt: skip
    consolidate.totals(qs)
    consolidate.by(qs, "country", "admin1", "admin1_pcode", "sector", "subsector")
    consolidate.max_sector(qs, "country", "admin1")
    consolidate.max_sector(qs)
    consolidate.cva_by_mechanism(qs)


def _check(imo: Any, countries: list[Any]) -> None:
    """The region-year figures the dashboard reads from the summaries equal those computed
    from the rows (the test suite checks it on small data; here on the benchmark's)."""
    from caminantes.coordination.fivew import consolidate, dashboard, selectors

    year = {"start": date(YEAR, 1, 1), "end": date(YEAR, 12, 1)}
    f = dashboard.figures(selectors.validated_summaries(user=imo), countries=countries,
                          sector=None, **year)  # fmt: skip
    qs = consolidate.filtered(selectors.validated_activities(user=imo), countries=countries,
                              **year)  # fmt: skip
    cube = consolidate.by(qs, "country", "admin1", "subsector", "month")
    assert f.totals == consolidate.rollup(cube)[0]
    assert f.by_admin1 == consolidate.rollup(cube, "country", "admin1")
    assert f.by_sector == consolidate.rollup(cube, "subsector")
    assert f.max_sector == consolidate.max_sector(qs)[0], (f.max_sector, consolidate.max_sector(qs))
    assert [{k: v for k, v in c.items() if k != "label"} for c in f.cva] == (
        consolidate.cva_by_mechanism(qs)
    )
    print(f"summaries = rows for the region's year: {f.max_sector['people_reached']:,} "
          f"people reached (max-sector), {f.totals['people_reached']:,} (sum)")  # fmt: skip


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


def _measure(imo: Any, args: argparse.Namespace) -> None:
    from caminantes.coordination.fivew.models import Activity, Sector
    from caminantes.geo.models import Country

    rng = random.Random(args.seed)
    n = Activity.objects.count()
    print(f"\n{n:,} activity rows, {len(COUNTRIES)} countries, year {YEAR}\n")
    cons = [_timed(_consolidate_all) for _i in range(args.repeat)]
    floor = [
        _timed(lambda: _bare(group="c.iso3, a.admin1_id, a.sector_id")) for _i in range(args.repeat)
    ]
    print(f"{'measure':46} {'median':>10} {'floor':>10} {'target':>10}")
    print(f"{'consolidate the region year (s)':46} {statistics.median(cons):10.2f} "
          f"{statistics.median(floor):10.2f} {TARGETS['consolidate_s']:10.1f}")  # fmt: skip
    countries = list(Country.objects.filter(iso2__in=COUNTRIES))
    _check(imo, countries)
    client = _client(imo)
    sectors = list(Sector.objects.filter(parent__isnull=True))
    page, bare = [], []
    client.get("/coordination/5w/dashboard/", {"year": str(YEAR)})  # warm the map's cache
    for _i in range(args.runs):
        q: dict[str, str] = {}
        first = rng.randint(1, 12)
        last = rng.randint(first, 12)
        q["start"], q["end"] = f"{YEAR}-{first:02d}", f"{YEAR}-{last:02d}"
        where = " AND r.month BETWEEN %s AND %s"
        params: list[Any] = [date(YEAR, first, 1), date(YEAR, last, 1)]
        if rng.random() < 0.5:
            c = rng.choice(countries)
            q["country"] = str(c.pk)
            where += " AND r.country_id = %s"
            params.append(c.pk)
        if rng.random() < 0.3:
            s = rng.choice(sectors)
            q["sector"] = str(s.pk)
            where += " AND a.sector_id = %s"
            params.append(s.pk)
        t = time.perf_counter()
        r = client.get("/coordination/5w/dashboard/", q)
        page.append(1000 * (time.perf_counter() - t))
        assert r.status_code == 200, (r.status_code, q, r.get("Location"))
        bare.append(1000 * _timed(lambda w=where, p=params: _bare(w, p, "c.iso3")))

    def p95(xs: list[float]) -> float:
        return statistics.quantiles(xs, n=20)[-1] if len(xs) >= 2 else xs[0]

    print(f"{'dashboard page p50 (ms)':46} {statistics.median(page):10.0f} "
          f"{statistics.median(bare):10.0f} {'':>10}")  # fmt: skip
    print(f"{'dashboard page p95 (ms)':46} {p95(page):10.0f} {p95(bare):10.0f} "
          f"{TARGETS['dashboard_p95_ms']:10.0f}")  # fmt: skip


if __name__ == "__main__":
    main()
