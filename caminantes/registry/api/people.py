# No `from __future__ import annotations`: django-ninja reads the annotations at run time.
"""People: list, search, read, change; their documents and consents."""

from uuid import UUID

from django.db.models import prefetch_related_objects
from django.http import HttpRequest
from ninja import Field, Query, Schema, Status
from ninja.pagination import paginate

from caminantes.accounts import policies
from caminantes.accounts.api_auth import require_scope
from caminantes.accounts.models import ApiToken
from caminantes.accounts.pagination import AuditedPageNumberPagination
from caminantes.lib.api import ErrorOut, InvalidOut, body_schema, parse_body
from caminantes.registry import selectors, services
from caminantes.registry.api.plumbing import (
    WRITE_ANSWERS,
    acting_user,
    answers,
    fresh_person,
    operation_id,
    router,
)
from caminantes.registry.api.schemas import (
    ISO2,
    PERSON_RELATED,
    ConflictOut,
    ConsentOut,
    ConsentRecordIn,
    DocumentIn,
    DocumentOut,
    PersonOut,
    PersonPatchIn,
    SexCode,
    WithdrawIn,
    with_person_related,
)
from caminantes.registry.inputs import ConsentInput
from caminantes.registry.models import Person


class PersonFilters(Schema):
    country: ISO2 | None = Field(default=None, description="Country of the household (ISO2).")
    sex: SexCode | None = None
    born_from: int | None = Field(default=None, ge=1900, le=2100, description="Born in or after.")
    born_to: int | None = Field(default=None, ge=1900, le=2100, description="Born in or before.")


@router.get(
    "/people",
    operation_id=operation_id("person_list"),
    response=list[PersonOut],
    summary="List people",
    description="The people the caller may see, household by household.",
)
@paginate(AuditedPageNumberPagination, page_size=50, max_page_size=500)
def person_list(request: HttpRequest, filters: Query[PersonFilters]) -> object:
    qs = selectors.people_for_user(user=request.user)
    if filters.country:
        qs = qs.filter(household__country__iso2=filters.country.upper())
    if filters.sex:
        qs = qs.filter(sex=filters.sex)
    if filters.born_from:
        qs = qs.filter(birth_date__year__gte=filters.born_from)
    if filters.born_to:
        qs = qs.filter(birth_date__year__lte=filters.born_to)
    return with_person_related(qs)


class SearchParams(Schema):
    q: str = Field(min_length=1, max_length=200, description="What you would type in the box.")
    country: ISO2 | None = Field(default=None, description="Only households in this country.")
    limit: int = Field(default=20, ge=1, le=100)


@router.get(
    "/people/search",
    operation_id=operation_id("person_search"),
    response={200: list[PersonOut], 422: InvalidOut},
    summary="Find people by name, date of birth, document or phone",
    description=(
        "One free text, as in the find-or-register box: names in any order, with or without "
        "accents and with small typos, a date of birth (`14/03/1990` or `1990-03-14`), a "
        "document or phone number. Best matches first."
    ),
)
@answers
def person_search(request: HttpRequest, params: Query[SearchParams]) -> Status[object]:
    where = services.country_by_code(params.country, key="country")
    found = selectors.search_people(
        user=request.user, text=params.q.strip(), limit=params.limit, country=where
    )
    prefetch_related_objects(found, "birth_country", "birth_area", *PERSON_RELATED)
    policies.record_reads(request.user, Person, found)
    return Status(200, found)


@router.get(
    "/people/{uuid}",
    operation_id=operation_id("person_get"),
    response={200: PersonOut, 404: ErrorOut},
    summary="One person, with documents, phones and consents",
)
def person_get(request: HttpRequest, uuid: UUID) -> Person:
    return fresh_person(request, selectors.person_detail(user=request.user, uuid=uuid))


@router.patch(
    "/people/{uuid}",
    operation_id=operation_id("person_patch"),
    response={200: PersonOut, 409: ConflictOut, **WRITE_ANSWERS},
    summary="Change a person's details",
    description=(
        "Send `version` (the one you read) and `reason`, plus only the fields to change. "
        "If the person changed since that version the answer is 409 with the current "
        "version and nothing is saved. Each change is kept in the history with the reason."
    ),
    openapi_extra=body_schema(PersonPatchIn),
)
@answers
def person_patch(request: HttpRequest, uuid: UUID) -> Status[object]:
    require_scope(request, ApiToken.Scope.WRITE)
    person = selectors.person_detail(user=request.user, uuid=uuid)
    data = parse_body(request, PersonPatchIn)
    changes = data.changes()
    for domain, answer in (changes.pop("wg", None) or {}).items():
        changes[f"wg_{domain}"] = answer
    services.person_update(
        user=acting_user(request),
        person=person,
        version=data.version,
        changes=changes,
        reason=data.reason,
    )
    return Status(200, fresh_person(request, person))


@router.post(
    "/people/{uuid}/documents",
    operation_id=operation_id("person_document_add"),
    response={201: DocumentOut, **WRITE_ANSWERS},
    summary="Record a document of a person",
    description="The number is stored encrypted; the answer shows only its last four characters.",
    openapi_extra=body_schema(DocumentIn),
)
@answers
def person_document_add(request: HttpRequest, uuid: UUID) -> Status[object]:
    require_scope(request, ApiToken.Scope.WRITE)
    person = selectors.person_detail(user=request.user, uuid=uuid)
    data = parse_body(request, DocumentIn)
    document = services.document_add(
        user=acting_user(request), person=person, document=data.to_input()
    )
    return Status(201, document)


@router.post(
    "/people/{uuid}/consents",
    operation_id=operation_id("person_consent_add"),
    response={201: ConsentOut, **WRITE_ANSWERS},
    summary="Record a person's consent for one purpose",
    openapi_extra=body_schema(ConsentRecordIn),
)
@answers
def person_consent_add(request: HttpRequest, uuid: UUID) -> Status[object]:
    require_scope(request, ApiToken.Scope.WRITE)
    person = selectors.person_detail(user=request.user, uuid=uuid)
    data = parse_body(request, ConsentRecordIn)
    recipient = selectors.partner(data.recipient, key="recipient") if data.recipient else None
    consent = services.consent_record(
        user=acting_user(request),
        person=person,
        purpose=data.purpose,
        recipient=recipient,
        c=ConsentInput(
            legal_basis=data.legal_basis,
            given_by=data.given_by,
            guardian_name=data.guardian_name,
            child_assent=data.child_assent,
            language=data.language,
        ),
    )
    return Status(201, consent)


@router.post(
    "/consents/{uuid}/withdraw",
    operation_id=operation_id("consent_withdraw"),
    response={200: ConsentOut, 409: ConflictOut, 403: ErrorOut, 404: ErrorOut},
    summary="Withdraw a consent",
    description=(
        "From today on the consent no longer counts. Withdrawing twice is 409; so is a "
        "`version` that is not the consent's current one."
    ),
)
@answers
def consent_withdraw(
    request: HttpRequest, uuid: UUID, data: WithdrawIn | None = None
) -> Status[object]:
    require_scope(request, ApiToken.Scope.WRITE)
    consent = selectors.consent_detail(user=request.user, uuid=uuid)
    version = data.version if data is not None else None
    return Status(
        200, services.consent_withdraw(user=acting_user(request), consent=consent, version=version)
    )
