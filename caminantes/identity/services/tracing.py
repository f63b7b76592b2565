"""Family tracing: requests, the cross-organisation search, and the holding organisation's
confirmation.

This is the one place in Caminantes that reads people across organisations and countries:
`tracing_search` and `match_new_people` compare a request with every registered person who
consented to family tracing, whoever holds the record. It must not become a people-search
engine: a request needs what a relative knows (the full name, and a date, year or place of
birth), a candidate must agree with all of it and pass a strict bar, the requester learns
only that a possible match exists until the holding organisation confirms (`disclosure`),
searches are rate-limited per user (an alert for the auditors when the limit is hit), and
every search is in the audit trail of the requesting and of each holding organisation.
Consent is asked when something is disclosed or decided, not only when a match was found;
a withdrawn consent closes the matches that depended on it (`tracing_consent_withdrawn`).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from itertools import combinations
from typing import Any

from django.core.exceptions import NON_FIELD_ERRORS, PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q, QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from caminantes.accounts import policies
from caminantes.accounts.models import Organization, User
from caminantes.accounts.permissions import Perm
from caminantes.audit import actions as audit_actions
from caminantes.audit.log import log
from caminantes.audit.models import Alert, Outcome
from caminantes.audit.services import alert_raise
from caminantes.geo.models import AdminArea, Country, Place
from caminantes.identity import actions, matching, selectors
from caminantes.identity.models import (
    Notification,
    ReunificationCase,
    TracingMatch,
    TracingRequest,
)
from caminantes.lib import names, ratelimit
from caminantes.registry import consent, timeline
from caminantes.registry.models import Person

# With the tracing prior, two full names that agree already score near 1: the bar is
# strict, and the rules in `_agrees` (names, and the birth evidence given) carry the weight.
TRACING_THRESHOLD = 0.9
AGE_TOLERANCE = 3  # years between the age given and the registered date of birth
YEAR_TOLERANCE = 1  # a registered date of birth is often an estimate
SEARCH_LIMIT = 10  # searches (new requests and "search again") per user ...
SEARCH_WINDOW = 3600  # ... per this many seconds; the next one is refused and alerted
# The engine's levels that count as agreeing: given names may be fewer than registered
# ("Yusmary" for "Yusmary Carolina"); surnames must be all of them, as typed or mistyped.
GIVEN_AGREES = {"exact", "similar", "subset"}
FAMILY_AGREES = {"exact", "similar"}
DATE_AGREES = {"exact", "swapped", "one_part", "estimated"}
SHORTLIST = 500
CHILD_AGE = 18

FOUND_NOTICE = gettext_noop("A possible match was found for tracing request %(code)s.")
DECIDED_NOTICE = gettext_noop("The holding organisation answered on tracing request %(code)s.")
FOUND_FOR_REQUESTER = gettext_noop(
    "Family tracing: a relative this family is looking for was found (case %(case)s)."
)
FOUND_FOR_HOLDER = gettext_noop(
    "Family tracing: a relative is looking for a member of this household (case %(case)s)."
)
CLOSED_FOR_HOLDER = gettext_noop(
    "Family tracing: a possible match was closed because consent to tracing was withdrawn."
)
CLOSED_NOTICE = gettext_noop("A possible match on tracing request %(code)s was closed.")
CASE_CLOSED_REASON = "consent withdrawn"  # stored like a caseworker's note, not translated


@dataclass
class TracingInput:
    sought_given_names: str
    relationship: str
    sought_family_names: str = ""
    sought_sex: str = ""
    sought_birth_date: date | None = None
    sought_age: int | None = None
    sought_birth_year: int | None = None
    sought_birth_area: AdminArea | None = None
    last_seen_area: AdminArea | None = None
    last_seen_place: Place | None = None
    last_seen_on: date | None = None
    requester: Person | None = None
    requester_description: str = ""
    requester_consent_on: date | None = None


def _deny(user: Any, perm: Perm, obj: Any, **context: Any) -> PermissionDenied:
    log(user, audit_actions.ACCESS_DENIED, obj, Outcome.DENIED, permission=perm.value, **context)
    return PermissionDenied(_("Your roles do not allow this here."))


def tracing_request_create(
    *, user: User, organization: Organization, country: Country, data: TracingInput
) -> TracingRequest:
    """Open a request and search at once. A registered requester must have consented to
    family tracing (registry.consent); an unregistered one's consent date is recorded."""
    if not policies.has_perm(
        user, Perm.FAMILY_TRACING, organization_id=organization.pk, country_id=country.pk
    ):
        raise _deny(user, Perm.FAMILY_TRACING, TracingRequest)
    _check_evidence(data)
    if data.requester is not None:
        if not policies.visible(user, Person).filter(pk=data.requester.pk).exists():
            raise _deny(user, Perm.VIEW_PERSONAL_DATA, data.requester)
        try:
            consent.require(data.requester, consent.Purpose.FAMILY_TRACING)
        except consent.ConsentRequired:
            log(user, audit_actions.CREATE, TracingRequest, Outcome.DENIED, reason="no_consent")
            raise
    elif not data.requester_description.strip():
        raise ValidationError(
            {"requester_description": [_("Choose a registered person or describe the requester.")]}
        )
    elif data.requester_consent_on is None:
        raise ValidationError(
            {"requester_consent_on": [_("Record when the requester consented to the search.")]}
        )
    _count_search(user, organization)
    with transaction.atomic():
        request = TracingRequest.objects.create(
            organization=organization,
            country=country,
            caseworker=user,
            requester=data.requester,
            requester_description=data.requester_description.strip(),
            requester_consent_on=data.requester_consent_on if data.requester is None else None,
            sought_given_names=data.sought_given_names.strip(),
            sought_family_names=data.sought_family_names.strip(),
            sought_sex=data.sought_sex,
            sought_birth_date=data.sought_birth_date,
            sought_age=data.sought_age,
            sought_birth_year=data.sought_birth_year,
            sought_birth_area=data.sought_birth_area,
            relationship=data.relationship,
            last_seen_area=data.last_seen_area,
            last_seen_place=data.last_seen_place,
            last_seen_on=data.last_seen_on,
        )
        log(user, audit_actions.CREATE, request, registered_requester=data.requester is not None)
        tracing_search(request=request, actor=user)
    return request


