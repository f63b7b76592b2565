"""Booking a regularization appointment at scale: 100,000 appointments already in the book
(assistance issue 15, speed: booking p95 < 100 ms on PostgreSQL).

    nice .venv/bin/python bench/assistance/booking_bench.py --appointments 100000

Against DATABASE_URL (default postgres://postgres@127.0.0.1:5432/caminantes_bench_booking;
created and migrated when missing). People are loaded as `bench/registry`'s search bench
loads them (its loader: half of them in Colombia); the real schemes are seeded; twenty
offices of the bench organisation in Colombia get the slots; then, by SQL, enrolments in the
PPT at its biometrics step for Colombian people, each with an attended appointment in the
past and a booked one ahead (so `appointments` rows in all, half of them booked, every slot
full). A database that already holds them is reused.

Then, as the bench's registration officer (grants recomputed, as in a new request), for
enrolments at the PPT's first step: what the API's booking route does (the enrolment through
the policy door, its read audited; the slot through the policy door;
`services_appointments.appointment_book` with a new request id: the request row, the slot
locked and counted, the appointment, the audit event, one transaction). Beside each, in the
same run, the floor: the same rows written again by plain SQL in one committed transaction
(the slot row locked and updated, the appointment, request and audit rows copied into
scratch tables shaped like the real ones). Prints p50/p95 of each and the target. Not a
test: run it by hand, niced on a shared machine.
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

import search_register_bench as people  # noqa: E402  (its people loader and timing helpers)

DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/caminantes_bench_booking"
TARGET_MS = 100.0
OFFICES = 20


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--appointments", type=int, default=100_000)
    parser.add_argument(
        "--people",
        type=int,
        default=0,
        help="default: enough for the appointments (4 per 2 appointments)",
    )
    parser.add_argument("--bookings", type=int, default=300)
    parser.add_argument("--seed", type=int, default=15)
    parser.add_argument("--database-url", default=os.environ.get("DATABASE_URL", DEFAULT_URL))
    args = parser.parse_args()
    wanted_people = args.people or args.appointments + 4 * args.bookings + 2_000

    people._ensure_database(args.database_url)
    people._setup_django(args.database_url)
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    fx = people._fixtures()
    people._load_people(wanted_people, fx, args.seed)
    from caminantes.assistance.regularization.models import Appointment
    from caminantes.registry.models import Person

    print(f"people: {Person.objects.count():,}")
    world = _world(fx)
    _load_appointments(world, args.appointments)
    print(
        f"appointments: {Appointment.objects.count():,} "
        f"({Appointment.objects.filter(status='booked').count():,} booked)"
    )
    samples = _bench(world, args.bookings, random.Random(args.seed))
    _print(samples)


# --- the world -------------------------------------------------------------------------


class World:
    def __init__(self, **kw: Any) -> None:
        self.__dict__.update(kw)

    officer: Any
    org: Any
    co: Any
    ppt: Any
    first: Any
    biometrics: Any
    offices: list[Any]


def _world(fx: Any) -> World:
    from caminantes.assistance.regularization import services_setup
    from caminantes.assistance.regularization.models import Office, Scheme

    services_setup.schemes_seed()
    co = fx.countries["CO"]
    ppt = Scheme.objects.get(country=co, code="ppt")
    steps = list(ppt.steps.order_by("position"))
    offices = []
    for i in range(OFFICES):
        name = f"Bench office {i:02d}"
        office = Office.objects.filter(organization=fx.organization, country=co,
                                       name=name).first() or services_setup.office_create(
            actor=fx.user, organization=fx.organization, country=co, name=name)  # fmt: skip
        offices.append(office)
    return World(officer=fx.user, org=fx.organization, co=co, ppt=ppt, first=steps[0],
                 biometrics=steps[2], offices=offices)  # fmt: skip


def _load_appointments(w: World, appointments: int) -> None:
    """Enrolments at the biometrics step, each with an attended appointment a while ago and a
    booked one ahead, until there are `appointments` rows (two per enrolment)."""
    from django.db import connection, transaction
    from django.utils import timezone

    from caminantes.assistance.regularization.models import Appointment

    missing = (appointments - Appointment.objects.count()) // 2
    if missing <= 0:
        return
    now = timezone.now().replace(second=0, microsecond=0)
    past, ahead = now - timedelta(days=1), now + timedelta(days=2)
    office_ids = [o.pk for o in w.offices]
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SELECT coalesce(max(id), 0) FROM regularization_enrolment")
        (last,) = cursor.fetchone()
        cursor.execute(
            """
            INSERT INTO regularization_enrolment (uuid, organization_id, country_id, scheme_id,
                person_id, household_id, step_id, status, started_at, step_since, actor_id)
            SELECT gen_random_uuid(), h.organization_id, h.country_id, %(scheme)s, p.id, h.id,
                   %(step)s, 'active', %(now)s - interval '40 days', %(now)s - interval '20 days',
                   %(actor)s
            FROM registry_person p JOIN registry_household h ON h.id = p.household_id
            WHERE h.country_id = %(co)s AND h.organization_id = %(org)s
              AND NOT EXISTS (SELECT 1 FROM regularization_enrolment e
                              WHERE e.person_id = p.id AND e.scheme_id = %(scheme)s)
            ORDER BY p.id LIMIT %(n)s
            """,
            {"scheme": w.ppt.pk, "step": w.biometrics.pk, "now": now, "actor": w.officer.pk,
             "co": w.co.pk, "org": w.org.pk, "n": missing},
        )  # fmt: skip
        made = cursor.rowcount
        cursor.execute(
            "CREATE TEMP TABLE bench_map ON COMMIT DROP AS SELECT id AS enrolment_id, person_id,"
            " row_number() OVER (ORDER BY id) + %s AS rn FROM regularization_enrolment"
            " WHERE id > %s",
            [last, last],
        )
        for when, sign, status in ((past, -1, "attended"), (ahead, 1, "booked")):
            slot_at = f"%(when)s + {sign} * m.rn * interval '1 minute'"
            cursor.execute(
                f"""
                INSERT INTO regularization_slot (uuid, office_id, step_id, starts_at, capacity,
                    booked, created_by_id, created_at)
                SELECT gen_random_uuid(), (%(offices)s::bigint[])[1 + m.rn %% {OFFICES}],
                       %(step)s, {slot_at}, 1, 1, %(actor)s, %(now)s
                FROM bench_map m
                """,  # noqa: S608
                {"when": when, "offices": office_ids, "step": w.biometrics.pk,
                 "actor": w.officer.pk, "now": now},
            )  # fmt: skip
            cursor.execute(
                f"""
                INSERT INTO regularization_appointment (uuid, slot_id, enrolment_id, person_id,
                    step_id, status, booked_by_id, booked_at, closed_at, reason)
                SELECT gen_random_uuid(), s.id, m.enrolment_id, m.person_id, %(step)s,
                       %(status)s, %(actor)s, %(now)s - interval '20 days',
                       CASE WHEN %(status)s = 'booked' THEN NULL ELSE {slot_at} END, ''
                FROM bench_map m JOIN regularization_slot s
                  ON s.office_id = (%(offices)s::bigint[])[1 + m.rn %% {OFFICES}]
                 AND s.step_id = %(step)s AND s.starts_at = {slot_at}
                """,  # noqa: S608
                {"when": when, "offices": office_ids, "step": w.biometrics.pk,
                 "actor": w.officer.pk, "now": now, "status": status},
            )  # fmt: skip
    with connection.cursor() as cursor:
        cursor.execute("VACUUM (ANALYZE) regularization_enrolment")
        cursor.execute("VACUUM (ANALYZE) regularization_slot")
        cursor.execute("VACUUM (ANALYZE) regularization_appointment")
    print(f"loaded {made:,} enrolments, {2 * made:,} appointments")


def _fresh_enrolments(w: World, n: int) -> list[Any]:
    """`n` Colombian people enrolled at the PPT's first step (by SQL: the run is about booking)."""
    from django.db import connection
    from django.utils import timezone

    from caminantes.assistance.regularization.models import Enrolment

    now = timezone.now()
    with connection.cursor() as cursor:
        cursor.execute(
            """
            INSERT INTO regularization_enrolment (uuid, organization_id, country_id, scheme_id,
                person_id, household_id, step_id, status, started_at, step_since, actor_id)
            SELECT gen_random_uuid(), h.organization_id, h.country_id, %(scheme)s, p.id, h.id,
                   %(step)s, 'active', %(now)s, %(now)s, %(actor)s
            FROM registry_person p JOIN registry_household h ON h.id = p.household_id
            WHERE h.country_id = %(co)s AND h.organization_id = %(org)s
              AND NOT EXISTS (SELECT 1 FROM regularization_enrolment e
                              WHERE e.person_id = p.id AND e.scheme_id = %(scheme)s)
            ORDER BY p.id DESC LIMIT %(n)s
            RETURNING id
            """,
            {"scheme": w.ppt.pk, "step": w.first.pk, "now": now, "actor": w.officer.pk,
             "co": w.co.pk, "org": w.org.pk, "n": n},
        )  # fmt: skip
        ids = [r[0] for r in cursor.fetchall()]
    if len(ids) < n:
        raise SystemExit(f"only {len(ids)} Colombian people left to enrol: load more --people")
    return list(Enrolment.objects.filter(pk__in=ids).order_by("pk"))


