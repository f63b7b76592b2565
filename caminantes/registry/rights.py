"""Rights of the people registered: the register of requests, erasure, retention, and the
re-encryption of what is encrypted at rest.

Erasure is irreversible anonymisation, not deletion: the rows stay so that counts, reports
and the audit trail (which never held values) stay right, but nothing in them leads back to
the person any more.

What is kept about an erased person: sex, year of birth (as 1 July, marked estimated),
nationalities, relationship to the focal point; of the household: population type, country
and areas, registration date, destination, arrival month; consent purposes and dates,
document types and status, needs severities, the kinds and dates of timeline entries, and
who changed which field when. What goes: names, preferred name, exact date and place of
birth, languages, disability answers and specific needs (health data: not needed for the
kept counts), document numbers with their keyed hashes, last four digits and dates, the
person's phones, the search index, guardian names, the old and new values of every field
change about the person or their documents, every mention of them (names, document and
phone numbers, in any spelling) in the household's timeline summaries, change reasons,
consent records and the organisation's request notes, and the staged import rows that hold
them.

The household's address and household phones are erased too when the person is the focal
point or the last member left: the focal point is the family's contact, the household
phones and address are the way to reach (and so identify) them. The family's other members
stay served; a caseworker records a new contact the next time they are seen. When the last
member is erased the household itself is marked anonymised and closed.

Other apps keep their own data about people (deliveries, tracing, referrals): they register
an eraser with `register_eraser`, which is called in the same transaction with the person
and a `Traces` that redacts any mention of them from text.
"""

from __future__ import annotations

import calendar
import re
import unicodedata
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

import phonenumbers
from cryptography.fernet import Fernet, InvalidToken
from django.apps import apps
from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models, transaction
from django.db.models import F, Q
from django.db.models.functions import Cast
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from caminantes.accounts import policies
from caminantes.accounts.permissions import Perm
from caminantes.audit import actions
from caminantes.audit.log import Subject, log
from caminantes.audit.models import Outcome
from caminantes.lib import crypto, names
from caminantes.registry import duplicates, hooks, timeline
from caminantes.registry.models import (
    WG_DOMAINS,
    Consent,
    DataRequest,
    Document,
    FieldChange,
    Household,
    ImportRow,
    Person,
    Phone,
    RetentionPolicy,
    TimelineEntry,
)

PLACEHOLDER = "***"
DEFAULT_MONTHS_INACTIVE = 36
NAME_FIELDS = ("given_names", "first_surname", "second_surname", "preferred_name")
_MIN_NUMBER = 5  # shorter numbers would match unrelated text

# --------------------------------------------------------------------------------------
# Permission checks


def _require(
    user: Any,
    perms: Iterable[Perm],
    *,
    organization_id: int,
    country_id: int | None,
    subject: Any = DataRequest,
) -> None:
    wanted = list(perms)
    for perm in wanted:
        if policies.has_perm(user, perm, organization_id=organization_id, country_id=country_id):
            return
    log(user, actions.ACCESS_DENIED, subject, Outcome.DENIED, permission=wanted[0].value)
    raise PermissionDenied(_("Your roles do not allow this here."))


def _require_for_person(user: Any, person: Person, *perms: Perm) -> None:
    household = person.household
    _require(
        user,
        perms,
        organization_id=household.organization_id,
        country_id=household.country_id,
        subject=person,
    )


# --------------------------------------------------------------------------------------
# Traces: what identifies a person, to find and redact it in free text and staged rows


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


# --------------------------------------------------------------------------------------
# Erasure


Eraser = Callable[[Person, Traces], None]
_ERASERS: list[Eraser] = []


def register_eraser(eraser: Eraser) -> Eraser:
    """Higher apps anonymise what they hold about a person when the registry erases it."""
    _ERASERS.append(eraser)
    return eraser


@dataclass
class ErasureResult:
    people: int = 0
    households: int = 0
    documents: int = 0
    phones: int = 0
    field_changes: int = 0
    texts: int = 0
    staged_rows: int = 0

    def counts(self) -> dict[str, Any]:
        return {name: getattr(self, name) for name in self.__dataclass_fields__}


_BLANK_NUMBER = {"number_encrypted": "", "number_hash": "", "number_last4": ""}


