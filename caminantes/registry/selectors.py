"""Reads of the registry, always through the access policy."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from typing import Any
from uuid import UUID

from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Prefetch, QuerySet
from django.http import Http404
from django.utils.translation import gettext as _
from rapidfuzz import fuzz

from caminantes.accounts import policies
from caminantes.accounts.models import Organization
from caminantes.accounts.permissions import Perm
from caminantes.geo.models import Country
from caminantes.lib import crypto, names
from caminantes.lib.phones import InvalidPhone, to_e164
from caminantes.registry import duplicates
from caminantes.registry.models import Consent, Document, Household, Person, Phone
from caminantes.registry.shortlists import Branch, NameShortlists

_DATE = re.compile(r"\b(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})\b|\b(\d{4})-(\d{1,2})-(\d{1,2})\b")
_DIGITS = re.compile(r"\+?[\dVvEe][\d.\- ]{5,}")
# A household code as pages show it (Household.code: the first 8 hex digits of its uuid).
# One digit at least, so that no name is taken for one.
_CODE = re.compile(r"(?<![\w-])#?(?=[A-Fa-f]*\d)([0-9A-Fa-f]{8})(?![\w-])")


@dataclass
class Query:
    text: str
    words: str
    birth_date: date | None
    numbers: list[str]
    codes: list[str] = field(default_factory=list)  # household codes, lower case


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
    codes = [c.lower() for c in _CODE.findall(rest)]
    for code in codes:
        if not code.isdigit():  # all digits: a cédula as well, looked up as a number too
            rest = re.sub(rf"#?{code}", " ", rest, flags=re.IGNORECASE)
    numbers = [n.strip() for n in _DIGITS.findall(rest) if sum(ch.isdigit() for ch in n) >= 6]
    for n in numbers:
        rest = rest.replace(n, " ")
    return Query(text=text, words=rest.strip(), birth_date=birth, numbers=numbers, codes=codes)


def households_by_code(households: QuerySet[Household], code: str) -> QuerySet[Household]:
    """The households whose code (`Household.code`) is `code`: a range of uuids, which the
    unique index on uuid answers without reading the table."""
    low = UUID(code + "0" * 24)
    high = UUID(code + "f" * 24)
    return households.filter(uuid__gte=low, uuid__lte=high)


def people_for_user(*, user: Any) -> QuerySet[Person]:
    return policies.visible(user, Person).filter(anonymised_at__isnull=True)


def households_for_user(*, user: Any) -> QuerySet[Household]:
    return policies.visible(user, Household).filter(anonymised_at__isnull=True)


NAME_SHORTLIST = 400  # people read per name query, then ranked in Python
LOOSE_SHORTLIST = 200  # people read by the query that forgives a slip in every word
FALLBACK_SHORTLIST = 100  # per query leaving one word out
ANSWERED = 0.95  # a name this close answers the search (see rank_name): no word left out
MIN_RANK = 0.7  # below this a name does not answer the words searched (see rank_name)
PARTIAL_WORD = 3  # a word still being typed is matched by its first letters from here on


@dataclass(frozen=True)
class Word:
    text: str
    keys: tuple[str, ...]
    partial: bool


def query_words(words: str, *, typing: bool) -> list[Word]:
    """Each searched word with the keys it is looked up by: itself, its sound and, for the
    last word while it is still being typed, its first letters."""
    toks = [t for t in names.tokens(words) if len(t) >= 2]
    result = []
    for i, tok in enumerate(toks):
        keys = {tok, "~" + names.phonetic(tok)}
        partial = typing and i == len(toks) - 1 and len(tok) >= PARTIAL_WORD
        prefix = names.prefix_key(tok) if partial else None
        if prefix:
            keys.add(prefix)
        result.append(Word(tok, tuple(sorted(keys)), partial))
    return result


def loosen(word: Word) -> Word:
    """The word also matched by any name word one slip away from it (a letter changed,
    dropped, added or two swapped: `names.slip_keys`), still on the index."""
    return Word(word.text, tuple(sorted({*word.keys, *names.slip_keys(word.text)})), word.partial)


def _word_score(word: Word, name_words: list[str]) -> float:
    if word.text in name_words:
        return 1.0
    sound = names.phonetic(word.text)
    best = 0.0
    for w in name_words:
        if word.partial and w.startswith(word.text):
            return 0.97
        score = 0.95 if names.phonetic(w) == sound else fuzz.ratio(word.text, w) / 100.0
        best = max(best, score)
    return best


def rank_name(words: list[Word], search_name: str) -> float:
    """How well a person's name answers the searched words (0..1): each word's best match
    among the name's words (exact, same sound, typed so far, or edit similarity), averaged;
    a name with more words than searched loses a hair, so the closer name comes first."""
    name_words = [w for w in search_name.split() if w not in names.PARTICLES]
    if not words or not name_words:
        return 0.0
    score = sum(_word_score(w, name_words) for w in words) / len(words)
    return score - 0.001 * max(0, len(name_words) - len(words))


def search_people(
    *, user: Any, text: str, limit: int = 20, country: Country | None = None
) -> list[Person]:
    """Find people by any mix of names, date of birth, document or phone number.

    Tolerates accents, case, word order, spelling that sounds the same, half-typed last
    words and mistyped words: every searched word must match a word of the name by its
    spelling, its sound or (the last one, while typing) its first letters; when that finds
    too few people, by a name word one slip away (`names.slip_keys`), then each word in
    turn is left out, and the ranking (`rank_name`) puts the closest spelling first. On
    PostgreSQL each word is a GIN look-up, so the cost follows the rarest words, not the
    size of the registry.
    """
    q = parse_query(text)
    people = people_for_user(user=user).filter(merged_into__isnull=True)
    if country is not None:
        people = people.filter(household__country=country)
    scores: dict[int, float] = {}

    for code in q.codes:
        # The family read out by its code: everyone in it, the focal point first.
        matched = households_by_code(Household.objects.all(), code).values_list("pk", flat=True)
        for pid, relationship in people.filter(household_id__in=list(matched)).values_list(
            "id", "relationship"
        ):
            scores[pid] = scores.get(pid, 0) + (5 if relationship == "focal_point" else 4)

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

    words = query_words(q.words, typing=not text.endswith(" "))
    if words:
        shortlists = NameShortlists(people)
        loose = [loosen(w) for w in words]
        # Mistyped: every word also by the names one slip away from it (what finds a person
        # registered with a slip beside the one spelt right), only when too few were found.
        found = shortlists.fetch_unless(
            Branch([w.keys for w in words], NAME_SHORTLIST),
            Branch([w.keys for w in loose], LOOSE_SHORTLIST),
            enough=limit,
        )
        ranks = {pid: rank_name(words, name) for pid, name in found.items()}
        if len(found) < limit and len(words) > 1 and max(ranks.values(), default=0) < ANSWERED:
            # Nobody answers the words closely yet: one word badly mistyped (or not in the name
            # at all), the others slipped. Each word left out in turn, only when needed.
            found.update(shortlists.fetch_all([
                Branch([w.keys for w in loose[:i] + loose[i + 1 :]], FALLBACK_SHORTLIST)
                for i in range(len(words))
            ]))  # fmt: skip
        if q.birth_date is not None and len(found) >= NAME_SHORTLIST:
            found.update(
                shortlists.fetch(Branch([w.keys for w in words], NAME_SHORTLIST, q.birth_date))
            )
        for pid, search_name in found.items():
            ratio = ranks.get(pid) or rank_name(words, search_name)
            if ratio >= MIN_RANK:
                scores[pid] = scores.get(pid, 0) + ratio
    if q.birth_date is not None:
        if scores:
            for pid in people.filter(id__in=list(scores), birth_date=q.birth_date).values_list(
                "id", flat=True
            ):
                scores[pid] += 1
        elif not words and not q.numbers:
            for pid in people.filter(birth_date=q.birth_date).values_list("id", flat=True)[:limit]:
                scores[pid] = 1
    best = sorted(scores, key=lambda pid: (-scores[pid], pid))[:limit]
    by_id = {
        p.id: p
        # The search keys (23 per word) are not shown: not read, not parsed.
        for p in Person.objects.filter(id__in=best)
        .defer("search_tokens")
        .select_related("household", "household__country", "household__organization")
    }
    return [by_id[pid] for pid in best if pid in by_id]


def household_detail(*, user: Any, uuid: Any) -> Household:
    household = policies.get_for_user(user, Household, uuid)
    if household.anonymised_at is not None:
        raise Http404
    return household


def members_of(household: Household) -> QuerySet[Person]:
    return household.members.filter(anonymised_at__isnull=True).prefetch_related(
        "nationalities",
        Prefetch("documents", queryset=Document.objects.select_related("issuing_country")),
        "consents",
        "consents__recipient",
    )


def person_detail(*, user: Any, uuid: Any) -> Person:
    """A person the user may see, not erased: 404 otherwise, as for a missing id."""
    person = policies.get_for_user(user, Person, uuid)
    if person.anonymised_at is not None:
        raise Http404
    return person


def consent_detail(*, user: Any, uuid: Any) -> Consent:
    """A consent the user may see, of a person not erased: 404 otherwise."""
    consent = policies.get_for_user(user, Consent, uuid)
    if consent.person.anonymised_at is not None:
        raise Http404
    return consent


@dataclass(frozen=True)
class PossibleDuplicate:
    member: int  # index of the member being registered
    person: Person
    candidate: duplicates.Candidate


def possible_duplicates(
    *, user: Any, candidates: dict[int, list[duplicates.Candidate]]
) -> list[PossibleDuplicate]:
    """The people a stopped registration was taken for, among those the user may see."""
    wanted = [c.person_id for found in candidates.values() for c in found]
    people = people_for_user(user=user).filter(pk__in=wanted)
    by_pk = {p.pk: p for p in people.select_related("household", "household__organization")}
    return [
        PossibleDuplicate(member=i, person=by_pk[c.person_id], candidate=c)
        for i, found in candidates.items()
        for c in found
        if c.person_id in by_pk
    ]


def registering_organization(*, user: Any, country: Country, acronym: str | None) -> Organization:
    """For whom `user` registers in `country`: the organisation named, or the one they
    register for there (PermissionDenied when none; a ValidationError asks to name one
    when several). Whether they may is the registration's own check."""
    if acronym:
        org = Organization.objects.filter(acronym__iexact=acronym).first()
        if org is None:
            raise ValidationError(
                {"organization": [_("Unknown organisation: %(o)s") % {"o": acronym}]}
            )
        return org
    org_ids = sorted(
        {
            g.organization_id
            for g in policies.grants(user)
            if policies.has_perm(
                user,
                Perm.REGISTER_HOUSEHOLDS,
                organization_id=g.organization_id,
                country_id=country.pk,
            )
        }
    )
    if not org_ids:
        raise PermissionDenied(_("Your roles do not allow registering households here."))
    if len(org_ids) > 1:
        names_ = Organization.objects.filter(pk__in=org_ids).values_list("acronym", flat=True)
        raise ValidationError(
            {
                "organization": [
                    _("You register for several organisations here; name one: %(o)s")
                    % {"o": ", ".join(sorted(names_))}
                ]
            }
        )
    return Organization.objects.get(pk=org_ids[0])


def partner(acronym: str, *, key: str) -> Organization:
    """A partner organisation by its acronym (any case), or a ValidationError under `key`."""
    org = Organization.objects.filter(acronym__iexact=acronym).first()
    if org is None:
        raise ValidationError({key: [_("Unknown partner: %(o)s") % {"o": acronym}]})
    return org
