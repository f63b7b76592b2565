"""Traces: what identifies a person (names in every spelling they were written, document
and phone numbers, their keyed hashes), to find and redact it in free text and staged rows."""

from __future__ import annotations

import re
import unicodedata
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

import phonenumbers
from cryptography.fernet import InvalidToken
from django.db.models import Q

from caminantes.lib import crypto, names
from caminantes.registry import duplicates
from caminantes.registry.models import Document, FieldChange, Person, Phone

PLACEHOLDER = "***"
NAME_FIELDS = ("given_names", "first_surname", "second_surname", "preferred_name")
_MIN_NUMBER = 5  # shorter numbers would match unrelated text


def _fold_keeping_length(text: str) -> str:
    """Lower case without accents, one character for one, so matches map back to `text`."""
    out = []
    for ch in text:
        base = "".join(c for c in unicodedata.normalize("NFKD", ch) if not unicodedata.combining(c))
        out.append((base or " ")[0].lower()[:1] or " ")
    return "".join(out)


def _alternatives(words: Iterable[str]) -> str:
    return "|".join(re.escape(w) for w in sorted(set(words), key=lambda w: (-len(w), w)))


_NUMBER_RUN = re.compile(r"(?<![A-Za-z0-9])[A-Za-z]{0,3}[\s.\-]*\d[\d\s.\-()]*\d")
_PARTICLES = _alternatives(names.PARTICLES)


def _decrypt(token: str) -> str:
    try:
        return crypto.decrypt(token)
    except InvalidToken:
        return ""


@dataclass
class Traces:
    """Names (tokens and whole-name variants) and numbers (normalised) of one or more people."""

    given: set[str] = field(default_factory=set)
    surnames: set[str] = field(default_factory=set)
    variants: set[tuple[frozenset[str], frozenset[str]]] = field(default_factory=set)
    numbers: set[str] = field(default_factory=set)
    hashes: set[str] = field(default_factory=set)  # keyed hashes, as staged rows hold them
    _name_re: re.Pattern[str] | None = field(default=None, repr=False, compare=False)

    def add_name(self, given: str, first: str, second: str = "", preferred: str = "") -> None:
        g = {t for t in names.tokens(given) if len(t) >= 2}
        s = {t for t in names.tokens(f"{first} {second}") if len(t) >= 2}
        p = {t for t in names.tokens(preferred) if len(t) >= 2}
        self.given |= g | p
        self.surnames |= s
        if g:
            self.variants.add((frozenset(g), frozenset(s)))
        self._name_re = None

    def add_document(self, number: str) -> None:
        for value in (duplicates.normalise_document(number), _alnum(number)):
            if len(value) >= _MIN_NUMBER:
                self.numbers.add(value)

    def add_phone(self, e164: str) -> None:
        digits = "".join(ch for ch in e164 if ch.isdigit())
        if len(digits) < _MIN_NUMBER:
            return
        self.numbers.add(digits)
        try:
            national = str(phonenumbers.parse("+" + digits).national_number)
        except phonenumbers.NumberParseException:
            return
        self.numbers |= {national, "0" + national}

    def merge(self, other: Traces) -> None:
        self.given |= other.given
        self.surnames |= other.surnames
        self.variants |= other.variants
        self.numbers |= other.numbers
        self.hashes |= other.hashes
        self._name_re = None

    # -- finding

    def _names_pattern(self) -> re.Pattern[str] | None:
        if not self.given:
            return None
        if self._name_re is None:
            g = _alternatives(self.given)
            s = _alternatives(self.surnames) if self.surnames else None
            sep = rf"[\s,]+(?:(?:{_PARTICLES})\s+)*"
            word = f"(?:{g}|{s})" if s else f"(?:{g})"
            lead = rf"(?:(?:{s}){sep})*" if s else ""
            self._name_re = re.compile(rf"(?<![a-z0-9]){lead}(?:{g})(?:{sep}{word})*(?![a-z0-9])")
        return self._name_re

    def _spans(self, text: str) -> list[tuple[int, int]]:
        spans: list[tuple[int, int]] = []
        pattern = self._names_pattern()
        if pattern is not None:
            spans += [m.span() for m in pattern.finditer(_fold_keeping_length(text))]
        if self.numbers:
            lengths = sorted({len(n) for n in self.numbers}, reverse=True)
            for run in _NUMBER_RUN.finditer(text):
                positions = [run.start() + i for i, ch in enumerate(run.group()) if ch.isalnum()]
                chars = "".join(text[i] for i in positions).upper()
                i = 0
                while i < len(chars):
                    hit = next(
                        (
                            n
                            for n in lengths
                            if i + n <= len(chars) and chars[i : i + n] in self.numbers
                        ),
                        0,
                    )
                    if hit:
                        spans.append((positions[i], positions[i + hit - 1] + 1))
                        i += hit
                    else:
                        i += 1
        return spans

    def redact(self, text: str) -> str:
        """`text` with every mention of the people replaced by a placeholder."""
        if not text:
            return text
        text = unicodedata.normalize("NFC", text)
        spans = sorted(self._spans(text))
        if not spans:
            return text
        out, pos = [], 0
        for start, end in spans:
            if end <= pos:
                continue
            start = max(start, pos)
            out.append(text[pos:start])
            out.append(PLACEHOLDER)
            pos = end
        out.append(text[pos:])
        return "".join(out)

    def mentions(self, text: str) -> bool:
        return bool(text) and bool(self._spans(unicodedata.normalize("NFC", text)))

    def redact_json(self, value: Any) -> Any:
        if isinstance(value, str):
            return self.redact(value)
        if isinstance(value, list):
            return [self.redact_json(v) for v in value]
        if isinstance(value, dict):
            return {k: self.redact_json(v) for k, v in value.items()}
        return value


