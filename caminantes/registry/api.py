# No `from __future__ import annotations`: django-ninja reads the annotations at run time.
"""Registry API: households and people, filtered by the access policy, versioned.

Reads go through `accounts.policies` and `registry.selectors`, writes through
`registry.services`. A record the caller may not see answers 404, exactly like one that
does not exist; routes that take a body look the record up *before* reading the body, so a
foreign id gets the same 404 whatever is sent. Households, people and documents carry a
`version`; an update names the version it was based on and gets 409 when the record has
moved on since, never a silent overwrite. Document and phone numbers never leave the
server: only their last four characters.
"""

import functools
from collections.abc import Callable
from datetime import date, datetime
from typing import TYPE_CHECKING, Annotated, Any, Literal, TypeVar, cast
from uuid import UUID

import pydantic
from django.core.exceptions import NON_FIELD_ERRORS, PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import Count, Q, QuerySet, prefetch_related_objects
from django.http import Http404, HttpRequest
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema, Status
from ninja.pagination import PageNumberPagination, paginate

from caminantes.accounts import policies
from caminantes.accounts.api_auth import require_scope
from caminantes.accounts.models import ApiToken, Organization, User
from caminantes.accounts.permissions import Perm
from caminantes.geo.models import AdminArea, Country
from caminantes.registry import selectors, services
from caminantes.registry.inputs import (
    ConsentInput,
    DocumentInput,
    HouseholdInput,
    PersonInput,
    PhoneInput,
    refuse_formula,
)
from caminantes.registry.models import (
    WG_DOMAINS,
    Consent,
    Difficulty,
    Document,
    Household,
    NeedsAssessment,
    Person,
    PopulationType,
    Relationship,
    Sector,
    Sex,
    SpecificNeed,
)

router = Router(tags=["registry"])

# Choice fields as literal strings: the schema lists the allowed values, and the values stay
# those of the models.
if TYPE_CHECKING:
    SexCode = str
    RelationshipCode = str
    PopulationTypeCode = str
    HouseholdStatusCode = str
    DocumentTypeCode = str
    DocumentStatusCode = str
    PurposeCode = str
    LegalBasisCode = str
    GivenByCode = str
    SpecificNeedCode = str
    SectorCode = str
    WgDomain = str
    WgAnswer = str
else:
    SexCode = Literal[tuple(Sex.values)]
    RelationshipCode = Literal[tuple(Relationship.values)]
    PopulationTypeCode = Literal[tuple(PopulationType.values)]
    HouseholdStatusCode = Literal[tuple(Household.Status.values)]
    DocumentTypeCode = Literal[tuple(Document.Type.values)]
    DocumentStatusCode = Literal[tuple(Document.Status.values)]
    PurposeCode = Literal[tuple(Consent.Purpose.values)]
    LegalBasisCode = Literal[tuple(Consent.LegalBasis.values)]
    GivenByCode = Literal[tuple(Consent.GivenBy.values)]
    SpecificNeedCode = Literal[tuple(SpecificNeed.values)]
    SectorCode = Literal[tuple(Sector.values)]
    WgDomain = Literal[tuple(WG_DOMAINS)]
    WgAnswer = Literal[("", *Difficulty.values)]

T = TypeVar("T")
Severity = Annotated[int, pydantic.Field(ge=0, le=4)]
ISO2 = Annotated[str, pydantic.Field(min_length=2, max_length=2, examples=["CO"])]
# Names and free text: refused when they start like a spreadsheet formula, as in the import.
PlainText = Annotated[str, pydantic.AfterValidator(refuse_formula)]


# --- answers -------------------------------------------------------------------------


class ErrorOut(Schema):
    detail: str


class InvalidOut(Schema):
    detail: str
    errors: dict[str, list[str]] = Field(
        description=(
            "Messages by field. Nested fields are written as in the forms "
            "(`members-0-birth_date`, `members-1-documents-0-number`); `__all__` is about "
            "the request as a whole."
        )
    )


class ConflictOut(Schema):
    detail: str
    current_version: int = Field(description="The record's version now: reload it from here.")