def _anonymise_person(person: Person, now: datetime, result: ErasureResult) -> list[Any]:
    """Blank the person's own rows; return the uuids whose field history must go too."""
    documents = list(Document.objects.filter(person=person).values_list("uuid", flat=True))
    result.documents += Document.objects.filter(person=person).update(
        **_BLANK_NUMBER, issued_on=None, expires_on=None, version=F("version") + 1, updated_at=now
    )
    own_phones = list(Phone.objects.filter(person=person))
    hashes = [p.number_hash for p in own_phones if p.number_hash]
    # The same number written as a household phone is the person's number too.
    # A phone is nothing but its number: erased, the row goes (no empty phone is listed).
    result.phones += Phone.objects.filter(
        Q(person=person) | Q(household=person.household_id, number_hash__in=hashes)
    ).delete()[0]
    Consent.objects.filter(person=person).update(guardian_name="")
    birth = person.birth_date
    Person.objects.filter(pk=person.pk).update(
        given_names="",
        first_surname="",
        second_surname="",
        preferred_name="",
        search_name="",
        search_tokens=[],
        birth_date=date(birth.year, 7, 1) if birth else None,
        birth_date_estimated=birth is not None,
        birth_country=None,
        birth_area=None,
        languages=[],
        specific_needs=[],
        **{f"wg_{d}": "" for d in WG_DOMAINS},
        anonymised_at=now,
        version=F("version") + 1,
        updated_at=now,
    )
    result.people += 1
    return [person.uuid, *documents, *(p.uuid for p in own_phones)]


def _anonymise_household(
    household: Household,
    erased: Sequence[Person],
    traces: Traces,
    now: datetime,
    result: ErasureResult,
) -> None:
    erased_ids = {p.pk for p in erased}
    history_of: list[Any] = []
    for person in erased:
        history_of += _anonymise_person(person, now, result)
    # In the same transaction: what other modules derived from them goes with the erasure.
    hooks.people_erased(person_ids=sorted(erased_ids))
    remaining = household.members.filter(anonymised_at__isnull=True).exclude(pk__in=erased_ids)
    whole = not remaining.exists()
    contacts = whole or household.focal_point_id in erased_ids
    changes = FieldChange.objects.filter(household=household)
    if whole:
        result.field_changes += changes.update(old_value="", new_value="", encrypted=False)
    else:
        blank = Q(object_uuid__in=history_of)
        if contacts:
            blank |= Q(object_type="household", field="address")
        result.field_changes += changes.filter(blank).update(
            old_value="", new_value="", encrypted=False
        )
    household_changes: dict[str, Any] = {}
    if contacts:
        result.phones += Phone.objects.filter(household=household, person=None).delete()[0]
        household_changes["address"] = ""
    if whole:
        result.phones += Phone.objects.filter(household=household).delete()[0]
        household_changes |= {
            "anonymised_at": now,
            "status": Household.Status.CLOSED,
            "arrival_date": household.arrival_date.replace(day=1)
            if household.arrival_date
            else None,
        }
        result.households += 1
    if household_changes:
        Household.objects.filter(pk=household.pk).update(
            **household_changes, version=F("version") + 1, updated_at=now
        )
    # Free text that may mention them: the family's timeline, change reasons, consents.
    for entry in TimelineEntry.objects.filter(household=household).only("pk", "summary", "params"):
        clean = traces.redact(entry.summary)
        params = {
            k: traces.redact(v) if isinstance(v, str) else v
            for k, v in (entry.params or {}).items()
        }
        if clean != entry.summary or params != (entry.params or {}):
            TimelineEntry.objects.filter(pk=entry.pk).update(summary=clean[:300], params=params)
            result.texts += 1
    for change in changes.only("pk", "reason", "old_value", "new_value", "encrypted"):
        updates = {"reason": traces.redact(change.reason)[:300]}
        if not change.encrypted:
            updates["old_value"] = traces.redact(change.old_value)
            updates["new_value"] = traces.redact(change.new_value)
        if any(getattr(change, k) != v for k, v in updates.items()):
            FieldChange.objects.filter(pk=change.pk).update(**updates)
            result.texts += 1
    for consent in Consent.objects.filter(person__household=household).exclude(guardian_name=""):
        if traces.mentions(consent.guardian_name):
            Consent.objects.filter(pk=consent.pk).update(guardian_name="")
            result.texts += 1


