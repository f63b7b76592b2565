"""Bulk import at scale: a 100,000-row household file, end to end, in PostgreSQL.

    .venv/bin/python bench/registry/import_bench.py --rows 100000

Against DATABASE_URL (default postgres://postgres@127.0.0.1:5432/caminantes_bench; the
database is created and migrated if missing). Each run makes its own organisation, so runs
do not see each other's people. It:

1. registers `--existing` people for that organisation first, through the same import (not
   timed), so that the duplicate check looks at a registry that is not empty;
2. writes a CSV of `--rows` people in households (lib.fakenames: Venezuelan names, compound
   given names, two surnames, accents, cédulas, Colombian and Venezuelan phones, dates
   written both ways), 1 % of the households being people already registered;
3. times upload -> stage + validate -> approve -> merge, the way the pages and the command
   line run them (imports.batch_create / batch_validate / batch_approve / batch_merge);
4. times the floor: COPY of the very same file into a bare table of text columns;
5. prints wall time, peak RSS (resource.getrusage) and the ratio to the floor.

Budgets from the issue: < 3 minutes end to end, process < 1 GB. Nothing here is a test: run
it by hand, on a quiet machine.
"""

from __future__ import annotations

import argparse
import csv
import os
import random
import resource
import sys
import tempfile
import time
from collections.abc import Iterator
from datetime import date, timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/caminantes_bench"
BUDGET_SECONDS = 180.0
BUDGET_MB = 1024.0
AREAS = [  # Colombian departments where Venezuelans live: ISO 3166-2, P-code, name, weight
    ("CO-DC", "CO11", "Bogotá", 22),
    ("CO-ANT", "CO05", "Antioquia", 12),
    ("CO-NSA", "CO54", "Norte de Santander", 10),
    ("CO-ATL", "CO08", "Atlántico", 8),
    ("CO-LAG", "CO44", "La Guajira", 6),
    ("CO-VAC", "CO76", "Valle del Cauca", 7),
    ("CO-SAN", "CO68", "Santander", 5),
    ("CO-BOL", "CO13", "Bolívar", 4),
    ("CO-NAR", "CO52", "Nariño", 3),
    ("CO-ARA", "CO81", "Arauca", 3),
]
HEADER = [
    "household_id", "relationship", "given_names", "first_surname", "second_surname", "sex",
    "birth_date", "birth_date_estimated", "nationality", "document_type", "document_number",
    "phone", "whatsapp", "population_type", "admin1", "arrival_date", "consent_registration",
    "consent_family_tracing",
]  # fmt: skip
POPULATION = [("en destino", 60), ("en tránsito", 25), ("pendular", 10), ("retornado", 5)]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, default=100_000, help="people in the file")
    parser.add_argument("--existing", type=int, default=10_000, help="people registered first")
    parser.add_argument("--seed", type=int, default=None, help="default: a new one each run")
    parser.add_argument("--database-url", default=os.environ.get("DATABASE_URL", DEFAULT_URL))
    parser.add_argument("--keep-file", action="store_true", help="keep the generated CSV")
    parser.add_argument(
        "--keep-data",
        action="store_true",
        help="leave the imported people in the database (default: removed after the run)",
    )
    args = parser.parse_args()
    seed = args.seed if args.seed is not None else int(time.time())

    work = Path(tempfile.mkdtemp(prefix="caminantes-import-bench-"))
    _ensure_database(args.database_url)
    _setup_django(args.database_url, work / "media")
    from django.core.management import call_command
    from django.db import connection

    call_command("migrate", verbosity=0)
    fx = _fixtures(seed)
    rng = random.Random(seed)

    existing_file = work / "registered.csv"
    known = _write_file(existing_file, args.existing, rng, seed, prefix="R", known=None)
    registered = 0
    if args.existing:
        started = time.perf_counter()
        seeded = _import(existing_file, fx, approve=True)
        registered = seeded.summary.get("merged_people", 0)
        print(
            f"registered {seeded.summary.get('merged_people', 0):,} people first "
            f"in {time.perf_counter() - started:.0f} s (not timed)"
        )

    path = work / "households.csv"
    _write_file(path, args.rows, rng, seed + 1, prefix="H", known=known)
    size_mb = path.stat().st_size / 1e6
    rss_before = _peak_rss_mb()

    timings: dict[str, float] = {}
    batch = _import(path, fx, approve=True, timings=timings)
    total = sum(timings.values())
    rss_peak = _peak_rss_mb()

    floor = _copy_floor(path, connection)
    s = batch.summary
    print()
    print(
        f"Import of {batch.total_rows:,} rows ({batch.households:,} households, "
        f"{size_mb:.1f} MB CSV) into PostgreSQL, {os.cpu_count()} CPUs, organisation "
        f"{fx['organization'].acronym} already holding {registered:,} people"
    )
    print(
        f"  outcome: {batch.status}; merged {s.get('merged_households', 0):,} households / "
        f"{s.get('merged_people', 0):,} people; rows with errors {batch.error_rows:,}; "
        f"possible duplicates {batch.duplicate_rows:,} rows, "
        f"{s.get('skipped_duplicate_households', 0):,} households left out"
    )
    print()
    rows = [
        ("upload (copy + sha256)", timings["upload"], None),
        ("stage + validate", timings["validate"], None),
        ("approve + merge (one transaction)", timings["merge"], None),
        ("end to end", total, floor),
    ]
    print(f"{'step':<36}{'wall time':>12}{'floor':>12}{'ratio':>10}{'budget':>12}")
    for label, seconds, base in rows:
        floor_text = f"{base:.2f} s" if base else ""
        ratio = f"{seconds / base:.0f}x" if base else ""
        budget = ""
        if label == "end to end":
            budget = f"{'OK' if seconds < BUDGET_SECONDS else 'OVER'} <{BUDGET_SECONDS:.0f} s"
        print(f"{label:<36}{seconds:>10.1f} s{floor_text:>12}{ratio:>10}{budget:>12}")
    memory = f"{'OK' if rss_peak < BUDGET_MB else 'OVER'} <{BUDGET_MB:.0f} MB"
    print(f"{'peak RSS of the process':<36}{rss_peak:>9.0f} MB{'':>12}{'':>10}{memory:>12}")
    print(f"{'  (RSS before the timed import)':<36}{rss_before:>9.0f} MB")
    print("floor: COPY of the same file into a table of text columns (no parsing, no checks)")
    if args.keep_file:
        print(f"file kept: {path}")
    else:
        path.unlink(missing_ok=True)
        existing_file.unlink(missing_ok=True)
    if not args.keep_data:
        _remove_people(fx["organization"])