class CandidateOut(Schema):
    member: int = Field(description="Index of the member in `members` who may be known.")
    person: UUID
    household: UUID
    score: float = Field(description="0 to 1; 1 is an exact document match.")
    reasons: list[str] = Field(description="Why: `document`, `name`, `birth_date` …")


class DuplicatesOut(Schema):
    detail: str
    candidates: list[CandidateOut]


# --- records -------------------------------------------------------------------------


def _area_code(area: AdminArea | None) -> str | None:
    return (area.iso_code or area.pcode) if area is not None else None


def _iso2(country: Country | None) -> str | None:
    return country.iso2 if country is not None else None


class DocumentOut(Schema):
    uuid: UUID
    version: int
    type: str = Field(description=f"One of: {', '.join(Document.Type.values)}.")
    status: str = Field(description=f"One of: {', '.join(Document.Status.values)}.")
    last4: str = Field(description="Last four characters of the number; never the number.")

    @staticmethod
    def resolve_last4(obj: Document) -> str:
        return obj.number_last4


class PhoneOut(Schema):
    uuid: UUID
    version: int
    last4: str = Field(description="Last four digits; never the number.")
    whatsapp: bool

    @staticmethod
    def resolve_last4(obj: Any) -> str:
        return str(obj.number_last4)


class WithdrawIn(Schema):
    version: int | None = Field(
        None, description="The version the withdrawal is based on; 409 if it changed."
    )


class ConsentOut(Schema):
    uuid: UUID
    version: int
    purpose: str = Field(description=f"One of: {', '.join(Consent.Purpose.values)}.")
    recipient: str | None = Field(description="The partner's acronym, for sharing.")
    legal_basis: str
    given_by: str
    guardian_name: str
    child_assent: bool | None
    language: str
    given_on: date
    withdrawn_on: date | None
    active: bool

    @staticmethod
    def resolve_recipient(obj: Consent) -> str | None:
        return obj.recipient.acronym if obj.recipient else None

    @staticmethod
    def resolve_active(obj: Consent) -> bool:
        return obj.is_active


class PersonOut(Schema):
    uuid: UUID
    version: int
    household: UUID
    relationship: str = Field(description=f"One of: {', '.join(Relationship.values)}.")
    given_names: str
    first_surname: str
    second_surname: str
    preferred_name: str
    full_name: str
    sex: str = Field(description=f"One of: {', '.join(Sex.values)}.")
    birth_date: date | None
    birth_date_estimated: bool
    age: int | None
    nationalities: list[str] = Field(description="ISO 3166-1 alpha-2 codes.")
    birth_country: str | None
    birth_area: str | None
    languages: list[str]
    wg: dict[str, str] = Field(description="Washington Group answers by domain, as asked.")
    has_disability: bool
    specific_needs: list[str]
    documents: list[DocumentOut]
    phones: list[PhoneOut]
    consents: list[ConsentOut]
    created_at: datetime
    updated_at: datetime

    @staticmethod
    def resolve_household(obj: Person) -> UUID:
        return obj.household.uuid

    @staticmethod
    def resolve_nationalities(obj: Person) -> list[str]:
        return [c.iso2 for c in obj.nationalities.all()]

    @staticmethod
    def resolve_birth_country(obj: Person) -> str | None:
        return _iso2(obj.birth_country)

    @staticmethod
    def resolve_birth_area(obj: Person) -> str | None:
        return _area_code(obj.birth_area)

    @staticmethod
    def resolve_wg(obj: Person) -> dict[str, str]:
        return {d: getattr(obj, f"wg_{d}") for d in WG_DOMAINS if getattr(obj, f"wg_{d}")}


class AssessmentOut(Schema):
    uuid: UUID
    version: int
    assessed_on: date
    severities: dict[str, int] = Field(description="Severity 0 (no need) to 4 by sector.")
    created_at: datetime


