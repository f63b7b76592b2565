"""Who might this already be? The hook every registration and import asks before saving.

The finders are listed, in order, in `registry.hooks.DUPLICATE_FINDERS`; each gets the
candidate person (a plain dict, so the same hook serves the form, the API and imports) and
the queryset of people the user may see, and returns Candidates. The registry ships the
exact-document finder; the identity engine's scores everything else.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from django.db.models import QuerySet

from caminantes.lib import crypto, names
from caminantes.registry import hooks
from caminantes.registry.models import Document, Person


@dataclass(frozen=True)
class Candidate:
    person_id: int
    score: float  # 0..1
    reasons: tuple[str, ...] = field(default_factory=tuple)


Finder = Callable[[dict[str, Any], QuerySet[Person]], Iterable[Candidate]]


def normalise_document(number: str) -> str:
    """'V-12.345.678', '012345678' and '12 345 678' are the same cédula: the form the
    identity engine compares (`lib.names.document_key`), so the exact-document check and
    the engine agree on which numbers are one."""
    return names.document_key(number)


def document_hash(number: str) -> str:
    return crypto.lookup_hash(normalise_document(number), purpose="document")


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
    for finder in hooks.duplicate_finders():
        _merge_into(best, finder(candidate, people))
    return sorted(best.values(), key=lambda c: -c.score)[:limit]


def find_candidates_bulk(
    candidates: list[dict[str, Any]], people: QuerySet[Person], *, limit: int = 10
) -> list[list[Candidate]]:
    """`find_candidates` for many at once (imports): a finder with a `bulk` attribute
    (candidates, people) -> one list per candidate answers in one go; others one by one."""
    best: list[dict[int, Candidate]] = [{} for _ in candidates]
    people = people.filter(merged_into__isnull=True)
    for finder in hooks.duplicate_finders():
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