def _remove_people(organization: Any) -> None:
    """Take the run's people out again, so that runs do not pile up in a shared database.

    The organisation, its two users and the audit events stay: the trail is append-only.
    """
    from django.db import connection, transaction

    people = (
        "(SELECT p.id FROM registry_person p JOIN registry_household h ON h.id = p.household_id"
        " WHERE h.organization_id = %(org)s)"
    )
    households = "(SELECT id FROM registry_household WHERE organization_id = %(org)s)"
    steps = [
        ("DELETE FROM registry_consent WHERE person_id IN ", people),
        ("DELETE FROM registry_document WHERE person_id IN ", people),
        ("DELETE FROM registry_person_nationalities WHERE person_id IN ", people),
        ("DELETE FROM registry_phone WHERE household_id IN ", households),
        ("DELETE FROM registry_timelineentry WHERE household_id IN ", households),
        ("UPDATE registry_household SET focal_point_id = NULL WHERE id IN ", households),
        ("DELETE FROM registry_person WHERE household_id IN ", households),
        ("DELETE FROM registry_household WHERE id IN ", households),
        (
            "DELETE FROM registry_importrow WHERE batch_id IN ",
            "(SELECT id FROM registry_importbatch WHERE organization_id = %(org)s)",
        ),
        ("DELETE FROM registry_importbatch WHERE organization_id = %(org)s", ""),
    ]
    try:
        with transaction.atomic(), connection.cursor() as cursor:
            for statement, subquery in steps:
                cursor.execute(statement + subquery, {"org": organization.pk})
    except Exception as exc:  # another module's rows may point at them by now
        print(f"could not remove the run's people ({exc}); --keep-data to silence")
    else:
        print(f"removed the run's people (organisation {organization.acronym})")


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


def _setup_django(url: str, media: Path) -> None:
    os.environ["DATABASE_URL"] = url
    os.environ["MEDIA_ROOT"] = str(media)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "caminantes.settings")
    # DEBUG gives the development keys; it is switched off again at once so that Django
    # does not keep every query in memory (which would also slow down what is measured).
    os.environ.setdefault("DEBUG", "1")
    import django
    from django.conf import settings

    django.setup()
    settings.DEBUG = False


def _fixtures(seed: int) -> dict[str, Any]:
    from caminantes.accounts.models import Membership, Organization, User
    from caminantes.accounts.permissions import Role
    from caminantes.geo.models import AdminArea, Country

    def country(iso2: str, iso3: str, name: str) -> Any:
        found = Country.objects.filter(iso2=iso2).first()
        return found or Country.objects.create(
            iso2=iso2, iso3=iso3, name_es=name, name_en=name, name_pt=name, pcode=iso2
        )

    co = country("CO", "COL", "Colombia")
    country("VE", "VEN", "Venezuela")
    for iso, pcode, name, _weight in AREAS:
        if not AdminArea.objects.filter(iso_code=iso).exists():
            AdminArea.objects.create(
                country=co, iso_code=iso, pcode=pcode, name_es=name, name_en=name, name_pt=name
            )
    acronym = f"BENCH-IMP-{seed}"
    org = Organization.objects.filter(acronym=acronym).first()
    if org is None:
        org = Organization.objects.create(
            name=f"Import benchmark {seed}", acronym=acronym, type="un_agency"
        )
    org.countries.add(co)

    def member(role: str) -> Any:
        email = f"{role}.{seed}@bench.invalid"
        user = User.objects.filter(email=email).first()
        if user is None:
            user = User.objects.create_user(email, None, full_name=role)
            m = Membership.objects.create(user=user, organization=org, role=role)
            m.countries.set([co])
        return user

    return {
        "country": co,
        "organization": org,
        "registrar": member(Role.REGISTRATION_OFFICER),
        "manager": member(Role.COUNTRY_MANAGER),
    }


