"""The registration half of `search_register_bench.py` (run that script, not this one):
5-person households through `registry.services.household_register`, duplicate check
included, each beside plain INSERTs of the very rows that registration wrote."""

from __future__ import annotations

import json
import sys
import time
import uuid
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from search_register_bench import Fixtures, Row, Sample, _now, _timed


def _family_of_five(fake: Any) -> Any:
    while True:
        family = fake.household("CO", "CO-NSA")
        if len(family.members) == 5:
            return family


def bench_register(fx: Fixtures, n: int, seed: int) -> list[Row]:
    from django.db import connection

    from caminantes.accounts import policies
    from caminantes.lib.fakenames import FakeNames
    from caminantes.registry import services
    from caminantes.registry.inputs import (
        ConsentInput,
        DocumentInput,
        HouseholdInput,
        PersonInput,
        PhoneInput,
    )

    fake = FakeNames(seed + 99 + int(time.time()), today=_now().date())  # new people each run
    today = fake.today
    samples: list[Sample] = []
    reviews = 0
    floor_rows: list[int] = []
    for i in range(n + 5):
        family = _family_of_five(fake)
        focal = family.focal_point
        members = []
        for m in family.members:
            minor = m.age_on(today) < services.ADULT_AGE
            members.append(
                PersonInput(
                    given_names=m.given_names,
                    first_surname=m.first_surname,
                    second_surname=m.second_surname,
                    sex=m.sex,
                    relationship=m.relationship,
                    birth_date=m.birth_date,
                    nationalities=["VE"],
                    birth_country="VE",
                    birth_area=m.birth_state or None,
                    documents=[DocumentInput(type="cedula", number=m.cedula)] if m.cedula else [],
                    consent=ConsentInput(
                        given_by="guardian" if minor else "person",
                        guardian_name=focal.full_name if minor else "",
                    ),
                )
            )
        household = HouseholdInput(
            population_type="in_destination",
            admin_area="CO-NSA",
            phones=[PhoneInput(number=fake.phone("CO"), whatsapp=True)],
        )
        policies.forget_grants(fx.user)

        def register(
            confirmed: bool = False,
            household: HouseholdInput = household,
            members: list[PersonInput] = members,
        ) -> Any:
            return services.household_register(
                user=fx.user,
                organization=fx.organization,
                country=fx.countries["CO"],
                household=household,
                members=members,
                confirmed_new=confirmed,
            )

        ms, result = _timed(register)
        if result.household is None:  # a possible duplicate: the officer looks and confirms
            reviews += 1
            more, result = _timed(lambda: register(True))
            ms += more
        floor_ms, copy_id = _insert_same_rows(connection, result.household.pk)
        floor_rows.append(copy_id)
        if i >= 5:  # the first few warm up
            samples.append(Sample("register", ms, floor_ms))
    _delete_copies(connection, floor_rows)
    if reviews:
        print(f"({reviews} registrations stopped on a possible duplicate and were confirmed)")
    return [Row("register 5-person household", samples)]


# The registry rows one registration writes, by table, and how each hangs off the household.
_CHILD_TABLES = [
    ("registry_person", "household_id"),
    ("registry_phone", "household_id"),
    ("registry_timelineentry", "household_id"),
    ("registry_person_nationalities", "person_id"),
    ("registry_document", "person_id"),
    ("registry_consent", "person_id"),
]


def _columns(cursor: Any, table: str) -> list[str]:
    cursor.execute(
        "SELECT column_name FROM information_schema.columns WHERE table_name = %s "
        "ORDER BY ordinal_position",
        [table],
    )
    return [r[0] for r in cursor.fetchall()]


