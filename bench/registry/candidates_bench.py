"""Real-time duplicate candidates at scale (identity issue): the registry's duplicate hook,
answered by the identity engine, with N people in PostgreSQL.

    .venv/bin/python bench/registry/candidates_bench.py --people 1000000

Uses the database of search_register_bench.py (loads the people if missing), writes the
engine's matching keys for everyone who has none yet (`identity.realtime.index_people`,
minutes for a million), then asks the hook (`registry.duplicates.find_candidates`: exact
document + the engine finder) about people already registered, written the way a second
registrar would write them (a slip in the given names, an abbreviation, day and month
swapped, the year one off, no document) and prints p50/p95 beside the floor (the bare SQL
key look-up of the same keys) and how often the person was among the candidates.
"""

from __future__ import annotations

import argparse
import os
import random
import sys
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

import search_register_bench as base


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--people", type=int, default=1_000_000)
    parser.add_argument("--queries", type=int, default=300)
    parser.add_argument("--seed", type=int, default=11)
    parser.add_argument("--database-url", default=os.environ.get("DATABASE_URL", base.DEFAULT_URL))
    args = parser.parse_args()

    base._ensure_database(args.database_url)
    base._setup_django(args.database_url)
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    fx = base._fixtures()
    added = base._load_people(args.people, fx, args.seed)
    if added:
        print(f"loaded {added:,} people")
    _index_missing()
    rows = [_bench(fx, args.queries, random.Random(args.seed))]
    base._print_table(rows)
    print("candidates: the duplicate hook for one person (exact document + identity engine);")
    print("       floor = SELECT of the 100 person ids sharing most of the same hashed keys.")


def _index_missing() -> None:
    from caminantes.identity import realtime
    from caminantes.identity.models import MatchKey
    from caminantes.registry.models import Person

    have = set(MatchKey.objects.values_list("person_id", flat=True).distinct().iterator())
    todo = [
        pk
        for pk in Person.objects.filter(anonymised_at__isnull=True)
        .order_by("pk")
        .values_list("pk", flat=True)
        .iterator(chunk_size=20000)
        if pk not in have
    ]
    if not todo:
        return
    started = time.perf_counter()
    keys = 0
    step = 20 * realtime.CHUNK
    for start in range(0, len(todo), step):
        keys += realtime.index_people(todo[start : start + step], replace=False)
        print(f"  … keys for {min(start + step, len(todo)):,} of {len(todo):,} people", flush=True)
    print(f"indexed {len(todo):,} people ({keys:,} keys) in {time.perf_counter() - started:.0f} s")
    from django.db import connection

    with connection.cursor() as cursor:  # as autovacuum would soon: plans need the stats
        cursor.execute("VACUUM (ANALYZE) identity_matchkey")


def _variant(person: Any, rng: random.Random, fake: Any) -> dict[str, Any]:
    """The same person as another registrar might write them."""
    given = person.given_names
    move = rng.choice(["slip", "abbreviate", "swap", "year", "first_only"])
    birth = person.birth_date
    if move == "slip":
        given = fake.misspell(given)
    elif move == "abbreviate" and given.startswith("María "):
        given = "Ma. " + given[6:]
    elif move == "swap" and birth and birth.day <= 12:
        birth = birth.replace(month=birth.day, day=birth.month)
    elif move == "year" and birth:
        birth = birth.replace(year=birth.year + rng.choice([-1, 1]))
    elif move == "first_only":
        given = given.split(" ")[0]
    return {
        "given_names": given,
        "first_surname": person.first_surname,
        "second_surname": person.second_surname if rng.random() > 0.2 else "",
        "sex": person.sex,
        "birth_date": birth,
        "documents": [],  # the document would find them trivially: leave it out
        "phone": "",
        "nationalities": ["VE"],
    }


def _bench(fx: Any, n: int, rng: random.Random) -> base.Row:
    from django.db import connection

    from caminantes.accounts import policies
    from caminantes.identity import matching, realtime
    from caminantes.lib.fakenames import FakeNames
    from caminantes.registry import duplicates, selectors
    from caminantes.registry.models import Person

    fake = FakeNames(rng.randrange(10**6), today=base._now().date())
    top = Person.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
    picked: list[Person] = []
    while len(picked) < n + 10:
        ids = [rng.randrange(1, top + 1) for _ in range(n)]
        picked += list(Person.objects.filter(pk__in=ids, birth_date__isnull=False)[: n + 10])
    samples = []
    with connection.cursor() as cursor:
        for i, person in enumerate(picked[: n + 10]):
            candidate = _variant(person, rng, fake)
            keys = realtime.hashed(
                matching.blocking_keys(realtime.record_from_candidate(candidate))
            )
            policies.forget_grants(fx.user)

            def ask(candidate: dict[str, Any] = candidate) -> Any:
                people = selectors.people_for_user(user=fx.user)
                return duplicates.find_candidates(candidate, people)

            def floor(keys: list[str] = keys) -> Any:
                cursor.execute(
                    "SELECT person_id FROM identity_matchkey WHERE key = ANY(%s) "
                    "GROUP BY person_id ORDER BY count(*) DESC, person_id LIMIT 100",
                    [keys],
                )
                return cursor.fetchall()

            ms, found = base._timed(ask)
            floor_ms, _ = base._timed(floor)
            if i >= 10:  # warm-up
                ok = any(c.person_id == person.pk for c in found)
                samples.append(base.Sample("candidates", ms, floor_ms, "", ok))
    return base.Row("candidates for one person", samples)


if __name__ == "__main__":
    main()
