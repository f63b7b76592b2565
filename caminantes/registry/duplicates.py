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

from django.db.models import QuerySet
from rapidfuzz import fuzz

from caminantes.lib import crypto, names
from caminantes.registry.models import Document, Person


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
    """Word order does not matter; a missing second surname costs a little, a different
    given name a lot (token_set alone calls "María Pérez" and "María José Pérez González"
    the same, which floods a large registry with false alarms)."""
    return (fuzz.token_set_ratio(a, b) + fuzz.token_sort_ratio(a, b)) / 200.0


def close_dates(day: date) -> set[date]:
    """The birth dates taken for the same person's: the date itself, day and month swapped,
    and the same day one year before or after."""
    close = {day}
    if day.day <= 12:
        close.add(day.replace(month=day.day, day=day.month))
    for year in (day.year - 1, day.year + 1):
        try:
            close.add(day.replace(year=year))
        except ValueError:  # 29 February
            pass
    return close


NAME_THRESHOLD = 0.85


def sound_keys(tokens: list[str] | set[str]) -> set[str]:
    return {k for k in tokens if k.startswith("~")}


def name_matches(keys: set[str], folded: str, other_tokens: list[str], other_name: str) -> float:
    """The name score (0..1) of a person whose birth date is already close, or 0 when the
    names share too few sounds (two, or all of them when the name has fewer)."""
    if len(keys & set(other_tokens)) < min(2, len(keys)):
        return 0.0
    score = _name_score(folded, other_name)
    return score if score >= NAME_THRESHOLD else 0.0


@register_finder
def fuzzy_name_and_birth_date(
    candidate: dict[str, Any], people: QuerySet[Person]
) -> list[Candidate]:
    """Birth date first: among 1,000,000 people a date and its near variants hold about a
    hundred, which are then compared by name sounds and a fuzzy whole-name score."""
    full = names.full_name(
        candidate.get("given_names", ""),
        candidate.get("first_surname", ""),
        candidate.get("second_surname", ""),
    )
    keys = sound_keys(names.search_keys(full))
    birth = candidate.get("birth_date")
    if not keys or birth is None:
        return []
    folded = names.fold(full)
    found = []
    for pid, born, search_name, tokens in people.filter(
        birth_date__in=sorted(close_dates(birth))
    ).values_list("id", "birth_date", "search_name", "search_tokens")[:2000]:
        score = name_matches(keys, folded, tokens or [], search_name)
        if score:
            reason = "birth_date" if born == birth else "birth_date_near"
            found.append(Candidate(pid, round(score * 0.95, 3), ("name", reason)))
    return found


def _merge_into(best: dict[int, Candidate], found: Iterable[Candidate]) -> None:
    for c in found:
        prev = best.get(c.person_id)
        if prev is None:
            best[c.person_id] = c
        else:
            reasons = tuple(dict.fromkeys(prev.reasons + c.reasons))
            best[c.person_id] = Candidate(c.person_id, max(prev.score, c.score), reasons)


def find_candidates(
    candidate: dict[str, Any], people: QuerySet[Person], *, limit: int = 10
) -> list[Candidate]:
    """Merge every finder's candidates: best score per person, reasons combined."""
    best: dict[int, Candidate] = {}
    people = people.filter(merged_into__isnull=True)
    for finder in _FINDERS:
        _merge_into(best, finder(candidate, people))
    return sorted(best.values(), key=lambda c: -c.score)[:limit]


def find_candidates_bulk(
    candidates: list[dict[str, Any]], people: QuerySet[Person], *, limit: int = 10
) -> list[list[Candidate]]:
    """`find_candidates` for many at once (imports): a finder with a `bulk` attribute
    (candidates, people) -> one list per candidate answers in one go; others one by one."""
    best: list[dict[int, Candidate]] = [{} for _ in candidates]
    people = people.filter(merged_into__isnull=True)
    for finder in _FINDERS:
        bulk = getattr(finder, "bulk", None)
        answers = bulk(candidates, people) if bulk else [finder(c, people) for c in candidates]
        for slot, found in zip(best, answers, strict=True):
            _merge_into(slot, found)
    return [sorted(b.values(), key=lambda c: -c.score)[:limit] for b in best]


def _exact_document_bulk(
    candidates: list[dict[str, Any]], people: QuerySet[Person]
) -> list[list[Candidate]]:
    wanted: dict[str, list[int]] = {}
    for i, candidate in enumerate(candidates):
        for d in candidate.get("documents", []):
            h = document_hash(d.get("number", ""))
            if h:
                wanted.setdefault(h, []).append(i)
    answers: list[list[Candidate]] = [[] for _ in candidates]
    if not wanted:
        return answers
    for h, pid in (
        Document.objects.filter(number_hash__in=list(wanted), person__in=people)
        .values_list("number_hash", "person_id")
        .distinct()
    ):
        for i in wanted[h]:
            answers[i].append(Candidate(pid, 1.0, ("document",)))
    return answers


exact_document.bulk = _exact_document_bulk  # type: ignore[attr-defined]
