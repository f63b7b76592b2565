"""Who might this already be? The hook every registration and import asks before saving.

Finders are registered in order; each gets the candidate person (a plain dict, so the same
hook serves the form, the API and imports) and the queryset of people the user may see, and
returns Candidates. The registry ships two finders (exact document, fuzzy name + birth date);
the identity engine registers its own and can replace them with `replace_finders`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.db.models import Count, QuerySet
from rapidfuzz import fuzz

from caminantes.lib import crypto, names
from caminantes.registry.models import Document, Person, SearchKey


@dataclass(frozen=True)
class Candidate:
    person_id: int
    score: float  # 0..1
    reasons: tuple[str, ...] = field(default_factory=tuple)


Finder = Callable[[dict[str, Any], QuerySet[Person]], Iterable[Candidate]]
_FINDERS: list[Finder] = []


def register_finder(finder: Finder) -> Finder:
    _FINDERS.append(finder)
    return finder


def replace_finders(finders: list[Finder]) -> None:
    _FINDERS[:] = finders


def normalise_document(number: str) -> str:
    """'V-12.345.678' and '12345678' are the same cédula."""
    cleaned = "".join(ch for ch in (number or "").upper() if ch.isalnum())
    return cleaned[1:] if cleaned[:1] in {"V", "E"} and cleaned[1:].isdigit() else cleaned


def document_hash(number: str) -> str:
    return crypto.lookup_hash(normalise_document(number), purpose="document")


@register_finder
def exact_document(candidate: dict[str, Any], people: QuerySet[Person]) -> list[Candidate]:
    hashes = [document_hash(d.get("number", "")) for d in candidate.get("documents", [])]
    hashes = [h for h in hashes if h]
    if not hashes:
        return []
    matches = (
        Document.objects.filter(number_hash__in=hashes, person__in=people)
        .values_list("person_id", flat=True)
        .distinct()
    )
    return [Candidate(pid, 1.0, ("document",)) for pid in matches]


def _name_score(a: str, b: str) -> float:
    return fuzz.token_set_ratio(a, b) / 100.0


def _dates_close(a: date | None, b: date | None) -> bool:
    if a is None or b is None:
        return False
    if a == b:
        return True
    swapped = a.day <= 12 and a.replace(month=a.day, day=a.month) == b
    return swapped or ((a.month, a.day) == (b.month, b.day) and abs(a.year - b.year) == 1)


@register_finder
def fuzzy_name_and_birth_date(
    candidate: dict[str, Any], people: QuerySet[Person]
) -> list[Candidate]:
    full = names.full_name(
        candidate.get("given_names", ""),
        candidate.get("first_surname", ""),
        candidate.get("second_surname", ""),
    )
    keys = [k for k in names.search_keys(full) if k.startswith("~")]
    birth = candidate.get("birth_date")
    if not keys or birth is None:
        return []
    shortlist = (
        SearchKey.objects.filter(key__in=keys, person__in=people)
        .values("person_id")
        .annotate(hits=Count("id"))
        .filter(hits__gte=min(2, len(keys)))
        .order_by("-hits")[:200]
    )
    ids = [row["person_id"] for row in shortlist]
    found = []
    folded = names.fold(full)
    for person in Person.objects.filter(id__in=ids).only("id", "search_name", "birth_date"):
        if not _dates_close(birth, person.birth_date):
            continue
        score = _name_score(folded, person.search_name)
        if score >= 0.8:
            reason = "birth_date" if person.birth_date == birth else "birth_date_near"
            found.append(Candidate(person.id, round(score * 0.95, 3), ("name", reason)))
    return found


def find_candidates(
    candidate: dict[str, Any], people: QuerySet[Person], *, limit: int = 10
) -> list[Candidate]:
    """Merge every finder's candidates: best score per person, reasons combined."""
    best: dict[int, Candidate] = {}
    for finder in _FINDERS:
        for c in finder(candidate, people):
            prev = best.get(c.person_id)
            if prev is None:
                best[c.person_id] = c
            else:
                reasons = tuple(dict.fromkeys(prev.reasons + c.reasons))
                best[c.person_id] = Candidate(c.person_id, max(prev.score, c.score), reasons)
    return sorted(best.values(), key=lambda c: -c.score)[:limit]
