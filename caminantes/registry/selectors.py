"""Reads of the registry, always through the access policy."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.db.models import Count, Prefetch, QuerySet
from rapidfuzz import fuzz

from caminantes.accounts import policies
from caminantes.geo.models import Country
from caminantes.lib import crypto, names
from caminantes.lib.phones import InvalidPhone, to_e164
from caminantes.registry import duplicates
from caminantes.registry.models import Document, Household, Person, Phone, SearchKey

_DATE = re.compile(r"\b(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})\b|\b(\d{4})-(\d{1,2})-(\d{1,2})\b")
_DIGITS = re.compile(r"\+?[\dVvEe][\d.\- ]{5,}")


@dataclass
class Query:
    text: str
    words: str
    birth_date: date | None
    numbers: list[str]


def parse_query(text: str) -> Query:
    """Split a free search into name words, a date of birth and document/phone numbers."""
    birth = None
    rest = text
    m = _DATE.search(text)
    if m:
        try:
            if m.group(4):
                birth = date(int(m.group(4)), int(m.group(5)), int(m.group(6)))
            else:
                birth = date(int(m.group(3)), int(m.group(2)), int(m.group(1)))
        except ValueError:
            birth = None
        rest = rest.replace(m.group(0), " ")
    numbers = [n.strip() for n in _DIGITS.findall(rest) if sum(ch.isdigit() for ch in n) >= 6]
    for n in numbers:
        rest = rest.replace(n, " ")
    return Query(text=text, words=rest.strip(), birth_date=birth, numbers=numbers)


def people_for_user(*, user: Any) -> QuerySet[Person]:
    return policies.visible(user, Person).filter(anonymised_at__isnull=True)


def households_for_user(*, user: Any) -> QuerySet[Household]:
    return policies.visible(user, Household).filter(anonymised_at__isnull=True)


def search_people(
    *, user: Any, text: str, limit: int = 20, country: Country | None = None
) -> list[Person]:
    """Find people by any mix of names, date of birth, document or phone number.

    Tolerates accents, case, word order and small typos: names are matched on word and
    sound keys, then ranked by a fuzzy comparison of the whole name.
    """
    q = parse_query(text)
    people = people_for_user(user=user)
    if country is not None:
        people = people.filter(household__country=country)
    scores: dict[int, float] = {}

    for number in q.numbers:
        doc_hash = duplicates.document_hash(number)
        for pid in Document.objects.filter(number_hash=doc_hash, person__in=people).values_list(
            "person_id", flat=True
        ):
            scores[pid] = scores.get(pid, 0) + 3
        try:
            phone_hash = crypto.lookup_hash(
                to_e164(number, country.iso2 if country else None), purpose="phone"
            )
        except InvalidPhone:
            phone_hash = ""
        if phone_hash:
            hh_ids = Phone.objects.filter(number_hash=phone_hash).values_list(
                "household_id", flat=True
            )
            for pid in people.filter(household_id__in=hh_ids).values_list("id", flat=True):
                scores[pid] = scores.get(pid, 0) + 2

    folded = names.fold(q.words)
    keys = list(names.search_keys(q.words))
    if keys:
        words = [k for k in keys if not k.startswith("~")]
        needed = max(1, len(words) - 1) if len(words) > 1 else 1
        # The policy applies to the shortlist, not inside it: joined into the key look-up it
        # made PostgreSQL hash every visible person on each keystroke (600 ms at 1M people).
        # COUNT(*), not COUNT(id): the (key, person) index alone answers it.
        shortlist = (
            SearchKey.objects.filter(key__in=keys)
            .values("person_id")
            .annotate(hits=Count("*"))
            .filter(hits__gte=needed)
            .order_by("-hits")[:1000]
        )
        ids = [row["person_id"] for row in shortlist]
        for pid, search_name in people.filter(id__in=ids).values_list("id", "search_name"):
            ratio = fuzz.token_set_ratio(folded, search_name) / 100.0
            if ratio >= 0.6:
                scores[pid] = scores.get(pid, 0) + ratio
    if q.birth_date is not None:
        if scores:
            for pid in people.filter(id__in=list(scores), birth_date=q.birth_date).values_list(
                "id", flat=True
            ):
                scores[pid] += 1
        elif not keys and not q.numbers:
            for pid in people.filter(birth_date=q.birth_date).values_list("id", flat=True)[:limit]:
                scores[pid] = 1
    best = sorted(scores, key=lambda pid: -scores[pid])[:limit]
    found = {
        p.id: p
        for p in Person.objects.filter(id__in=best).select_related(
            "household", "household__country", "household__organization"
        )
    }
    return [found[pid] for pid in best if pid in found]


def household_detail(*, user: Any, uuid: Any) -> Household:
    household = policies.get_for_user(user, Household, uuid)
    if household.anonymised_at is not None:
        from django.http import Http404

        raise Http404
    return household


def members_of(household: Household) -> QuerySet[Person]:
    return household.members.filter(anonymised_at__isnull=True).prefetch_related(
        "nationalities",
        Prefetch("documents", queryset=Document.objects.select_related("issuing_country")),
        "consents",
        "consents__recipient",
    )