def _anonymise(
    people: Sequence[Person], *, now: datetime, households: Sequence[Household] = ()
) -> ErasureResult:
    """The core of erasure and retention; call inside a transaction."""
    result = ErasureResult()
    by_household: dict[int, list[Person]] = defaultdict(list)
    for person in people:
        by_household[person.household_id].append(person)
    wanted = {h.pk: h for h in households}
    for hh in Household.objects.filter(pk__in=by_household.keys()):
        wanted.setdefault(hh.pk, hh)
    all_traces = Traces()
    per_person: list[tuple[Person, Traces]] = []
    for hh in wanted.values():
        erased = by_household.get(hh.pk, [])
        remaining = hh.members.filter(anonymised_at__isnull=True).exclude(
            pk__in=[p.pk for p in erased]
        )
        contacts = not remaining.exists() or hh.focal_point_id in {p.pk for p in erased}
        traces = Traces()
        for person in erased:
            t = traces_of(person, household_contacts=contacts)
            per_person.append((person, t))
            traces.merge(t)
        all_traces.merge(traces)
        _anonymise_household(hh, erased, traces, now, result)
    organizations = {hh.organization_id for hh in wanted.values()}
    for request in DataRequest.objects.filter(organization__in=organizations).exclude(note=""):
        if all_traces.mentions(request.note):
            DataRequest.objects.filter(pk=request.pk).update(note=all_traces.redact(request.note))
            result.texts += 1
    result.staged_rows += _anonymise_staged_rows(organizations, all_traces)
    for person, t in per_person:
        for eraser in _ERASERS:
            eraser(person, t)
    return result


def _anonymise_staged_rows(organizations: set[int], traces: Traces) -> int:
    if not (traces.variants or traces.numbers or traces.hashes):
        return 0
    matcher = RowMatcher(traces)
    rows = (
        ImportRow.objects.filter(batch__organization__in=organizations)
        .exclude(data={}, errors=[])  # merged or cancelled rows keep nothing
        .only("pk", "data", "errors", "duplicate_of")
    )
    count = 0
    for row in rows.iterator(chunk_size=2000):
        if not matcher.matches(row.data):
            # Rows already merged or cancelled keep no data, but their error messages may
            # still quote a name.
            if row.errors:
                errors = traces.redact_json(row.errors)
                if errors != row.errors:
                    ImportRow.objects.filter(pk=row.pk).update(errors=errors)
            continue
        data = row.data if isinstance(row.data, dict) else {}
        ImportRow.objects.filter(pk=row.pk).update(
            data={key: "" for key in data},
            errors=traces.redact_json(row.errors),
            duplicate_of=traces.redact_json(row.duplicate_of),
        )
        count += 1
    return count


def person_erase(
    *,
    user: Any,
    person: Person,
    data_request: DataRequest | None = None,
    now: datetime | None = None,
) -> ErasureResult:
    """Erase (irreversibly anonymise) one person everywhere, on their request."""
    household = person.household
    _require_for_person(user, person, Perm.HANDLE_DATA_REQUESTS)
    if person.anonymised_at is not None:
        raise ValidationError(_("This person's data has already been erased."))
    if data_request is not None and (
        data_request.kind != DataRequest.Kind.ERASURE
        or data_request.status != DataRequest.Status.OPEN
        or data_request.person_uuid != person.uuid
        or data_request.organization_id != household.organization_id
    ):
        raise ValidationError(_("That request is not an open erasure request for this person."))
    now = now or timezone.now()
    with transaction.atomic():
        result = _anonymise([person], now=now)
        if data_request is None:
            data_request = DataRequest.objects.create(
                organization=household.organization,
                kind=DataRequest.Kind.ERASURE,
                person_uuid=person.uuid,
                received_on=timezone.localdate(now),
                status=DataRequest.Status.DONE,
                handled_by=user,
                completed_at=now,
            )
        else:
            DataRequest.objects.filter(pk=data_request.pk).update(
                status=DataRequest.Status.DONE, handled_by=user, completed_at=now
            )
        log(
            user,
            actions.DELETE,
            person,
            anonymised=True,
            reason="request",
            request=data_request.uuid,
            **result.counts(),
        )
        timeline.record(
            household,
            "erasure",
            None,
            now,
            gettext_noop("The personal data of a member was erased at their request."),
            actor=user,
            organization=household.organization,
        )
    person.refresh_from_db()
    return result


# --------------------------------------------------------------------------------------
# Retention


def months_before(moment: datetime, months: int) -> datetime:
    years, month0 = divmod(moment.month - 1 - months, 12)
    year, month = moment.year + years, month0 + 1
    return moment.replace(
        year=year, month=month, day=min(moment.day, calendar.monthrange(year, month)[1])
    )


@dataclass
class RetentionLine:
    country: str
    months: int
    cutoff: datetime
    households: int = 0
    people: int = 0


@dataclass
class RetentionResult:
    dry_run: bool
    lines: list[RetentionLine] = field(default_factory=list)

    @property
    def households(self) -> int:
        return sum(line.households for line in self.lines)

    @property
    def people(self) -> int:
        return sum(line.people for line in self.lines)