# --- the file --------------------------------------------------------------------------


def _write_file(
    path: Path,
    rows: int,
    rng: random.Random,
    seed: int,
    *,
    prefix: str,
    known: list[list[list[str]]] | None,
) -> list[list[list[str]]]:
    """Write `rows` people; return a sample of the households (to register them again)."""
    sample: list[list[list[str]]] = []
    with path.open("w", encoding="utf-8", newline="") as out:
        writer = csv.writer(out)
        writer.writerow(HEADER)
        written = 0
        for household in _households(rng, seed, prefix, known):
            household = household[: rows - written]
            if not household:
                break
            writer.writerows(household)
            written += len(household)
            if rng.random() < 0.05 and len(sample) < 5000:
                sample.append(household)
    return sample


def _households(
    rng: random.Random, seed: int, prefix: str, known: list[list[list[str]]] | None
) -> Iterator[list[list[str]]]:
    from caminantes.lib.fakenames import FakeNames

    fake = FakeNames(seed, today=date.today())
    areas = [a for a in AREAS for _ in range(a[3])]
    populations = [p for p, w in POPULATION for _ in range(w)]
    n = 0
    while True:
        n += 1
        key = f"{prefix}{n:07d}"
        if known and rng.random() < 0.01:
            # A family already registered comes back (each one once).
            yield [[key, *row[1:]] for row in known.pop(rng.randrange(len(known)))]
            continue
        iso, pcode, _name, _w = rng.choice(areas)
        family = fake.household("CO", iso, settled=rng.random() < 0.8)
        arrival = date.today() - timedelta(days=rng.randrange(30, 2500))
        population = rng.choice(populations)
        rows = []
        for i, p in enumerate(family.members):
            focal = i == 0
            birth = (
                p.birth_date.isoformat()
                if rng.random() < 0.8
                else p.birth_date.strftime("%d/%m/%Y")
            )
            whatsapp = ""
            if focal and family.venezuelan_phone:
                whatsapp = family.venezuelan_phone
            elif focal and family.phone:
                whatsapp = rng.choice(("sí", "no"))
            rows.append(
                [
                    key,
                    p.relationship or "other_relative",
                    p.given_names,
                    p.first_surname,
                    p.second_surname,
                    p.sex,
                    birth,
                    "sí" if p.birth_date_estimated else "no",
                    "VE" if p.birth_country == "VE" else p.birth_country,
                    "cedula" if p.cedula else "",
                    p.cedula,
                    family.phone if focal else "",
                    whatsapp,
                    population if focal else "",
                    (iso if rng.random() < 0.7 else pcode) if focal else "",
                    arrival.isoformat() if focal else "",
                    "sí",
                    "sí" if rng.random() < 0.6 else "no",
                ]
            )
        yield rows


# --- running and measuring -------------------------------------------------------------


def _import(
    path: Path, fx: dict[str, Any], *, approve: bool, timings: dict[str, float] | None = None
) -> Any:
    from caminantes.registry import imports

    timings = timings if timings is not None else {}
    started = time.perf_counter()
    with path.open("rb") as fh:
        batch = imports.batch_create(
            user=fx["registrar"],
            organization=fx["organization"],
            country=fx["country"],
            file_name=path.name,
            chunks=iter(lambda: fh.read(1024 * 1024), b""),
        )
    timings["upload"] = time.perf_counter() - started
    started = time.perf_counter()
    batch = imports.batch_validate(batch, language="es")
    timings["validate"] = time.perf_counter() - started
    if batch.status != "validated":
        raise SystemExit(f"the file was rejected: {batch.file_errors}")
    started = time.perf_counter()
    if approve:
        imports.batch_approve(user=fx["manager"], batch=batch)
        batch = imports.batch_merge(batch, user=fx["manager"], language="es")
        if batch.status != "merged":
            raise SystemExit(f"the merge failed: {batch.file_errors}")
    timings["merge"] = time.perf_counter() - started
    return batch


def _copy_floor(path: Path, connection: Any) -> float:
    """The bare minimum for the same rows: COPY the file into a table of text columns."""
    columns = ", ".join(f"{c} text" for c in HEADER)
    with connection.cursor() as cursor:
        raw = cursor.cursor  # the psycopg cursor, for COPY
        raw.execute("DROP TABLE IF EXISTS bench_import_floor")
        raw.execute(f"CREATE TABLE bench_import_floor ({columns})")
        started = time.perf_counter()
        with (
            raw.copy("COPY bench_import_floor FROM STDIN WITH (FORMAT csv, HEADER true)") as copy,
            path.open("rb") as fh,
        ):
            while chunk := fh.read(1024 * 1024):
                copy.write(chunk)
        elapsed = time.perf_counter() - started
        raw.execute("DROP TABLE bench_import_floor")
    return elapsed


def _peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KB on Linux


if __name__ == "__main__":
    main()
