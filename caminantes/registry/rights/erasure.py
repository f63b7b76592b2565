"""Erasure is irreversible anonymisation, not deletion: the rows stay so that counts, reports
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

from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from caminantes.accounts.permissions import Perm
from caminantes.audit import actions
from caminantes.audit.log import log
from caminantes.registry import hooks, timeline
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
    TimelineEntry,
)
from caminantes.registry.rights.checks import require_perm_for_person
from caminantes.registry.rights.traces import RowMatcher, Traces, traces_of

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


def people_anonymise(
    people: Sequence[Person], *, now: datetime, households: Sequence[Household] = ()
) -> ErasureResult:
    """The core of erasure and retention; call inside a transaction. It checks no
    permission: `person_erase` does, and retention is the system's own."""
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
    require_perm_for_person(user, person, Perm.HANDLE_DATA_REQUESTS)
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
        result = people_anonymise([person], now=now)
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
