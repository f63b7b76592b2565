"""Family tracing: requests, the cross-organisation search, and the holding organisation's
confirmation.

This is the one place in Caminantes that reads people across organisations and countries:
`tracing_search` and `match_new_people` compare a request with every registered person who
consented to family tracing, whoever holds the record. What leaves the holding organisation
before its caseworker confirms is limited to name, sex, age and country (see
`disclosure`), and every search is written to the audit trail.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from itertools import combinations
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
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
from caminantes.audit.models import Outcome
from caminantes.geo.models import AdminArea, Country, Place
from caminantes.identity import actions, matching, selectors
from caminantes.identity.models import (
    Notification,
    ReunificationCase,
    TracingMatch,
    TracingRequest,
)
from caminantes.lib import names
from caminantes.registry import consent, timeline
from caminantes.registry.models import Person

TRACING_THRESHOLD = 0.5  # a candidate worth showing a caseworker (they confirm, not us)
AGE_TOLERANCE = 3  # years between the age given and the registered date of birth
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


@dataclass
class TracingInput:
    sought_given_names: str
    relationship: str
    sought_family_names: str = ""
    sought_sex: str = ""
    sought_birth_date: date | None = None
    sought_age: int | None = None
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
    if not data.sought_given_names.strip():
        raise ValidationError({"sought_given_names": [_("Give at least the given names.")]})
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
            relationship=data.relationship,
            last_seen_area=data.last_seen_area,
            last_seen_place=data.last_seen_place,
            last_seen_on=data.last_seen_on,
        )
        log(user, audit_actions.CREATE, request, registered_requester=data.requester is not None)
        tracing_search(request=request, actor=user)
    return request


def request_record(request: TracingRequest) -> Any:
    return matching.make_record(
        record_id=f"request:{request.pk}",
        given_names=request.sought_given_names,
        family_names=request.sought_family_names,
        sex=request.sought_sex,
        birth_date=request.sought_birth_date.isoformat() if request.sought_birth_date else "",
    )


def _request_keys(request: TracingRequest) -> list[str]:
    full = f"{request.sought_given_names} {request.sought_family_names}"
    return sorted(k for k in names.search_keys(full) if k.startswith("~"))


def _consenting(people: QuerySet[Person]) -> list[Person]:
    return [p for p in people if consent.allowed(p, consent.Purpose.FAMILY_TRACING)]


def _score(request: TracingRequest, person: Person) -> Any | None:
    """The comparison, or None when the person is not a plausible candidate."""
    if request.requester_id == person.pk:
        return None
    if request.sought_birth_date is None and request.sought_age is not None:
        age = person.age
        if age is not None and abs(age - request.sought_age) > AGE_TOLERANCE:
            return None
    comparison = matching.tracing_compare(request_record(request), person)
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
    """Search every organisation's consenting people for the relative sought (audited)."""
    keys = _request_keys(request)
    people = _consenting(_candidates(keys)) if keys else []
    found = []
    for person in people:
        comparison = _score(request, person)
        if comparison is not None and (match := _record_match(request, person, comparison)):
            found.append(match)
    request.searched_at = timezone.now()
    request.save(update_fields=["searched_at"])
    log(
        actor,
        actions.TRACING_SEARCH,
        request,
        cross_organisation=True,
        candidates=len(people),
        new_matches=len(found),
    )
    return found


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
    ).select_related("household")
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
            log(None, actions.TRACING_MATCH_FOUND, match, request=request.uuid, background=True)
    return found


@dataclass(frozen=True)
class Disclosure:
    """What a viewer may know of a candidate."""

    full: bool
    name: str
    sex: str
    age: int | None
    country: str
    birth_date: date | None = None
    organization: str = ""
    area: str = ""
    household_code: str = ""


def disclosure(user: Any, match: TracingMatch) -> Disclosure:
    """Name, sex, age and country only, unless the viewer's organisation holds the record
    or the holding organisation has confirmed the match."""
    person = match.person
    household = person.household
    name, sex, age = person.full_name, str(person.get_sex_display()), person.age
    country = household.country.name
    full = match.status == TracingMatch.Status.CONFIRMED or selectors.holds_person(user, person)
    if not full:
        return Disclosure(full=False, name=name, sex=sex, age=age, country=country)
    return Disclosure(
        full=True,
        name=name,
        sex=sex,
        age=age,
        country=country,
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