class HouseholdOut(Schema):
    uuid: UUID
    version: int
    code: str = Field(description="A short reference for people to read out; not an id.")
    organization: str
    country: str
    admin_area: str | None = Field(description="Where registered: ISO 3166-2 code or P-code.")
    current_area: str | None
    address: str
    population_type: str = Field(description=f"One of: {', '.join(PopulationType.values)}.")
    status: str = Field(description=f"One of: {', '.join(Household.Status.values)}.")
    arrival_date: date | None
    destination_country: str | None
    destination_area: str | None
    registered_on: date
    focal_point: UUID | None
    members_count: int
    created_at: datetime
    updated_at: datetime
    last_activity_at: datetime = Field(
        description="Last change to the household or anything in it."
    )

    @staticmethod
    def resolve_organization(obj: Household) -> str:
        return obj.organization.acronym

    @staticmethod
    def resolve_country(obj: Household) -> str:
        return obj.country.iso2

    @staticmethod
    def resolve_admin_area(obj: Household) -> str | None:
        return _area_code(obj.admin_area)

    @staticmethod
    def resolve_current_area(obj: Household) -> str | None:
        return _area_code(obj.current_area)

    @staticmethod
    def resolve_destination_country(obj: Household) -> str | None:
        return _iso2(obj.destination_country)

    @staticmethod
    def resolve_destination_area(obj: Household) -> str | None:
        return _area_code(obj.destination_area)

    @staticmethod
    def resolve_focal_point(obj: Household) -> UUID | None:
        return obj.focal_point.uuid if obj.focal_point else None

    @staticmethod
    def resolve_members_count(obj: Household) -> int:
        counted = getattr(obj, "members_count", None)
        return counted if counted is not None else len(_members(obj))


class HouseholdDetailOut(HouseholdOut):
    phones: list[PhoneOut] = Field(description="Every number of the household.")
    members: list[PersonOut]
    assessments: list[AssessmentOut]

    @staticmethod
    def resolve_phones(obj: Household) -> list[Any]:
        return list(obj.phones.all())

    @staticmethod
    def resolve_members(obj: Household) -> list[Person]:
        return _members(obj)

    @staticmethod
    def resolve_assessments(obj: Household) -> list[NeedsAssessment]:
        return list(obj.assessments.all())


# --- bodies --------------------------------------------------------------------------


class _In(Schema):
    model_config = pydantic.ConfigDict(extra="forbid")


class DocumentIn(_In):
    type: DocumentTypeCode
    number: PlainText = Field(min_length=1, max_length=60)
    issuing_country: ISO2 | None = None
    issued_on: date | None = None
    expires_on: date | None = None
    status: DocumentStatusCode = Document.Status.VALID.value

    def to_input(self) -> DocumentInput:
        return DocumentInput(**self.model_dump())


class ConsentIn(_In):
    """What the person (or a guardian) agreed to at registration, purpose by purpose."""

    purposes: list[PurposeCode] = [Consent.Purpose.REGISTRATION.value]
    legal_basis: LegalBasisCode = Consent.LegalBasis.CONSENT.value
    given_by: GivenByCode = Consent.GivenBy.PERSON.value
    guardian_name: PlainText = ""
    child_assent: bool | None = None
    language: str = Field(default="es", max_length=10)
    share_with: list[str] = Field(default=[], description="Acronyms of partners it may go to.")

    def to_input(self) -> ConsentInput:
        return ConsentInput(**self.model_dump())


class PersonIn(_In):
    given_names: PlainText = Field(max_length=120)
    first_surname: PlainText = Field(default="", max_length=80)
    second_surname: PlainText = Field(default="", max_length=80)
    preferred_name: PlainText = Field(default="", max_length=120)
    sex: SexCode
    relationship: RelationshipCode = Field(description="Relationship to the focal point.")
    birth_date: date | None = None
    birth_date_estimated: bool = False
    nationalities: list[ISO2] = []
    birth_country: ISO2 | None = None
    birth_area: str | None = Field(default=None, description="ISO 3166-2 code or P-code.")
    languages: list[str] = []
    wg: dict[WgDomain, WgAnswer] = Field(default={}, description="Washington Group short set.")
    specific_needs: list[SpecificNeedCode] = []
    documents: list[DocumentIn] = []
    phone: str = Field(default="", max_length=40)
    consent: ConsentIn = Field(default_factory=ConsentIn)

    def to_input(self) -> PersonInput:
        data = self.model_dump(exclude={"documents", "consent"})
        return PersonInput(
            **data,
            documents=[d.to_input() for d in self.documents],
            consent=self.consent.to_input(),
        )