def _check_evidence(data: TracingInput) -> None:
    """What a relative knows and a stranger trying common names does not: the full name,
    and a date, year or place of birth. An age alone is not enough."""
    errors: dict[str, list[str]] = {}
    if not data.sought_given_names.strip():
        errors["sought_given_names"] = [_("Give the given names of the relative.")]
    if not data.sought_family_names.strip():
        errors["sought_family_names"] = [
            _("Give the surnames of the relative as well: a search needs the full name.")
        ]
    year = data.sought_birth_year
    if year is not None and not 1900 <= year <= timezone.localdate().year:
        errors["sought_birth_year"] = [_("Give a year of birth between 1900 and this year.")]
    elif data.sought_birth_date is None and year is None and data.sought_birth_area is None:
        errors["sought_birth_year"] = [
            _(
                "Give the date or the year of birth, or the place of birth: a name alone "
                "is not enough to search."
            )
        ]
    if errors:
        raise ValidationError(errors)


def _count_search(user: User, organization: Organization) -> None:
    """One more search by this user; past the limit it is refused, audited as denied, and
    the organisation's auditors get an alert (once per window)."""
    if ratelimit.hit(f"tracing-search:user:{user.pk}", SEARCH_LIMIT, SEARCH_WINDOW):
        return
    log(user, actions.TRACING_SEARCH, TracingRequest, Outcome.DENIED, reason="rate_limited",
        organization=organization)  # fmt: skip
    alert_raise(
        kind=Alert.Kind.TRACING_SEARCHES,
        user=user,
        organization=organization,
        count=ratelimit.count(f"tracing-search:user:{user.pk}", SEARCH_WINDOW),
        window_minutes=SEARCH_WINDOW // 60,
    )
    raise ValidationError(
        {NON_FIELD_ERRORS: [_("Too many tracing searches in the last hour. Try again later.")]}
    )


def request_record(request: TracingRequest) -> Any:
    area = request.sought_birth_area
    return matching.make_record(
        record_id=f"request:{request.pk}",
        given_names=request.sought_given_names,
        family_names=request.sought_family_names,
        sex=request.sought_sex,
        birth_date=request.sought_birth_date.isoformat() if request.sought_birth_date else "",
        birth_place=(area.iso_code or area.name_es) if area is not None else "",
    )


