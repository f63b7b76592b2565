"""The one door between identity's Django code and the matching engine.

`to_record(person)` turns a registry Person into the engine's Record (decrypting the first
document and the phone through the registry's own properties); `compare(a, b)` scores two
people or records. Both use `caminantes.identity.engine` when it provides them, and a small
rapidfuzz comparison otherwise, with the same shapes, so switching to the engine is here
and nowhere else. `dedupe` and `blocking_keys` likewise.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from rapidfuzz import fuzz

from caminantes.lib import names
from caminantes.registry.duplicates import normalise_document
from caminantes.registry.models import Person

try:  # the engine lands from another branch; until then the fallback below serves
    from caminantes.identity import engine as _engine
except ImportError:  # pragma: no cover - the package exists, its contents may not
    _engine = None  # type: ignore[assignment]


@dataclass(frozen=True)
class _Record:
    record_id: str
    given_names: str = ""
    family_names: str = ""
    sex: str = ""
    birth_date: str = ""
    nationality: str = ""
    document_type: str = ""
    document_number: str = ""
    phone: str = ""
    birth_place: str = ""


@dataclass(frozen=True)
class _Comparison:
    probability: float
    match_weight: float
    evidence: dict[str, str] = field(default_factory=dict)


Record: Any = getattr(_engine, "Record", None) or _Record
Comparison: Any = getattr(_engine, "Comparison", None) or _Comparison


def engine_name() -> str:
    return "engine" if hasattr(_engine, "compare") else "fallback"


def make_record(**fields: str) -> Any:
    values = {k: "" for k in _Record.__dataclass_fields__}
    values.update({k: v or "" for k, v in fields.items()})
    return Record(**values)


def to_record(person: Person) -> Any:
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
        birth_date=person.birth_date.isoformat() if person.birth_date else "",
        nationality=nationality.iso3 if nationality else "",
        document_type=document.type if document else "",
        document_number=document.number if document else "",
        phone=phone.number if phone else "",
        birth_place=birth_place,
    )


def to_records(people: Any) -> dict[int, Any]:
    """Records for a queryset of people, from a handful of tuple queries (no model
    instances): the path for a whole country's registry. Same fields as `to_record`."""
    from caminantes.lib.crypto import decrypt
    from caminantes.registry.models import Document, Phone

    rows = list(
        people.order_by().values_list(
            "pk", "given_names", "first_surname", "second_surname", "sex", "birth_date",
            "household_id", "birth_area__iso_code", "birth_area__name_es",
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
    for pid, given, first, second, sex, birth, hid, area_iso, area_name in rows:
        kind, token = documents.get(pid, ("", ""))
        phone = phones.get(pid) or household_phones.get(hid, "")
        records[pid] = make_record(
            record_id=str(pid),
            given_names=given,
            family_names=f"{first} {second}".strip(),
            sex=sex if sex in ("F", "M") else "",
            birth_date=birth.isoformat() if birth else "",
            nationality=nationality.get(pid, ""),
            document_type=kind,
            document_number=decrypt(token),
            phone=decrypt(phone),
            birth_place=area_iso or area_name or "",
        )
    return records


def _as_record(x: Any) -> Any:
    return to_record(x) if isinstance(x, Person) else x


def compare(a: Any, b: Any, model: Any = None) -> Any:
    """Score two people (registry Persons or Records): probability, weight, evidence."""
    ra, rb = _as_record(a), _as_record(b)
    if hasattr(_engine, "compare"):
        return _engine.compare(ra, rb, model)
    return _fallback_compare(ra, rb)


# Tracing asks a different question from deduplication: among the consenting people whose
# names sound like the relative sought, is this plausibly them? Not one in a million
# (the engine's prior for two registry records) but, say, one in fifty; the caseworkers of
# both organisations confirm before anything is disclosed.
TRACING_PRIOR = 0.02


def tracing_compare(a: Any, b: Any) -> Any:
    """`compare`, with the evidence weighed against the tracing prior."""
    c = compare(a, b)
    if not hasattr(_engine, "default_model"):
        return c
    model = _engine.default_model()
    weight = c.match_weight - model.prior_weight() + math.log2(TRACING_PRIOR / (1 - TRACING_PRIOR))
    probability = 1.0 / (1.0 + 2.0 ** (-weight))
    return Comparison(probability, weight, dict(c.evidence))


def blocking_keys(r: Any) -> list[str]:
    if hasattr(_engine, "blocking_keys"):
        return list(_engine.blocking_keys(r))
    keys = []
    if r.birth_date:
        keys.append("b:" + r.birth_date)
        y, m, d = r.birth_date.split("-")
        if int(d) <= 12:
            keys.append(f"b:{y}-{int(d):02d}-{int(m):02d}")  # day and month swapped
    doc = normalise_document(r.document_number)
    if doc:
        keys.append("d:" + doc)
    return keys


def dedupe(records: list[Any], threshold: float = 0.5) -> dict[str, str]:
    """{record_id: cluster_id}: the engine's clustering, else blocking + compare."""
    if hasattr(_engine, "dedupe"):
        return dict(_engine.dedupe(records))
    clusters = _UnionFind(r.record_id for r in records)
    for a, b in candidate_pairs(records):
        if compare(a, b).probability >= threshold:
            clusters.union(a.record_id, b.record_id)
    return {r.record_id: clusters.find(r.record_id) for r in records}


def candidate_pairs(records: list[Any]) -> Iterable[tuple[Any, Any]]:
    blocks: dict[str, list[Any]] = defaultdict(list)
    for r in records:
        for key in blocking_keys(r):
            blocks[key].append(r)
    seen: set[tuple[str, str]] = set()
    for block in blocks.values():
        for i, a in enumerate(block):
            for b in block[i + 1 :]:
                pair = (min(a.record_id, b.record_id), max(a.record_id, b.record_id))
                if a.record_id != b.record_id and pair not in seen:
                    seen.add(pair)
                    yield a, b


class _UnionFind:
    def __init__(self, ids: Iterable[str]) -> None:
        self.parent = {i: i for i in ids}

    def find(self, x: str) -> str:
        while self.parent[x] != x:
            self.parent[x] = self.parent[self.parent[x]]
            x = self.parent[x]
        return x

    def union(self, a: str, b: str) -> None:
        ra, rb = self.find(a), self.find(b)
        if ra != rb:
            self.parent[max(ra, rb)] = min(ra, rb)


# --- the fallback: a few log-odds per field, like a small Fellegi-Sunter ----------------

_PRIOR = -6.0  # log2 odds that two records in a block are the same person
_WEIGHTS = {
    ("given_names", "exact"): 4.0,
    ("given_names", "fuzzy"): 2.0,
    ("given_names", "different"): -5.0,
    ("family_names", "exact"): 4.0,
    ("family_names", "fuzzy"): 2.5,
    ("family_names", "different"): -5.0,
    ("birth_date", "exact"): 5.0,
    ("birth_date", "swapped"): 3.0,
    ("birth_date", "near"): 1.5,
    ("birth_date", "different"): -4.0,
    ("sex", "exact"): 0.5,
    ("sex", "different"): -4.0,
    ("document_number", "exact"): 7.0,
    ("document_number", "one_digit"): 4.0,
    ("document_number", "different"): -2.0,
    ("phone", "exact"): 1.0,
    ("nationality", "exact"): 0.2,
}


def _names_level(a: str, b: str) -> str:
    ta, tb = " ".join(names.tokens(a)), " ".join(names.tokens(b))
    if not ta or not tb:
        return "missing"
    if ta == tb:
        return "exact"
    pa = " ".join(names.phonetic(t) for t in ta.split())
    pb = " ".join(names.phonetic(t) for t in tb.split())
    if pa == pb or fuzz.token_set_ratio(ta, tb) >= 85:
        return "fuzzy"
    return "different"


def _date(text: str) -> date | None:
    try:
        return date.fromisoformat(text) if text else None
    except ValueError:
        return None


def _date_level(a: str, b: str) -> str:
    da, db = _date(a), _date(b)
    if da is None or db is None:
        return "missing"
    if da == db:
        return "exact"
    if da.day <= 12 and (da.year, da.day, da.month) == (db.year, db.month, db.day):
        return "swapped"
    if (da.month, da.day) == (db.month, db.day) and abs(da.year - db.year) == 1:
        return "near"
    return "different"


def _document_level(a: str, b: str) -> str:
    na, nb = normalise_document(a), normalise_document(b)
    if not na or not nb:
        return "missing"
    if na == nb:
        return "exact"
    if len(na) == len(nb) and sum(x != y for x, y in zip(na, nb, strict=True)) == 1:
        return "one_digit"
    return "different"


def _simple_level(a: str, b: str) -> str:
    if not a or not b:
        return "missing"
    return "exact" if a.strip().lower() == b.strip().lower() else "different"


def _fallback_compare(a: Any, b: Any) -> _Comparison:
    evidence = {
        "given_names": _names_level(a.given_names, b.given_names),
        "family_names": _names_level(a.family_names, b.family_names),
        "birth_date": _date_level(a.birth_date, b.birth_date),
        "sex": _simple_level(a.sex, b.sex),
        "document_number": _document_level(a.document_number, b.document_number),
        "phone": _simple_level(a.phone, b.phone),
        "nationality": _simple_level(a.nationality, b.nationality),
    }
    weight = _PRIOR + sum(_WEIGHTS.get((f, level), 0.0) for f, level in evidence.items())
    probability = 1.0 / (1.0 + math.pow(2.0, -weight))
    return _Comparison(round(probability, 4), round(weight, 2), evidence)