class PhoneIn(_In):
    number: str = Field(min_length=1, max_length=40)
    whatsapp: bool = False


class HouseholdCreateIn(_In):
    country: ISO2
    organization: str | None = Field(
        default=None,
        description="Acronym of the registering organisation; needed only when the caller "
        "registers for several in this country.",
    )
    population_type: PopulationTypeCode = PopulationType.IN_DESTINATION.value
    admin_area: str | None = Field(
        default=None, description="Where registered: ISO 3166-2 or P-code."
    )
    current_area: str | None = None
    address: PlainText = Field(default="", max_length=300)
    arrival_date: date | None = None
    destination_country: ISO2 | None = None
    destination_area: str | None = None
    phones: list[PhoneIn] = []
    members: list[PersonIn]
    confirmed_new: bool = Field(
        default=False,
        description="Register even though possible duplicates were found (after a person "
        "checked the candidates of a 409).",
    )

    def to_input(self) -> HouseholdInput:
        data = self.model_dump(
            exclude={"country", "organization", "phones", "members", "confirmed_new"}
        )
        return HouseholdInput(**data, phones=[PhoneInput(**p.model_dump()) for p in self.phones])


# `Unset[T]`: may be left out of a PATCH (then it does not change) but may not be null. At
# run time it is plain T: pydantic does not validate the None default, and refuses a null.
if TYPE_CHECKING:
    Unset = Annotated[T | None, "optional, never null"]
else:

    class Unset:
        def __class_getitem__(cls, item: Any) -> Any:
            return item


class _Edit(_In):
    """Only the fields sent change."""

    version: int = Field(ge=1, description="The version the edit is based on.")
    reason: str = Field(min_length=1, max_length=300, description="Why: kept in the history.")

    def changes(self) -> dict[str, Any]:
        return self.model_dump(exclude_unset=True, exclude={"version", "reason"})


class HouseholdPatchIn(_Edit):
    population_type: Unset[PopulationTypeCode] = None
    status: Unset[HouseholdStatusCode] = None
    address: Unset[Annotated[PlainText, Field(max_length=300)]] = None
    arrival_date: date | None = None
    current_area: str | None = Field(default=None, description="ISO 3166-2 code or P-code.")
    destination_country: ISO2 | None = None
    destination_area: str | None = None


class PersonPatchIn(_Edit):
    given_names: Unset[Annotated[PlainText, Field(min_length=1, max_length=120)]] = None
    first_surname: Unset[Annotated[PlainText, Field(max_length=80)]] = None
    second_surname: Unset[Annotated[PlainText, Field(max_length=80)]] = None
    preferred_name: Unset[Annotated[PlainText, Field(max_length=120)]] = None
    sex: Unset[SexCode] = None
    relationship: Unset[RelationshipCode] = None
    birth_date: date | None = None
    birth_date_estimated: Unset[bool] = None
    specific_needs: Unset[list[SpecificNeedCode]] = None
    languages: Unset[list[str]] = None
    wg: Unset[dict[WgDomain, WgAnswer]] = Field(
        default=None, description="Only the domains sent change."
    )


class ConsentRecordIn(_In):
    purpose: PurposeCode
    recipient: str | None = Field(
        default=None, description="Partner acronym; required for sharing."
    )
    legal_basis: LegalBasisCode = Consent.LegalBasis.CONSENT.value
    given_by: GivenByCode = Consent.GivenBy.PERSON.value
    guardian_name: PlainText = Field(default="", max_length=200)
    child_assent: bool | None = None
    language: str = Field(default="es", max_length=10)