def _insert_same_rows(connection: Any, household_id: int) -> tuple[float, int]:
    """Read back every row the registration wrote, then time plain INSERTs of copies of them
    (new ids and uuids, one multi-row INSERT per table, one transaction, committed). The
    audit events go to a scratch table shaped like the audit trail, which refuses deletes."""
    with connection.cursor() as cursor:
        cursor.execute(
            "CREATE TEMP TABLE IF NOT EXISTS bench_audit (LIKE audit_auditevent INCLUDING ALL)"
        )
        data: dict[str, tuple[list[str], list[tuple[Any, ...]]]] = {}
        cols = _columns(cursor, "registry_household")
        cursor.execute("SELECT * FROM registry_household WHERE id = %s", [household_id])
        data["registry_household"] = (cols, cursor.fetchall())
        cursor.execute(
            "SELECT id, uuid FROM registry_person WHERE household_id = %s", [household_id]
        )
        people = cursor.fetchall()
        person_ids = [p[0] for p in people]
        hh_cols, (hh_row,) = data["registry_household"]
        uuids = [str(p[1]) for p in people] + [str(hh_row[hh_cols.index("uuid")])]
        for table, key in _CHILD_TABLES:
            cols = _columns(cursor, table)
            ids = [household_id] if key == "household_id" else person_ids
            cursor.execute(f"SELECT * FROM {table} WHERE {key} = ANY(%s)", [ids])  # noqa: S608
            data[table] = (cols, cursor.fetchall())
        cols = _columns(cursor, "audit_auditevent")
        cursor.execute("SELECT * FROM audit_auditevent WHERE object_uuid::text = ANY(%s)", [uuids])
        data["bench_audit"] = (cols, cursor.fetchall())

    def fresh(cols: list[str], row: tuple[Any, ...], remap: dict[str, dict[Any, Any]]) -> list[Any]:
        values = []
        for c, v in zip(cols, row, strict=True):
            if c == "uuid":
                v = uuid.uuid4()
            elif c == "hash":
                v = uuid.uuid4().hex * 2
            elif c in remap and v in remap[c]:
                v = remap[c][v]
            elif isinstance(v, dict | list):
                v = json.dumps(v)
            values.append(v)
        return values

    def insert(cursor: Any, table: str, remap: dict[str, dict[Any, Any]]) -> list[int]:
        cols, rows = data[table]
        if not rows:
            return []
        keep = [c for c in cols if c != "id"]
        idx = [cols.index(c) for c in keep]
        values = [fresh(keep, tuple(r[i] for i in idx), remap) for r in rows]
        placeholders = ", ".join("(" + ", ".join(["%s"] * len(keep)) + ")" for _ in values)
        returning = " RETURNING id" if "id" in cols else ""
        cursor.execute(
            f"INSERT INTO {table} ({', '.join(keep)}) VALUES {placeholders}{returning}",  # noqa: S608
            [v for row in values for v in row],
        )
        return [r[0] for r in cursor.fetchall()] if returning else []

    def run() -> int:
        with connection.cursor() as cursor:
            cursor.execute("BEGIN")
            remap: dict[str, dict[Any, Any]] = {}
            (new_hh,) = insert(cursor, "registry_household", {})
            remap["household_id"] = {household_id: new_hh}
            new_people = insert(cursor, "registry_person", remap)
            remap["person_id"] = dict(zip(person_ids, new_people, strict=True))
            for table, _key in _CHILD_TABLES[1:]:
                insert(cursor, table, remap)
            insert(cursor, "bench_audit", {})
            cursor.execute("COMMIT")
            return new_hh

    return _timed(run)  # Django is in autocommit here: BEGIN and COMMIT are ours


def _delete_copies(connection: Any, household_ids: list[int]) -> None:
    from django.db import transaction

    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            "SELECT id FROM registry_person WHERE household_id = ANY(%s)", [household_ids]
        )
        person_ids = [r[0] for r in cursor.fetchall()]
        for table, key in reversed(_CHILD_TABLES):
            ids = household_ids if key == "household_id" else person_ids
            if table == "registry_person":
                cursor.execute(
                    "UPDATE registry_household SET focal_point_id = NULL WHERE id = ANY(%s)",
                    [household_ids],
                )
            cursor.execute(f"DELETE FROM {table} WHERE {key} = ANY(%s)", [ids])  # noqa: S608
        cursor.execute("DELETE FROM registry_household WHERE id = ANY(%s)", [household_ids])
        cursor.execute("TRUNCATE bench_audit")