def retention_apply(
    *, now: datetime | None = None, dry_run: bool = False, batch_size: int = 200
) -> RetentionResult:
    """Anonymise every household inactive for longer than its country's retention period.

    The period is RetentionPolicy.months_inactive, 36 months where a country has none.
    Each batch of households is one transaction, so an interrupted run loses nothing and
    the next run carries on where it stopped.
    """
    from caminantes.geo.models import Country

    now = now or timezone.now()
    result = RetentionResult(dry_run=dry_run)
    pending = Household.objects.filter(anonymised_at__isnull=True)
    policies_by_country = {p.country_id: p.months_inactive for p in RetentionPolicy.objects.all()}
    country_ids = set(pending.order_by().values_list("country_id", flat=True).distinct())
    for country in Country.objects.filter(pk__in=country_ids).order_by("iso2"):
        months = policies_by_country.get(country.pk, DEFAULT_MONTHS_INACTIVE)
        line = RetentionLine(country.iso2, months, months_before(now, months))
        stale = pending.filter(country=country, last_activity_at__lt=line.cutoff)
        if dry_run:
            line.households = stale.count()
            line.people = Person.objects.filter(
                household__in=stale, anonymised_at__isnull=True
            ).count()
        else:
            ids = list(stale.order_by("organization_id", "pk").values_list("pk", flat=True))
            for start in range(0, len(ids), batch_size):
                done = _retention_batch(ids[start : start + batch_size], line.cutoff, now)
                line.households += done.households
                line.people += done.people
        if line.households:
            result.lines.append(line)
    if not dry_run:
        log(
            None,
            actions.DELETE,
            Subject("registry.retention"),
            anonymised=True,
            reason="retention",
            households=result.households,
            people=result.people,
        )
    return result


def _retention_batch(ids: list[int], cutoff: datetime, now: datetime) -> ErasureResult:
    with transaction.atomic():
        # Re-checked inside the transaction: activity since the listing keeps a household.
        households = list(
            Household.objects.select_for_update().filter(
                pk__in=ids, anonymised_at__isnull=True, last_activity_at__lt=cutoff
            )
        )
        members = list(Person.objects.filter(household__in=households, anonymised_at__isnull=True))
        # One pass for the whole batch: staged rows are read once, not once per household.
        result = _anonymise(members, now=now, households=households)
        people = Counter(p.household_id for p in members)
        for hh in households:
            log(None, actions.DELETE, hh, anonymised=True, reason="retention", people=people[hh.pk])
    return result


# --------------------------------------------------------------------------------------
# The register of requests


def data_request_record(
    *,
    user: Any,
    person: Person,
    kind: str,
    received_on: date | None = None,
    note: str = "",
) -> DataRequest:
    """Write a request down in the register. Corrections may also be taken by caseworkers."""
    household = person.household
    perms = [Perm.HANDLE_DATA_REQUESTS]
    if kind == DataRequest.Kind.CORRECTION:
        perms.append(Perm.EDIT_HOUSEHOLDS)
    _require_for_person(user, person, *perms)
    if kind not in DataRequest.Kind.values:
        raise ValidationError({"kind": [_("Choose access, correction or erasure.")]})
    if person.anonymised_at is not None:
        raise ValidationError(_("This person's data has already been erased."))
    received_on = received_on or timezone.localdate()
    if received_on > timezone.localdate():
        raise ValidationError({"received_on": [_("The date is in the future.")]})
    with transaction.atomic():
        request = DataRequest.objects.create(
            organization=household.organization,
            kind=kind,
            person_uuid=person.uuid,
            received_on=received_on,
            note=note.strip()[:300],
            handled_by=user,
        )
        log(user, actions.CREATE, request, kind=kind)
    return request


def data_request_close(
    *, user: Any, data_request: DataRequest, status: str, note: str = ""
) -> DataRequest:
    """Mark an open request done or refused (a refusal says why)."""
    _require(
        user,
        [Perm.HANDLE_DATA_REQUESTS],
        organization_id=data_request.organization_id,
        country_id=None,
    )
    if status not in (DataRequest.Status.DONE, DataRequest.Status.REFUSED):
        raise ValidationError({"status": [_("Choose done or refused.")]})
    if data_request.status != DataRequest.Status.OPEN:
        raise ValidationError(_("This request is already closed."))
    if status == DataRequest.Status.REFUSED and not note.strip():
        raise ValidationError({"note": [_("Say why the request is refused.")]})
    with transaction.atomic():
        data_request.status = status
        data_request.handled_by = user
        data_request.completed_at = timezone.now()
        if note.strip():
            data_request.note = note.strip()[:300]
        data_request.save(update_fields=["status", "handled_by", "completed_at", "note"])
        log(user, actions.UPDATE, data_request, status=status)
    return data_request