class AssessmentIn(_In):
    assessed_on: date | None = Field(default=None, description="Default: today.")
    severities: dict[SectorCode, Severity] = Field(
        description="Severity by sector: 0 no need, 1 low, 2 medium, 3 high, 4 critical."
    )


# --- plumbing ------------------------------------------------------------------------

S = TypeVar("S", bound=Schema)
V = TypeVar("V", bound=Callable[..., Any])


def _inline(node: Any, defs: dict[str, Any]) -> Any:
    if isinstance(node, dict):
        ref = node.get("$ref")
        if isinstance(ref, str) and ref.startswith("#/$defs/"):
            rest = {k: v for k, v in node.items() if k != "$ref"}
            return _inline({**defs[ref.rsplit("/", 1)[1]], **rest}, defs)
        return {k: _inline(v, defs) for k, v in node.items()}
    if isinstance(node, list):
        return [_inline(v, defs) for v in node]
    return node


def _body(model: type[Schema]) -> dict[str, Any]:
    """Document a JSON body that the view reads itself (see `_parse`)."""
    schema = model.model_json_schema()
    defs = schema.pop("$defs", {})
    for prop in schema["properties"].values():
        if prop.get("default", "") is None and "anyOf" not in prop:
            del prop["default"]  # optional in a PATCH, but null is not a value
    content = {"application/json": {"schema": _inline(schema, defs)}}
    return {"requestBody": {"required": True, "content": content}}


def _parse(request: HttpRequest, model: type[S]) -> S:
    """Read the body only once the record is found, so a hidden id is 404 whatever is sent."""
    if not request.body:
        raise DjangoValidationError({NON_FIELD_ERRORS: [_("Send the record as JSON.")]})
    try:
        return model.model_validate_json(request.body)
    except pydantic.ValidationError as exc:
        errors: dict[str, list[str]] = {}
        for error in exc.errors(include_url=False):
            key = "-".join(str(part) for part in error["loc"]) or NON_FIELD_ERRORS
            errors.setdefault(key, []).append(error["msg"])
        raise DjangoValidationError(errors) from exc


def _answers(view: V) -> V:
    """Turn the services' refusals into the documented answers: 403, 409 and 422."""

    @functools.wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> Any:
        try:
            return view(request, *args, **kwargs)
        except services.VersionConflict as exc:
            return Status(409, {"detail": str(exc), "current_version": exc.current})
        except PermissionDenied as exc:
            return Status(403, {"detail": str(exc) or _("Your roles do not allow this here.")})
        except DjangoValidationError as exc:
            errors = (
                exc.message_dict if hasattr(exc, "error_dict") else {NON_FIELD_ERRORS: exc.messages}
            )
            return Status(422, {"detail": _("Some fields need attention."), "errors": errors})

    return cast(V, wrapper)


def _user(request: HttpRequest) -> User:
    return cast(User, request.user)


def _members(household: Household) -> list[Person]:
    cached = getattr(household, "_api_members", None)
    if cached is None:
        cached = list(
            selectors.members_of(household).select_related("birth_country", "birth_area")
            .prefetch_related("phones")
        )  # fmt: skip
        household._api_members = cached  # type: ignore[attr-defined]
    return cached


PERSON_RELATED = ("nationalities", "documents", "phones", "consents", "consents__recipient")


def _people(qs: QuerySet[Person]) -> QuerySet[Person]:
    return qs.select_related("household", "birth_country", "birth_area").prefetch_related(
        *PERSON_RELATED
    )


def _household(request: HttpRequest, uuid: UUID) -> Household:
    return selectors.household_detail(user=request.user, uuid=uuid)


def _person(request: HttpRequest, uuid: UUID) -> Person:
    person = policies.get_for_user(request.user, Person, uuid)
    if person.anonymised_at is not None:
        raise Http404
    return person


def _fresh_person(request: HttpRequest, person: Person) -> Person:
    return _people(selectors.people_for_user(user=request.user)).get(pk=person.pk)


