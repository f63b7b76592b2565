# No `from __future__ import annotations`: django-ninja reads the annotations at run time.
"""The registry API's answers and bodies. Choice fields are literal strings, so that the
schema lists the allowed values and the values stay those of the models."""

from datetime import date, datetime
from typing import TYPE_CHECKING, Annotated, Any, Literal, TypeVar
from uuid import UUID

import pydantic
from django.db.models import QuerySet
from django.utils import timezone
from ninja import Field, Schema

from caminantes.geo.models import AdminArea, Country
from caminantes.lib.dates import birth_date_from_age
from caminantes.registry import selectors
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

# Names and free text: refused when they start like a spreadsheet formula, as in the import.
PlainText = Annotated[str, pydantic.AfterValidator(refuse_formula)]

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


# --- answers -------------------------------------------------------------------------


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


class PhoneNumberOut(Schema):
    uuid: UUID
    number: str = Field(description="The full number, in international form. Audited.")


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
        return counted if counted is not None else len(members_of_household(obj))


class HouseholdDetailOut(HouseholdOut):
    phones: list[PhoneOut] = Field(description="Every number of the household.")
    members: list[PersonOut]
    assessments: list[AssessmentOut]

    @staticmethod
    def resolve_phones(obj: Household) -> list[Any]:
        return list(obj.phones.all())

    @staticmethod
    def resolve_members(obj: Household) -> list[Person]:
        return members_of_household(obj)

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
    age_years: int | None = Field(
        default=None,
        ge=0,
        le=120,
        description="When the date of birth is not known: the age in years, stored as an "
        "estimated date of birth (1 July). Ignored when birth_date is given.",
    )
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
        data = self.model_dump(exclude={"documents", "consent", "age_years"})
        if data["birth_date"] is None and self.age_years is not None:
            data["birth_date"] = birth_date_from_age(self.age_years, timezone.localdate())
            data["birth_date_estimated"] = True
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
    nationalities: Unset[list[ISO2]] = Field(
        default=None, description="Every nationality (ISO2), replacing those recorded."
    )
    wg: Unset[dict[WgDomain, WgAnswer]] = Field(
        default=None, description="Only the domains sent change."
    )


class DocumentPatchIn(_Edit):
    type: Unset[DocumentTypeCode] = None
    number: Unset[Annotated[PlainText, Field(min_length=1, max_length=60)]] = None
    issuing_country: ISO2 | None = None
    issued_on: date | None = None
    expires_on: date | None = None
    status: Unset[DocumentStatusCode] = None


class PhonePatchIn(_Edit):
    number: Unset[Annotated[str, Field(min_length=1, max_length=40)]] = None
    whatsapp: Unset[bool] = None


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


# --- reading --------------------------------------------------------------------------


def members_of_household(household: Household) -> list[Person]:
    cached = getattr(household, "_api_members", None)
    if cached is None:
        cached = list(
            selectors.members_of(household).select_related("birth_country", "birth_area")
            .prefetch_related("phones")
        )  # fmt: skip
        household._api_members = cached  # type: ignore[attr-defined]
    return cached


PERSON_RELATED = ("nationalities", "documents", "phones", "consents", "consents__recipient")


def with_person_related(qs: QuerySet[Person]) -> QuerySet[Person]:
    return qs.select_related("household", "birth_country", "birth_area").prefetch_related(
        *PERSON_RELATED
    )