def _request_keys(request: TracingRequest) -> list[str]:
    full = f"{request.sought_given_names} {request.sought_family_names}"
    return sorted(k for k in names.search_keys(full) if k.startswith("~"))


def _consenting(people: QuerySet[Person]) -> list[Person]:
    return [p for p in people if consent.allowed(p, consent.Purpose.FAMILY_TRACING)]


def _birth_agrees(request: TracingRequest, person: Person, evidence: dict[str, str]) -> bool:
    """At least one of the date, year and place of birth the requester gave agrees with
    the record, and none of them contradicts it."""
    verdicts: list[bool | None] = []  # None: the record does not say
    if request.sought_birth_date is not None:
        level = evidence.get("birth_date", "missing")
        verdicts.append(None if level == "missing" else level in DATE_AGREES)
    if request.sought_birth_year is not None:
        born = person.birth_date
        verdicts.append(
            None if born is None else abs(born.year - request.sought_birth_year) <= YEAR_TOLERANCE
        )
    if request.sought_birth_area_id is not None:
        area = person.birth_area_id
        verdicts.append(None if area is None else area == request.sought_birth_area_id)
    return True in verdicts and False not in verdicts


def _agrees(request: TracingRequest, person: Person, evidence: dict[str, str]) -> bool:
    return (
        evidence.get("rule") != "relatives"
        and evidence.get("given_names") in GIVEN_AGREES
        and evidence.get("family_names") in FAMILY_AGREES
        and _birth_agrees(request, person, evidence)
    )


def _score(request: TracingRequest, person: Person) -> Any | None:
    """The comparison, or None when the person is not a plausible candidate."""
    if request.requester_id == person.pk:
        return None
    if request.sought_birth_date is None and request.sought_age is not None:
        age = person.age
        if age is not None and abs(age - request.sought_age) > AGE_TOLERANCE:
            return None
    comparison = matching.tracing_compare(request_record(request), person)
    if not _agrees(request, person, comparison.evidence):
        return None
    return comparison if comparison.probability >= TRACING_THRESHOLD else None


def _record_match(request: TracingRequest, person: Person, comparison: Any) -> TracingMatch | None:
    evidence = {"fields": dict(comparison.evidence), "match_weight": comparison.match_weight}
    match, created = TracingMatch.objects.get_or_create(
        request=request,
        person=person,
        defaults={"score": comparison.probability, "evidence": evidence},
    )
    return match if created else None


def _candidates(keys: list[str]) -> QuerySet[Person]:
    """People whose name shares two of the sought name's sounds (all, if it has fewer):
    each pair is one GIN look-up on the registry's search tokens."""
    if len(keys) < 2:
        wanted = Q(search_tokens__has_any_token=keys)
    else:
        wanted = Q()
        for a, b in combinations(keys, 2):
            wanted |= Q(search_tokens__has_any_token=[a]) & Q(search_tokens__has_any_token=[b])
    shortlist = list(
        Person.objects.filter(wanted).order_by().values_list("id", flat=True)[:SHORTLIST]
    )
    return Person.objects.filter(
        id__in=shortlist,
        merged_into__isnull=True,
        anonymised_at__isnull=True,
    ).select_related("household")


def tracing_search(*, request: TracingRequest, actor: User | None) -> list[TracingMatch]:
    """Search every organisation's consenting people for the relative sought. Audited for
    the requesting organisation and for each organisation whose people were compared.
    Callers count the search first (`tracing_request_create`, `tracing_search_again`)."""
    keys = _request_keys(request)
    people = _consenting(_candidates(keys)) if keys else []
    found = []
    read: dict[int, list[int]] = {}  # holding organisation -> [people compared, matched]
    for person in people:
        seen = read.setdefault(person.household.organization_id, [0, 0])
        seen[0] += 1
        comparison = _score(request, person)
        if comparison is not None and (match := _record_match(request, person, comparison)):
            found.append(match)
            seen[1] += 1
    request.searched_at = timezone.now()
    request.save(update_fields=["searched_at"])
    log(
        actor,
        actions.TRACING_SEARCH,
        request,
        organization=request.organization,
        cross_organisation=True,
        candidates=len(people),
        new_matches=len(found),
    )
    holders = Organization.objects.filter(pk__in=read).exclude(pk=request.organization_id)
    for holder in holders:
        compared, matched = read[holder.pk]
        log(
            actor,
            actions.TRACING_SEARCH,
            request,
            organization=holder,
            requesting_organization=request.organization.acronym,
            candidates=compared,
            new_matches=matched,
        )
    return found