def _country(request: HttpRequest, iso2: str | None, key: str) -> Country | None:
    if not iso2:
        return None
    country = policies.visible(request.user, Country).filter(iso2=iso2.upper()).first()
    if country is None:
        raise DjangoValidationError({key: [_("Unknown country: %(c)s") % {"c": iso2}]})
    return country


def _area(request: HttpRequest, code: str | None, key: str) -> AdminArea | None:
    if not code:
        return None
    code = code.upper()
    area = (
        policies.visible(request.user, AdminArea).filter(Q(iso_code=code) | Q(pcode=code)).first()
    )
    if area is None:
        raise DjangoValidationError({key: [_("Unknown area: %(a)s") % {"a": code}]})
    return area


def _registering_organization(
    request: HttpRequest, country: Country, acronym: str | None
) -> Organization:
    if acronym:
        org = Organization.objects.filter(acronym__iexact=acronym).first()
        if org is None:
            raise DjangoValidationError(
                {"organization": [_("Unknown organisation: %(o)s") % {"o": acronym}]}
            )
        return org
    org_ids = sorted(
        {
            g.organization_id
            for g in policies.grants(request.user)
            if policies.has_perm(
                request.user,
                Perm.REGISTER_HOUSEHOLDS,
                organization_id=g.organization_id,
                country_id=country.pk,
            )
        }
    )
    if not org_ids:
        raise PermissionDenied(_("Your roles do not allow registering households here."))
    if len(org_ids) > 1:
        names = Organization.objects.filter(pk__in=org_ids).values_list("acronym", flat=True)
        raise DjangoValidationError(
            {
                "organization": [
                    _("You register for several organisations here; name one: %(o)s")
                    % {"o": ", ".join(sorted(names))}
                ]
            }
        )
    return Organization.objects.get(pk=org_ids[0])


def _check_version(current: int, sent: int) -> None:
    # The services compare-and-swap on save; checking here too answers 409 even when the
    # edit would change nothing, so a client never takes a stale copy for the current one.
    if current != sent:
        raise services.VersionConflict(current)


WRITE_ANSWERS = {403: ErrorOut, 404: ErrorOut, 422: InvalidOut}


# --- households ----------------------------------------------------------------------


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
    response=list[HouseholdOut],
    summary="List households",
    description="The households the caller may see, newest registration first.",
)
@paginate(PageNumberPagination, page_size=50, max_page_size=500)
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
    response={200: HouseholdDetailOut, 404: ErrorOut},
    summary="One household with its members, phones and needs assessments",
)
def household_get(request: HttpRequest, uuid: UUID) -> Household:
    return _household(request, uuid)


@router.post(
    "/households",
    response={201: HouseholdDetailOut, 409: DuplicatesOut, **WRITE_ANSWERS},
    summary="Register a household with all its members",
    description=(
        "Checks for people already known (same document; similar name and date of birth) "
        "among the records the caller may see. When there are any, nothing is saved and the "
        "answer is 409 with the candidates; send the same body with `confirmed_new: true` "
        "once a person has checked they are different people."
    ),
    openapi_extra=_body(HouseholdCreateIn),
)
@_answers
def household_create(request: HttpRequest) -> Status[object]:
    require_scope(request, ApiToken.Scope.WRITE)
    data = _parse(request, HouseholdCreateIn)
    country = _country(request, data.country, "country")
    assert country is not None  # the schema requires it
    organization = _registering_organization(request, country, data.organization)
    result = services.household_register(
        user=_user(request),
        organization=organization,
        country=country,
        household=data.to_input(),
        members=[m.to_input() for m in data.members],
        confirmed_new=data.confirmed_new,
    )
    if result.household is not None:
        return Status(201, _household(request, result.household.uuid))
    found = [(i, c) for i, cs in result.candidates.items() for c in cs]
    people = {
        p.pk: p
        for p in selectors.people_for_user(user=request.user)
        .filter(pk__in=[c.person_id for _i, c in found])
        .select_related("household")
    }
    candidates = [
        {
            "member": i,
            "person": people[c.person_id].uuid,
            "household": people[c.person_id].household.uuid,
            "score": c.score,
            "reasons": list(c.reasons),
        }
        for i, c in found
        if c.person_id in people
    ]
    detail = _("These people may already be registered. Check, then confirm it is a new household.")
    return Status(409, {"detail": detail, "candidates": candidates})