def _free_slots(w: World, n: int) -> list[Any]:
    """`n` free slots ahead for the biometrics step, spread over the offices."""
    from django.utils import timezone

    from caminantes.assistance.regularization.models import Slot

    start = timezone.now().replace(second=0, microsecond=0) + timedelta(days=400)
    last = Slot.objects.order_by("-starts_at").values_list("starts_at", flat=True).first()
    if last is not None and last >= start:  # a run before this one took those times
        start = last.replace(second=0, microsecond=0) + timedelta(days=1)
    return Slot.objects.bulk_create([
        Slot(office=w.offices[i % OFFICES], step=w.biometrics,
             starts_at=start + timedelta(minutes=7 * i, seconds=random.randint(1, 59)), capacity=1,
             created_by=w.officer)
        for i in range(n)
    ])  # fmt: skip


# --- the run ---------------------------------------------------------------------------


def _bench(w: World, n: int, rng: random.Random) -> tuple[list[float], list[float]]:
    from caminantes.accounts import policies
    from caminantes.assistance.regularization import selectors, services_appointments
    from caminantes.assistance.regularization.models import Slot

    warm = 10
    enrolments = _fresh_enrolments(w, n + warm)
    slots = _free_slots(w, n + warm)
    rng.shuffle(slots)
    ms_list: list[float] = []
    floors: list[float] = []
    for i, (enrolment, slot) in enumerate(zip(enrolments, slots, strict=True)):
        policies.forget_grants(w.officer)  # a new request, as the API would see it

        def book(enrolment: Any = enrolment, slot: Any = slot) -> Any:
            found = selectors.get_enrolment_for_user(user=w.officer, uuid=enrolment.uuid)
            chosen = policies.visible(w.officer, Slot).filter(uuid=slot.uuid).first()
            return services_appointments.appointment_book(
                actor=w.officer, enrolment=found, slot=chosen, request_id=uuid.uuid4()
            )

        if i == warm - 1:  # the statements of one booking, counted (untimed)
            from django.db import connection
            from django.test.utils import CaptureQueriesContext

            with CaptureQueriesContext(connection) as captured:
                book()
            statements = [q["sql"] for q in captured.captured_queries]
            audit = sum("audit_" in q or "pg_advisory" in q for q in statements)
            print(f"one booking: {len(statements)} statements, {audit} of them the audit trail's")
            continue
        ms, written = people._timed(book)
        if i < warm:  # caches warmed, untimed
            continue
        ms_list.append(ms)
        floors.append(_same_rows_again(written.appointment))
    return ms_list, floors