# --------------------------------------------------------------------------------------
# Encryption at rest: re-encrypt under the newest key


@dataclass
class RotationCount:
    column: str
    checked: int = 0
    rotated: int = 0
    current: int = 0
    unreadable: int = 0


def encrypted_columns() -> list[tuple[type[models.Model], str, Q]]:
    """Every encrypted column: by convention a field named `*_encrypted`, plus the field
    history values that were encrypted because the field they record is."""
    found: list[tuple[type[models.Model], str, Q]] = []
    for model in apps.get_models():
        if model._meta.proxy:
            continue
        for f in model._meta.concrete_fields:
            if f.name.endswith("_encrypted"):
                found.append((model, f.name, Q()))
    found += [
        (FieldChange, "old_value", Q(encrypted=True)),
        (FieldChange, "new_value", Q(encrypted=True)),
    ]
    return found


def json_columns() -> list[tuple[type[models.Model], str]]:
    """JSON columns, which may hold encrypted values under `*_encrypted` keys (staged
    import rows do: they are merged into documents and phones as they are)."""
    return [
        (model, f.name)
        for model in apps.get_models()
        if not model._meta.proxy
        for f in model._meta.concrete_fields
        if isinstance(f, models.JSONField)
    ]


class _Rotator:
    def __init__(self) -> None:
        self.newest = Fernet(settings.FIELD_ENCRYPTION_KEYS[0].encode())

    def __call__(self, token: str, count: RotationCount) -> str | None:
        """The token under the newest key, or None when it needs no change."""
        count.checked += 1
        try:
            self.newest.decrypt(token.encode())
        except InvalidToken:
            pass
        else:
            count.current += 1
            return None
        try:
            fresh = crypto.rotate(token)
        except InvalidToken:
            count.unreadable += 1
            return None
        count.rotated += 1
        return fresh

    def json(self, value: Any, count: RotationCount) -> Any:
        if isinstance(value, list):
            return [self.json(v, count) for v in value]
        if not isinstance(value, dict):
            return value
        out = {}
        for key, v in value.items():
            if key.endswith("_encrypted") and isinstance(v, str) and v:
                out[key] = self(v, count) or v
            else:
                out[key] = self.json(v, count)
        return out


def encryption_rotate(*, batch_size: int = 500) -> list[RotationCount]:
    """Re-encrypt every encrypted value under the newest of FIELD_ENCRYPTION_KEYS.

    Idempotent: a value the newest key already reads is left alone, so a run can be
    interrupted and started again. Each batch is one transaction; a column's write is a
    compare-and-swap and a JSON value is re-read under lock, so a value changed meanwhile
    by someone else is not overwritten. The plaintext does not change: versions and
    `updated_at` stay as they are.
    """
    rotate = _Rotator()
    counts = []
    for model, column, condition in encrypted_columns():
        count = RotationCount(f"{model._meta.label_lower}.{column}")
        manager = model._default_manager
        last = 0
        while batch := list(
            manager.filter(condition, pk__gt=last)
            .exclude(**{column: ""})
            .order_by("pk")
            .values_list("pk", column)[:batch_size]
        ):
            with transaction.atomic():
                for pk, token in batch:
                    fresh = rotate(token, count)
                    if fresh is not None and not manager.filter(pk=pk, **{column: token}).update(
                        **{column: fresh}
                    ):
                        count.rotated -= 1  # changed meanwhile: under the newest key already
            last = batch[-1][0]
        counts.append(count)
    for model, column in json_columns():
        count = RotationCount(f"{model._meta.label_lower}.{column}")
        manager = model._default_manager
        holding = manager.annotate(_as_text=Cast(column, models.TextField())).filter(
            _as_text__contains="_encrypted"
        )
        last = 0
        while pks := list(
            holding.filter(pk__gt=last).order_by("pk").values_list("pk", flat=True)[:batch_size]
        ):
            with transaction.atomic():
                rows = manager.select_for_update().filter(pk__in=pks).values_list("pk", column)
                for pk, value in rows:
                    before = count.rotated
                    fresh = rotate.json(value, count)
                    if count.rotated != before:
                        manager.filter(pk=pk).update(**{column: fresh})
            last = pks[-1]
        if count.checked:
            counts.append(count)
    log(
        None,
        actions.UPDATE,
        Subject("registry.encryption_keys"),
        reencrypted=True,
        checked=sum(c.checked for c in counts),
        rotated=sum(c.rotated for c in counts),
        unreadable=sum(c.unreadable for c in counts),
    )
    return counts
