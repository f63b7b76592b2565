"""Real-time candidates: the engine behind the registry's duplicate hook.

Every registry person's engine blocking keys (`matching.blocking_keys`: document, name sounds
with parts of the birth date, phone with given name …) are kept, hashed, in MatchKey. When
someone is being registered, their keys find the few people sharing one (an index look-up,
whatever the size of the registry), and the engine scores those in one vectorised pass
(`matching.compare_many`). `engine_finder` is listed in `registry.hooks.DUPLICATE_FINDERS`,
after the registry's exact-document finder.

Keys are written when people enter the registry or change what identifies them, in bulk
for imports (a background task), and deleted on erasure (`identity.receivers`, called
through `registry.hooks`).
`caminantes identity-index` (re)builds them all.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from typing import Any

from django.db import connection, transaction
from django.db.models import Count, QuerySet
from huey.contrib.djhuey import db_task

from caminantes.identity import matching
from caminantes.identity.models import MatchKey
from caminantes.identity.models.review import DEFAULT_REVIEW_THRESHOLD
from caminantes.lib import crypto
from caminantes.registry.duplicates import Candidate
from caminantes.registry.models import Person

# People read and scored per registration, those sharing the most keys first. At 1M
# people the person sought is in the first 100 as often as in the first 300 (99 of 100
# in the benchmark's sample) and loading their records is most of the time.
MAX_CANDIDATES = 100
# Chunk of people indexed per transaction by the bulk path.
CHUNK = 2000
# Engine evidence → the registry's reasons (what the registration page shows).
_REASONS = {
    "document_number": ("exact", "document"),
    "phone": ("same", "phone"),
}


def hashed(keys: Iterable[str]) -> list[str]:
    return sorted({crypto.lookup_hash(k, purpose="match")[:40] for k in keys})


def record_from_candidate(candidate: dict[str, Any]) -> Any:
    """The registry hook's candidate dict (PersonInput.as_candidate) as an engine Record."""
    birth = candidate.get("birth_date")
    documents = candidate.get("documents") or []
    nationalities = candidate.get("nationalities") or []
    return matching.Record(
        record_id="new",
        given_names=str(candidate.get("given_names") or ""),
        family_names=" ".join(
            str(candidate.get(k) or "") for k in ("first_surname", "second_surname")
        ).strip(),
        sex=str(candidate.get("sex") or "") if candidate.get("sex") in ("F", "M") else "",
        birth_date=matching.engine_birth_date(birth, bool(candidate.get("birth_date_estimated"))),
        nationality=_iso3(nationalities[0]) if nationalities else "",
        document_type=str(documents[0].get("type", "")) if documents else "",
        document_number=str(documents[0].get("number", "")) if documents else "",
        phone=str(candidate.get("phone") or ""),
        birth_place="",
    )


def _iso3(iso2: str) -> str:
    import pycountry

    country = pycountry.countries.get(alpha_2=(iso2 or "").upper())
    return country.alpha_3 if country else ""


def records_for(people: QuerySet[Person]) -> dict[int, Any]:
    """{person pk: engine Record}, read as plain values (`matching.to_records`)."""
    return matching.to_records(people)


def index_people(person_ids: Iterable[int], *, replace: bool = True) -> int:
    """(Re)write the keys of these people; erased or merged people get none. Returns the
    number of keys written. `replace=False` for people known to have none yet."""
    ids = sorted(set(person_ids))
    written = 0
    for start in range(0, len(ids), CHUNK):
        chunk = ids[start : start + CHUNK]
        live = Person.objects.filter(
            pk__in=chunk, anonymised_at__isnull=True, merged_into__isnull=True
        )
        rows = [
            (pk, k)
            for pk, r in records_for(live).items()
            for k in hashed(matching.blocking_keys(r))
        ]
        with transaction.atomic():
            if replace:
                MatchKey.objects.filter(person_id__in=chunk).delete()
            _insert(rows)
        written += len(rows)
    return written