def tracing_search_again(*, user: User, request: TracingRequest) -> list[TracingMatch]:
    """The caseworker's "search again" on an open request: counted like a new one."""
    if not policies.has_perm(
        user,
        Perm.FAMILY_TRACING,
        organization_id=request.organization_id,
        country_id=request.country_id,
    ):
        raise _deny(user, Perm.FAMILY_TRACING, request)
    if request.status != TracingRequest.Status.OPEN:
        raise ValidationError(_("This request is no longer searching."))
    _count_search(user, request.organization)
    with transaction.atomic():
        return tracing_search(request=request, actor=user)


def _notify(user: User, message: str, request: TracingRequest) -> Notification:
    return Notification.objects.create(
        user=user,
        message=message,
        params={"code": request.code},
        url=reverse("identity_tracing_detail", args=[request.uuid]),
    )


def match_new_people(person_ids: list[int]) -> list[TracingMatch]:
    """New registrations against open requests (background): tell each request's caseworker
    about a new candidate, in the app and in the audit trail."""
    people = Person.objects.filter(
        pk__in=person_ids, merged_into__isnull=True, anonymised_at__isnull=True
    ).select_related("household", "household__organization")
    people_keys: dict[int, set[str]] = {
        pk: set(tokens or ()) for pk, tokens in people.values_list("pk", "search_tokens")
    }
    consenting = _consenting(people)
    found = []
    requests = TracingRequest.objects.filter(status=TracingRequest.Status.OPEN)
    for request in requests.select_related("caseworker"):
        keys = set(_request_keys(request))
        for person in consenting:
            shared = keys & people_keys.get(person.pk, set())
            if not shared or len(shared) < min(2, len(keys)):
                continue
            comparison = _score(request, person)
            if comparison is None:
                continue
            match = _record_match(request, person, comparison)
            if match is None:
                continue
            found.append(match)
            _notify(request.caseworker, FOUND_NOTICE, request)
            holder = person.household.organization
            for org in {request.organization, holder}:
                log(None, actions.TRACING_MATCH_FOUND, match, organization=org,
                    request=request.uuid, background=True)  # fmt: skip
    return found


@dataclass(frozen=True)
class Disclosure:
    """What a viewer may know of a candidate: everything the page shows (`full`), or
    nothing but that a possible match exists."""

    full: bool
    name: str = ""
    sex: str = ""
    age: int | None = None
    country: str = ""
    birth_date: date | None = None
    organization: str = ""
    area: str = ""
    household_code: str = ""


def disclosure(user: Any, match: TracingMatch) -> Disclosure:
    """The holding organisation sees its own record. Anyone else learns only that a
    possible match exists, until the holder confirms; and then only while the person's
    consent to family tracing holds, asked now (a withdrawal counts at once)."""
    person = match.person
    if not selectors.holds_person(user, person) and not (
        match.status == TracingMatch.Status.CONFIRMED
        and consent.allowed(person, consent.Purpose.FAMILY_TRACING)
    ):
        return Disclosure(full=False)
    household = person.household
    return Disclosure(
        full=True,
        name=person.full_name,
        sex=str(person.get_sex_display()),
        age=person.age,
        country=household.country.name,
        birth_date=person.birth_date,
        organization=household.organization.acronym,
        area=household.admin_area.name if household.admin_area else "",
        household_code=household.code,
    )


def _households(match: TracingMatch) -> list[Any]:
    found = [match.person.household]
    requester = match.request.requester
    if requester is not None and requester.household_id != match.person.household_id:
        found.insert(0, requester.household)
    return found