class RowMatcher:
    """Does a staged row hold one of these people? A whole name (all given-name and surname
    tokens among the row's words), a document or phone number anywhere in it, or the keyed
    hash of one (the importer stages numbers encrypted, with their hash)."""

    def __init__(self, traces: Traces) -> None:
        self.traces = Traces(numbers=set(traces.numbers))
        self.hashes = set(traces.hashes)
        self.by_token: dict[str, list[tuple[frozenset[str], frozenset[str]]]] = defaultdict(list)
        for given, surnames in traces.variants:
            self.by_token[min(given)].append((given, surnames))

    def matches(self, data: Any) -> bool:
        values = [str(v) for v in _flatten(data) if v not in (None, "")]
        if not values:
            return False
        if self.hashes.intersection(values):
            return True
        words = set(names.fold(" ".join(values)).split(" "))
        for word in words & self.by_token.keys():
            for given, surnames in self.by_token[word]:
                if given <= words and surnames <= words:
                    return True
        return any(self.traces.mentions(v) for v in values)


def _flatten(value: Any) -> Iterable[Any]:
    if isinstance(value, dict):
        for v in value.values():
            yield from _flatten(v)
    elif isinstance(value, list):
        for v in value:
            yield from _flatten(v)
    else:
        yield value


def _alnum(value: str) -> str:
    return "".join(ch for ch in (value or "").upper() if ch.isalnum())


def traces_of(person: Person, *, household_contacts: bool = False) -> Traces:
    """Everything that identifies `person`, including names and numbers since corrected."""
    t = Traces()
    current = {f: getattr(person, f) for f in NAME_FIELDS}
    t.add_name(
        current["given_names"],
        current["first_surname"],
        current["second_surname"],
        current["preferred_name"],
    )
    for change in FieldChange.objects.filter(object_uuid=person.uuid, field__in=NAME_FIELDS):
        for value in (change.old_value, change.new_value):
            value = _decrypt(value) if change.encrypted else value
            variant = current | {change.field: value}
            t.add_name(
                variant["given_names"],
                variant["first_surname"],
                variant["second_surname"],
                variant["preferred_name"],
            )
    documents = list(Document.objects.filter(person=person))
    for doc in documents:
        t.add_document(_decrypt(doc.number_encrypted))
        if doc.number_hash:
            t.hashes.add(doc.number_hash)
    for change in FieldChange.objects.filter(
        object_uuid__in=[d.uuid for d in documents], encrypted=True
    ):
        t.add_document(_decrypt(change.old_value))
        t.add_document(_decrypt(change.new_value))
    phones = Phone.objects.filter(person=person)
    if household_contacts:
        phones = Phone.objects.filter(
            Q(person=person) | Q(household=person.household_id, person=None)
        )
    for phone in phones:
        t.add_phone(_decrypt(phone.number_encrypted))
        if phone.number_hash:
            t.hashes.add(phone.number_hash)
    return t
