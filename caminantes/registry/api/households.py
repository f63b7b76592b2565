# No `from __future__ import annotations`: django-ninja reads the annotations at run time.
"""Households: list, read, register, change, add a member, assess needs."""

from datetime import date, datetime
from uuid import UUID

from django.db.models import Count, Q
from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Field, Query, Schema, Status
from ninja.pagination import paginate

from caminantes.accounts.api_auth import require_scope
from caminantes.accounts.models import ApiToken
from caminantes.accounts.pagination import AuditedPageNumberPagination
from caminantes.lib.api import ErrorOut, body_schema, parse_body
from caminantes.registry import selectors, services
from caminantes.registry.api.plumbing import (
    WRITE_ANSWERS,
    acting_user,
    answers,
    fresh_person,
    household_for,
    operation_id,
    router,
)
from caminantes.registry.api.schemas import (
    ISO2,
    AssessmentIn,
    AssessmentOut,
    ConflictOut,
    DuplicatesOut,
    HouseholdCreateIn,
    HouseholdDetailOut,
    HouseholdOut,
    HouseholdPatchIn,
    HouseholdStatusCode,
    PersonIn,
    PersonOut,
    PopulationTypeCode,
)
from caminantes.registry.models import Household


class HouseholdFilters(Schema):
    country: ISO2 | None = Field(default=None, description="ISO 3166-1 alpha-2 code.")
    admin_area: str | None = Field(
        default=None, description="Area of registration: ISO 3166-2 or P-code."
    )
    population_type: PopulationTypeCode | None = None
    status: HouseholdStatusCode | None = None
    registered_from: date | None = Field(default=None, description="Registered on or after.")
    registered_to: date | None = Field(default=None, description="Registered on or before.")
    updated_since: datetime | None = Field(
        default=None, description="Changed (the household or anything in it) at or after."
    )


@router.get(
    "/households",
    operation_id=operation_id("household_list"),
    response=list[HouseholdOut],
    summary="List households",
    description="The households the caller may see, newest registration first.",
)
@paginate(AuditedPageNumberPagination, page_size=50, max_page_size=500)
def household_list(request: HttpRequest, filters: Query[HouseholdFilters]) -> object:
    qs = selectors.households_for_user(user=request.user)
    if filters.country:
        qs = qs.filter(country__iso2=filters.country.upper())
    if filters.admin_area:
        code = filters.admin_area.upper()
        qs = qs.filter(Q(admin_area__iso_code=code) | Q(admin_area__pcode=code))
    if filters.population_type:
        qs = qs.filter(population_type=filters.population_type)
    if filters.status:
        qs = qs.filter(status=filters.status)
    if filters.registered_from:
        qs = qs.filter(registered_on__gte=filters.registered_from)
    if filters.registered_to:
        qs = qs.filter(registered_on__lte=filters.registered_to)
    if filters.updated_since:
        since = filters.updated_since
        qs = qs.filter(Q(updated_at__gte=since) | Q(last_activity_at__gte=since))
    return qs.select_related(
        "organization",
        "country",
        "admin_area",
        "current_area",
        "destination_country",
        "destination_area",
        "focal_point",
    ).annotate(members_count=Count("members", filter=Q(members__anonymised_at__isnull=True)))


@router.get(
    "/households/{uuid}",
    operation_id=operation_id("household_get"),
    response={200: HouseholdDetailOut, 404: ErrorOut},
    summary="One household with its members, phones and needs assessments",
)
def household_get(request: HttpRequest, uuid: UUID) -> Household:
    return household_for(request, uuid)


@router.post(
    "/households",
    operation_id=operation_id("household_create"),
    response={201: HouseholdDetailOut, 409: DuplicatesOut, **WRITE_ANSWERS},
    summary="Register a household with all its members",
    description=(
        "Checks for people already known (same document; similar name and date of birth) "
        "among the records the caller may see. When there are any, nothing is saved and the "
        "answer is 409 with the candidates; send the same body with `confirmed_new: true` "
        "once a person has checked they are different people."
    ),
    openapi_extra=body_schema(HouseholdCreateIn),
)
@answers
def household_create(request: HttpRequest) -> Status[object]:
    require_scope(request, ApiToken.Scope.WRITE)
    data = parse_body(request, HouseholdCreateIn)
    country = services.country_by_code(data.country, key="country")
    assert country is not None  # the schema requires it
    organization = selectors.registering_organization(
        user=request.user, country=country, acronym=data.organization
    )
    result = services.household_register(
        user=acting_user(request),
        organization=organization,
        country=country,
        household=data.to_input(),
        members=[m.to_input() for m in data.members],
        confirmed_new=data.confirmed_new,
    )
    if result.household is not None:
        return Status(201, household_for(request, result.household.uuid))
    candidates = [
        {
            "member": d.member,
            "person": d.person.uuid,
            "household": d.person.household.uuid,
            "score": d.candidate.score,
            "reasons": list(d.candidate.reasons),
        }
        for d in selectors.possible_duplicates(user=request.user, candidates=result.candidates)
    ]
    detail = _("These people may already be registered. Check, then confirm it is a new household.")
    return Status(409, {"detail": detail, "candidates": candidates})


@router.patch(
    "/households/{uuid}",
    operation_id=operation_id("household_patch"),
    response={200: HouseholdDetailOut, 409: ConflictOut, **WRITE_ANSWERS},
    summary="Change a household's details",
    description=(
        "Send `version` (the one you read) and `reason`, plus only the fields to change. "
        "If the household changed since that version the answer is 409 with the current "
        "version and nothing is saved. Each change is kept in the history with the reason."
    ),
    openapi_extra=body_schema(HouseholdPatchIn),
)
@answers
def household_patch(request: HttpRequest, uuid: UUID) -> Status[object]:
    require_scope(request, ApiToken.Scope.WRITE)
    household = household_for(request, uuid)
    data = parse_body(request, HouseholdPatchIn)
    # Areas and countries go as the codes sent: the service reads them.
    changes = data.changes()
    services.household_update(
        user=acting_user(request),
        household=household,
        version=data.version,
        changes=changes,
        reason=data.reason,
    )
    return Status(200, household_for(request, uuid))


@router.post(
    "/households/{uuid}/members",
    operation_id=operation_id("household_member_add"),
    response={201: PersonOut, **WRITE_ANSWERS},
    summary="Add a member to a household",
    openapi_extra=body_schema(PersonIn),
)
@answers
def household_member_add(request: HttpRequest, uuid: UUID) -> Status[object]:
    require_scope(request, ApiToken.Scope.WRITE)
    household = household_for(request, uuid)
    data = parse_body(request, PersonIn)
    person = services.person_add(
        user=acting_user(request), household=household, member=data.to_input()
    )
    return Status(201, fresh_person(request, person))


@router.post(
    "/households/{uuid}/assessments",
    operation_id=operation_id("household_assess"),
    response={201: AssessmentOut, **WRITE_ANSWERS},
    summary="Record a needs assessment",
    openapi_extra=body_schema(AssessmentIn),
)
@answers
def household_assess(request: HttpRequest, uuid: UUID) -> Status[object]:
    require_scope(request, ApiToken.Scope.WRITE)
    household = household_for(request, uuid)
    data = parse_body(request, AssessmentIn)
    assessment = services.needs_assess(
        user=acting_user(request),
        household=household,
        severities=dict(data.severities),
        assessed_on=data.assessed_on,
    )
    return Status(201, assessment)
