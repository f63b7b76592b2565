"""The one door between identity's Django code and the matching engine.

`to_record(person)` / `to_records(people)` turn registry people into the engine's Record
(decrypting the first document and the phone); `compare`, `compare_many`, `blocking_keys`
and `dedupe` are the engine's, typed for the callers here; `tracing_compare` weighs the
evidence against the tracing prior. Nothing else in identity's Django code imports
`identity.engine` (the `dedupe` command, a CSV front end to the engine, aside).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from datetime import date
from typing import Any

from caminantes.identity import engine
from caminantes.identity.engine import Comparison, Record
from caminantes.registry.models import Person

__all__ = [
    "TRACING_PRIOR",
    "Comparison",
    "Record",
    "blocking_keys",
    "compare",
    "compare_many",
    "dedupe",
    "engine_name",
    "make_record",
    "to_record",
    "to_records",
    "tracing_compare",
]


def engine_name() -> str:
    """What a dedupe run records as the scorer it used."""
    return "engine"


def engine_birth_date(birth: date | None, estimated: bool = False) -> str:
    """A birth date as the engine reads it. An estimated one (an age given in years, a year
    remembered) becomes 1 July of its year, a date the engine compares as "about"
    (`engine.compare.ESTIMATED`): a year apart is then near, not a different person."""
    if birth is None:
        return ""
    return f"{birth.year:04d}-07-01" if estimated else birth.isoformat()


def make_record(**fields: str) -> Record:
    """A Record from keyword fields; missing or None ones are "" (unknown)."""
    return Record(**{k: v or "" for k, v in fields.items()})


def to_record(person: Person) -> Record:
    """A registry person as an engine Record. Prefetch `nationalities`, `documents`,
    `phones` and `household__phones` when converting many."""
    nationality = next(iter(person.nationalities.all()), None)
    document = next(iter(person.documents.all()), None)
    phone = next(iter(person.phones.all()), None) or next(iter(person.household.phones.all()), None)
    birth_place = ""
    if person.birth_area_id is not None:
        birth_place = person.birth_area.iso_code or person.birth_area.name_es  # type: ignore[union-attr]
    return make_record(
        record_id=str(person.pk),
        given_names=person.given_names,
        family_names=f"{person.first_surname} {person.second_surname}".strip(),
        sex=person.sex if person.sex in ("F", "M") else "",
        birth_date=engine_birth_date(person.birth_date, person.birth_date_estimated),
        nationality=nationality.iso3 if nationality else "",
        document_type=document.type if document else "",
        document_number=document.number if document else "",
        phone=phone.number if phone else "",
        birth_place=birth_place,
    )


def to_records(people: Any) -> dict[int, Record]:
    """Records for a queryset of people, from a handful of tuple queries (no model
    instances): the path for a whole country's registry. Same fields as `to_record`."""
    from caminantes.lib.crypto import decrypt
    from caminantes.registry.models import Document, Phone

    rows = list(
        people.order_by().values_list(
            "pk", "given_names", "first_surname", "second_surname", "sex", "birth_date",
            "household_id", "birth_area__iso_code", "birth_area__name_es", "birth_date_estimated",
        )
    )  # fmt: skip
    ids = [r[0] for r in rows]
    nationality: dict[int, str] = {}
    documents: dict[int, tuple[str, str]] = {}
    phones: dict[int, str] = {}
    household_phones: dict[int, str] = {}
    for start in range(0, len(ids), 5000):
        chunk = ids[start : start + 5000]
        through = Person.nationalities.through.objects.filter(person_id__in=chunk)
        for pid, iso3 in through.order_by("-id").values_list("person_id", "country__iso3"):
            nationality[pid] = iso3  # the lowest id wins: the first one recorded
        docs = Document.objects.filter(person_id__in=chunk).order_by("-id")
        for pid, kind, token in docs.values_list("person_id", "type", "number_encrypted"):
            documents[pid] = (kind, token)
        households = {r[6] for r in rows[start : start + 5000]}
        for pid, hid, token in (
            Phone.objects.filter(household_id__in=households)
            .order_by("-id")
            .values_list("person_id", "household_id", "number_encrypted")
        ):
            if pid is not None:
                phones[pid] = token
            household_phones[hid] = token
    records = {}
    for pid, given, first, second, sex, birth, hid, area_iso, area_name, estimated in rows:
        kind, token = documents.get(pid, ("", ""))
        phone = phones.get(pid) or household_phones.get(hid, "")
        records[pid] = make_record(
            record_id=str(pid),
            given_names=given,
            family_names=f"{first} {second}".strip(),
            sex=sex if sex in ("F", "M") else "",
            birth_date=engine_birth_date(birth, estimated),
            nationality=nationality.get(pid, ""),
            document_type=kind,
            document_number=decrypt(token),
            phone=decrypt(phone),
            birth_place=area_iso or area_name or "",
        )
    return records


def _as_record(x: Person | Record) -> Record:
    return to_record(x) if isinstance(x, Person) else x


def compare(a: Person | Record, b: Person | Record, model: Any = None) -> Comparison:
    """Score two people (registry Persons or Records): probability, weight, evidence."""
    return engine.compare(_as_record(a), _as_record(b), model)


def compare_many(a: Record, others: Sequence[Record], model: Any = None) -> list[Comparison]:
    """`compare(a, b)` for each of `others` in one vectorised pass."""
    return engine.compare_many(a, others, model)


# Tracing asks a different question from deduplication: among the consenting people whose
# names sound like the relative sought, is this plausibly them? Not one in a million
# (the engine's prior for two registry records) but, say, one in fifty; the caseworkers of
# both organisations confirm before anything is disclosed.
TRACING_PRIOR = 0.02


def tracing_compare(a: Person | Record, b: Person | Record) -> Comparison:
    """`compare`, with the evidence weighed against the tracing prior."""
    c = compare(a, b)
    model = engine.default_model()
    weight = c.match_weight - model.prior_weight() + math.log2(TRACING_PRIOR / (1 - TRACING_PRIOR))
    probability = 1.0 / (1.0 + 2.0 ** (-weight))
    return Comparison(probability, weight, dict(c.evidence))


def blocking_keys(r: Record) -> list[str]:
    return list(engine.blocking_keys(r))


def dedupe(records: list[Record]) -> dict[str, str]:
    """{record_id: cluster_id}: the engine's blocking, scoring and clustering."""
    return dict(engine.dedupe(records))