@router.patch(
    "/households/{uuid}",
    response={200: HouseholdDetailOut, 409: ConflictOut, **WRITE_ANSWERS},
    summary="Change a household's details",
    description=(
        "Send `version` (the one you read) and `reason`, plus only the fields to change. "
        "If the household changed since that version the answer is 409 with the current "
        "version and nothing is saved. Each change is kept in the history with the reason."
    ),
    openapi_extra=_body(HouseholdPatchIn),
)
@_answers
def household_patch(request: HttpRequest, uuid: UUID) -> Status[object]:
    require_scope(request, ApiToken.Scope.WRITE)
    household = _household(request, uuid)
    data = _parse(request, HouseholdPatchIn)
    _check_version(household.version, data.version)
    changes = data.changes()
    if "current_area" in changes:
        changes["current_area"] = _area(request, changes["current_area"], "current_area")
    if "destination_area" in changes:
        changes["destination_area"] = _area(
            request, changes["destination_area"], "destination_area"
        )
    if "destination_country" in changes:
        changes["destination_country"] = _country(
            request, changes["destination_country"], "destination_country"
        )
    services.household_update(
        user=_user(request),
        household=household,
        version=data.version,
        changes=changes,
        reason=data.reason,
    )
    return Status(200, _household(request, uuid))


@router.post(
    "/households/{uuid}/members",
    response={201: PersonOut, **WRITE_ANSWERS},
    summary="Add a member to a household",
    openapi_extra=_body(PersonIn),
)
@_answers
def household_member_add(request: HttpRequest, uuid: UUID) -> Status[object]:
    require_scope(request, ApiToken.Scope.WRITE)
    household = _household(request, uuid)
    data = _parse(request, PersonIn)
    person = services.person_add(user=_user(request), household=household, member=data.to_input())
    return Status(201, _fresh_person(request, person))


@router.post(
    "/households/{uuid}/assessments",
    response={201: AssessmentOut, **WRITE_ANSWERS},
    summary="Record a needs assessment",
    openapi_extra=_body(AssessmentIn),
)
@_answers
def household_assess(request: HttpRequest, uuid: UUID) -> Status[object]:
    require_scope(request, ApiToken.Scope.WRITE)
    household = _household(request, uuid)
    data = _parse(request, AssessmentIn)
    assessment = services.needs_assess(
        user=_user(request),
        household=household,
        severities=dict(data.severities),
        assessed_on=data.assessed_on,
    )
    return Status(201, assessment)


# --- people --------------------------------------------------------------------------


class PersonFilters(Schema):
    country: ISO2 | None = Field(default=None, description="Country of the household (ISO2).")
    sex: SexCode | None = None
    born_from: int | None = Field(default=None, ge=1900, le=2100, description="Born in or after.")
    born_to: int | None = Field(default=None, ge=1900, le=2100, description="Born in or before.")


@router.get(
    "/people",
    response=list[PersonOut],
    summary="List people",
    description="The people the caller may see, household by household.",
)
@paginate(PageNumberPagination, page_size=50, max_page_size=500)
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
    return _people(qs)


class SearchParams(Schema):
    q: str = Field(min_length=1, max_length=200, description="What you would type in the box.")
    country: ISO2 | None = Field(default=None, description="Only households in this country.")
    limit: int = Field(default=20, ge=1, le=100)


@router.get(
    "/people/search",
    response={200: list[PersonOut], 422: InvalidOut},
    summary="Find people by name, date of birth, document or phone",
    description=(
        "One free text, as in the find-or-register box: names in any order, with or without "
        "accents and with small typos, a date of birth (`14/03/1990` or `1990-03-14`), a "
        "document or phone number. Best matches first."
    ),
)
@_answers
def person_search(request: HttpRequest, params: Query[SearchParams]) -> Status[object]:
    where = _country(request, params.country, "country")
    found = selectors.search_people(
        user=request.user, text=params.q.strip(), limit=params.limit, country=where
    )
    prefetch_related_objects(found, "birth_country", "birth_area", *PERSON_RELATED)
    return Status(200, found)