def _same_rows_again(appointment: Any) -> float:
    """Time the booking's writes again by plain SQL in one committed transaction: the slot
    row locked and updated, the appointment, its request row and its audit events copied
    into scratch tables shaped like the real ones."""
    from django.db import connection

    copies = [
        ("regularization_appointment", "id = %s", appointment.pk),
        ("regularization_regularizationrequest", "appointment_id = %s", appointment.pk),
        ("audit_auditevent", "object_uuid = %s", appointment.uuid),
    ]
    with connection.cursor() as cursor:
        data = []
        for table, where, value in copies:
            cursor.execute(
                f"CREATE TEMP TABLE IF NOT EXISTS bench_{table} (LIKE {table} INCLUDING DEFAULTS)"
            )
            cursor.execute(f"SELECT * FROM {table} WHERE {where}", [value])  # noqa: S608
            cols = [c.name for c in cursor.description]
            data.append((f"bench_{table}", cols, cursor.fetchall()))

    def run() -> None:
        with connection.cursor() as cursor:
            cursor.execute("BEGIN")
            cursor.execute(
                "SELECT id FROM regularization_slot WHERE id = %s FOR UPDATE", [appointment.slot_id]
            )
            cursor.execute(
                "UPDATE regularization_slot SET booked = booked "
                "WHERE id = %s AND booked <= capacity",
                [appointment.slot_id],
            )
            for table, cols, rows in data:
                for row in rows:
                    marks = ", ".join(["%s"] * len(cols))
                    values = [json.dumps(v) if isinstance(v, dict | list) else v for v in row]
                    cursor.execute(
                        f"INSERT INTO {table} ({', '.join(cols)}) VALUES ({marks})",  # noqa: S608
                        values,
                    )
            cursor.execute("COMMIT")

    ms, _ = people._timed(run)
    return ms


def _print(samples: tuple[list[float], list[float]]) -> None:
    ms, floor = samples
    head = (f"{'':22}{'n':>5}{'p50 ms':>9}{'p95 ms':>9}{'floor p50':>11}{'floor p95':>11}"
            f"{'x p95':>7}   target")  # fmt: skip
    print()
    print(head)
    print("-" * len(head))
    p95, f95 = people._pct(ms, 95), people._pct(floor, 95)
    verdict = "ok" if p95 < TARGET_MS else "MISSED"
    print(f"{'book an appointment':22}{len(ms):>5}{statistics.median(ms):>9.1f}{p95:>9.1f}"
          f"{statistics.median(floor):>11.1f}{f95:>11.1f}{p95 / f95:>7.1f}   "
          f"<{TARGET_MS:.0f} {verdict}")  # fmt: skip
    print()
    print("booking = the enrolment and slot through the policy door (read audited), then")
    print("          appointment_book: request row, slot locked and counted, appointment, audit.")
    print("floor   = the same rows written again by plain SQL in one committed transaction.")


if __name__ == "__main__":
    main()