def _insert(rows: list[tuple[int, str]]) -> None:
    """Plain rows, no model instances: COPY on PostgreSQL, executemany elsewhere."""
    if not rows:
        return
    table = MatchKey._meta.db_table
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            with cursor.cursor.copy(f"COPY {table} (person_id, key) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
        else:
            sql = f"INSERT INTO {table} (person_id, key) VALUES (%s, %s)"  # noqa: S608
            cursor.executemany(sql, rows)


def forget_people(person_ids: Iterable[int]) -> None:
    MatchKey.objects.filter(person_id__in=list(person_ids)).delete()


def _reasons(evidence: dict[str, str]) -> tuple[str, ...]:
    reasons = []
    if evidence.get("given_names") not in (None, "different", "missing") and evidence.get(
        "family_names"
    ) not in (None, "different", "missing"):
        reasons.append("name")
    date = evidence.get("birth_date")
    if date == "exact":
        reasons.append("birth_date")
    elif date not in (None, "different", "missing"):
        reasons.append("birth_date_near")
    for field, (level, reason) in _REASONS.items():
        if evidence.get(field) == level:
            reasons.append(reason)
    return tuple(reasons) or ("engine",)


def engine_finder(candidate: dict[str, Any], people: QuerySet[Person]) -> list[Candidate]:
    """Who might this be, among the people the user may see: blocking keys, then the
    engine's score; relatives (the engine's rule) are never offered."""
    record = record_from_candidate(candidate)
    keys = hashed(matching.blocking_keys(record))
    if not keys:
        return []
    # The people who share the most keys first: a cap taken in no order would drop the
    # very person sought whenever two large blocks (a common surname and a birth year)
    # are among the keys.
    ids = list(
        MatchKey.objects.filter(key__in=keys)
        .values("person_id")
        .annotate(shared=Count("id"))
        .order_by("-shared", "person_id")
        .values_list("person_id", flat=True)[:MAX_CANDIDATES]
    )
    if not ids:
        return []
    found = records_for(
        people.filter(pk__in=ids, anonymised_at__isnull=True, merged_into__isnull=True)
    )
    if not found:
        return []
    pks = sorted(found)
    scores = matching.compare_many(record, [found[pk] for pk in pks])
    return [
        Candidate(pk, round(s.probability, 3), _reasons(s.evidence))
        for pk, s in zip(pks, scores, strict=True)
        if s.probability >= DEFAULT_REVIEW_THRESHOLD and s.evidence.get("rule") != "relatives"
    ]


def _engine_finder_bulk(
    candidates: list[dict[str, Any]], people: QuerySet[Person]
) -> list[list[Candidate]]:
    """The same for a chunk of import rows: one key look-up and one read for the chunk."""
    records = [record_from_candidate(c) for c in candidates]
    keys_of = [hashed(matching.blocking_keys(r)) for r in records]
    by_key: dict[str, set[int]] = {}
    wanted = sorted({k for keys in keys_of for k in keys})
    for start in range(0, len(wanted), 5000):
        for key, pid in MatchKey.objects.filter(key__in=wanted[start : start + 5000]).values_list(
            "key", "person_id"
        ):
            by_key.setdefault(key, set()).add(pid)
    # Per record, the people sharing the most keys first (see engine_finder), capped.
    ids_of: list[list[int]] = []
    for keys in keys_of:
        shared = Counter(pid for k in keys for pid in by_key.get(k, ()))
        ranked = sorted(shared.items(), key=lambda kv: (-kv[1], kv[0]))
        ids_of.append([pid for pid, _n in ranked[:MAX_CANDIDATES]])
    every = sorted(set().union(*ids_of)) if ids_of else []
    known: dict[int, Any] = {}
    for start in range(0, len(every), CHUNK):
        known.update(
            records_for(
                people.filter(
                    pk__in=every[start : start + CHUNK],
                    anonymised_at__isnull=True,
                    merged_into__isnull=True,
                )
            )
        )
    answers: list[list[Candidate]] = []
    for record, ids in zip(records, ids_of, strict=True):
        pids = [pid for pid in ids if pid in known]
        scores = matching.compare_many(record, [known[pid] for pid in pids]) if pids else []
        answers.append(
            [
                Candidate(pid, round(s.probability, 3), _reasons(s.evidence))
                for pid, s in zip(pids, scores, strict=True)
                if s.probability >= DEFAULT_REVIEW_THRESHOLD
                and s.evidence.get("rule") != "relatives"
            ]
        )
    return answers


engine_finder.bulk = _engine_finder_bulk  # type: ignore[attr-defined]


# --------------------------------------------------------------------------------------
# Keeping the keys in step with the registry (identity.receivers, named in registry.hooks)


@db_task()
def index_people_task(person_ids: list[int]) -> None:
    index_people(person_ids)