@router.get(
    "/people/{uuid}",
    response={200: PersonOut, 404: ErrorOut},
    summary="One person, with documents, phones and consents",
)
def person_get(request: HttpRequest, uuid: UUID) -> Person:
    return _fresh_person(request, _person(request, uuid))


@router.patch(
    "/people/{uuid}",
    response={200: PersonOut, 409: ConflictOut, **WRITE_ANSWERS},
    summary="Change a person's details",
    description=(
        "Send `version` (the one you read) and `reason`, plus only the fields to change. "
        "If the person changed since that version the answer is 409 with the current "
        "version and nothing is saved. Each change is kept in the history with the reason."
    ),
    openapi_extra=_body(PersonPatchIn),
)
@_answers
def person_patch(request: HttpRequest, uuid: UUID) -> Status[object]:
    require_scope(request, ApiToken.Scope.WRITE)
    person = _person(request, uuid)
    data = _parse(request, PersonPatchIn)
    _check_version(person.version, data.version)
    changes = data.changes()
    for domain, answer in (changes.pop("wg", None) or {}).items():
        changes[f"wg_{domain}"] = answer
    if "specific_needs" in changes:
        changes["specific_needs"] = sorted(set(changes["specific_needs"]))
    services.person_update(
        user=_user(request),
        person=person,
        version=data.version,
        changes=changes,
        reason=data.reason,
    )
    return Status(200, _fresh_person(request, person))


@router.post(
    "/people/{uuid}/documents",
    response={201: DocumentOut, **WRITE_ANSWERS},
    summary="Record a document of a person",
    description="The number is stored encrypted; the answer shows only its last four characters.",
    openapi_extra=_body(DocumentIn),
)
@_answers
def person_document_add(request: HttpRequest, uuid: UUID) -> Status[object]:
    require_scope(request, ApiToken.Scope.WRITE)
    person = _person(request, uuid)
    data = _parse(request, DocumentIn)
    document = services.document_add(user=_user(request), person=person, document=data.to_input())
    return Status(201, document)


@router.post(
    "/people/{uuid}/consents",
    response={201: ConsentOut, **WRITE_ANSWERS},
    summary="Record a person's consent for one purpose",
    openapi_extra=_body(ConsentRecordIn),
)
@_answers
def person_consent_add(request: HttpRequest, uuid: UUID) -> Status[object]:
    require_scope(request, ApiToken.Scope.WRITE)
    person = _person(request, uuid)
    data = _parse(request, ConsentRecordIn)
    recipient = None
    if data.recipient:
        recipient = Organization.objects.filter(acronym__iexact=data.recipient).first()
        if recipient is None:
            raise DjangoValidationError(
                {"recipient": [_("Unknown partner: %(o)s") % {"o": data.recipient}]}
            )
    consent = services.consent_record(
        user=_user(request),
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
    response={200: ConsentOut, 409: ConflictOut, 403: ErrorOut, 404: ErrorOut},
    summary="Withdraw a consent",
    description=(
        "From today on the consent no longer counts. Withdrawing twice is 409; so is a "
        "`version` that is not the consent's current one."
    ),
)
@_answers
def consent_withdraw(
    request: HttpRequest, uuid: UUID, data: WithdrawIn | None = None
) -> Status[object]:
    require_scope(request, ApiToken.Scope.WRITE)
    consent = policies.get_for_user(request.user, Consent, uuid)
    if consent.person.anonymised_at is not None:
        raise Http404
    if consent.withdrawn_on is not None:
        detail = _("This consent was already withdrawn on %(d)s.") % {
            "d": date_format(consent.withdrawn_on, "SHORT_DATE_FORMAT")
        }
        return Status(409, {"detail": detail, "current_version": consent.version})
    version = data.version if data is not None else None
    return Status(
        200, services.consent_withdraw(user=_user(request), consent=consent, version=version)
    )