def match_decide(*, user: User, match: TracingMatch, confirm: bool) -> TracingMatch:
    """The holding organisation's caseworker confirms (a reunification case opens) or
    rejects a candidate."""
    if not selectors.holds_person(user, match.person) or not policies.has_perm(
        user, Perm.FAMILY_TRACING, organization_id=match.person.household.organization_id
    ):
        raise _deny(user, Perm.FAMILY_TRACING, match)
    if match.status != TracingMatch.Status.PENDING:
        raise ValidationError(_("This match has already been answered."))
    request = match.request
    if confirm:
        # Both sides' consent, as it stands now: a withdrawal since the match was found
        # stops the confirmation (and what it would disclose).
        for side in (match.person, request.requester):
            if side is None:
                continue
            try:
                consent.require(side, consent.Purpose.FAMILY_TRACING)
            except consent.ConsentRequired:
                log(user, actions.TRACING_MATCH_DECIDED, match, Outcome.DENIED,
                    reason="no_consent")  # fmt: skip
                raise
    with transaction.atomic():
        match.status = TracingMatch.Status.CONFIRMED if confirm else TracingMatch.Status.REJECTED
        match.decided_by = user
        match.decided_at = timezone.now()
        match.save(update_fields=["status", "decided_by", "decided_at"])
        log(user, actions.TRACING_MATCH_DECIDED, match, confirmed=confirm)
        if confirm:
            request.status = TracingRequest.Status.MATCHED
            request.save(update_fields=["status"])
            ages = [match.person.age, request.requester.age if request.requester else None]
            case = ReunificationCase.objects.create(
                match=match,
                child_involved=any(a is not None and a < CHILD_AGE for a in ages)
                or (request.sought_age_on() or CHILD_AGE) < CHILD_AGE,
            )
            log(user, audit_actions.CREATE, case)
            for household in _households(match):
                summary = (
                    FOUND_FOR_HOLDER
                    if household.pk == match.person.household_id
                    else FOUND_FOR_REQUESTER
                )
                timeline.record(
                    household, "tracing", case, None, summary, params={"case": case.code},
                    actor=user,
                )  # fmt: skip
        _notify(request.caseworker, DECIDED_NOTICE, request)
    return match


def tracing_consent_withdrawn(*, person_ids: list[int], actor: User | None) -> int:
    """Close what depended on these people's consent to family tracing, if it no longer
    holds: their open and confirmed matches (an open reunification case closes with them),
    and the open requests they made. Each holder's household timeline says so; the
    requesting caseworker is told a match closed, not why. Returns the matches closed."""
    people = Person.objects.filter(pk__in=person_ids).select_related("household")
    gone = [p for p in people if not consent.allowed(p, consent.Purpose.FAMILY_TRACING)]
    if not gone:
        return 0
    live = [TracingMatch.Status.PENDING, TracingMatch.Status.CONFIRMED]
    closed = 0
    with transaction.atomic():
        matches = (
            TracingMatch.objects.select_for_update()
            .filter(Q(person__in=gone) | Q(request__requester__in=gone), status__in=live)
            .select_related("request", "request__caseworker", "person__household__organization")
        )
        for match in matches:
            match.status = TracingMatch.Status.WITHDRAWN
            match.save(update_fields=["status"])
            household = match.person.household
            log(actor, actions.TRACING_MATCH_CLOSED, match, organization=household.organization,
                reason="consent_withdrawn")  # fmt: skip
            _close_case(match, actor)
            timeline.record(
                household, "tracing", match, None, CLOSED_FOR_HOLDER, actor=actor,
                organization=household.organization,
            )  # fmt: skip
            _notify(match.request.caseworker, CLOSED_NOTICE, match.request)
            closed += 1
        requests = TracingRequest.objects.filter(
            requester__in=gone, status=TracingRequest.Status.OPEN
        )
        for request in requests:
            request.status = TracingRequest.Status.CLOSED
            request.save(update_fields=["status"])
            log(actor, actions.TRACING_REQUEST_CLOSED, request, organization=request.organization,
                reason="consent_withdrawn")  # fmt: skip
    return closed


def _close_case(match: TracingMatch, actor: User | None) -> None:
    ended = [ReunificationCase.Step.REUNIFIED, ReunificationCase.Step.CLOSED]
    case = ReunificationCase.objects.filter(match=match).exclude(status__in=ended).first()
    if case is None:
        return
    case.status = ReunificationCase.Step.CLOSED
    case.closed_at = timezone.now()
    case.close_reason = CASE_CLOSED_REASON
    case.save(update_fields=["status", "closed_at", "close_reason"])
    log(actor, actions.REUNIFICATION_STEP, case, step="close", reason="consent_withdrawn")
