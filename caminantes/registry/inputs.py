"""Plain data describing a registration or a change: what forms, the API and imports fill in.

Validation that needs no database lives here, with messages a person can act on.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from caminantes.registry.models import Consent, Document, PopulationType, Relationship, Sex

# What a spreadsheet reads as the start of a formula (OWASP "CSV injection"): a name such as
# "=HYPERLINK(…)" typed today runs on the laptop that opens next year's export.
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def formula_refusal(text: str) -> str | None:
    """The one input rule for text, shared by the import, the API and the forms: why this
    value is refused because it starts like a spreadsheet formula, or None when it does not.
    (A phone number's "+" is the caller's to allow: only they know the field is a phone.)"""
    if not text.startswith(FORMULA_START):
        return None
    first = {"\t": "TAB", "\r": "CR"}.get(text[0], text[0])
    return _(
        "It starts with “%(c)s”, as a spreadsheet formula does: refused. Remove the character "
        "or write the value as plain text."
    ) % {"c": first}


def refuse_formula(text: str) -> str:
    """`formula_refusal` for pydantic (the API's bodies): ValueError, else the text."""
    if (problem := formula_refusal(text)) is not None:
        raise ValueError(problem)
    return text


def validate_plain_text(text: str) -> None:
    """`formula_refusal` as a Django field validator (the registry's forms)."""
    if (problem := formula_refusal(text)) is not None:
        raise ValidationError(problem, code="formula")


@dataclass
class DocumentInput:
    type: str
    number: str
    issuing_country: str | None = None  # ISO2
    issued_on: date | None = None
    expires_on: date | None = None
    status: str = Document.Status.VALID
    # The number's stored columns when they were computed already (an import encrypts them
    # when the file is staged): number_encrypted, number_hash, number_last4.
    sealed: dict[str, str] | None = field(default=None, repr=False)


@dataclass
class ConsentInput:
    """What the person (or guardian) agreed to at registration, purpose by purpose."""

    purposes: list[str] = field(default_factory=lambda: [Consent.Purpose.REGISTRATION])
    legal_basis: str = Consent.LegalBasis.CONSENT
    given_by: str = Consent.GivenBy.PERSON
    guardian_name: str = ""
    child_assent: bool | None = None
    language: str = "es"
    share_with: list[str] = field(default_factory=list)  # organisation acronyms


@dataclass
class PhoneInput:
    number: str
    whatsapp: bool = False
    sealed: dict[str, str] | None = field(default=None, repr=False)  # as DocumentInput's


@dataclass
class PersonInput:
    given_names: str
    first_surname: str = ""
    second_surname: str = ""
    sex: str = Sex.FEMALE
    relationship: str = Relationship.FOCAL_POINT
    preferred_name: str = ""
    birth_date: date | None = None
    birth_date_estimated: bool = False
    nationalities: list[str] = field(default_factory=list)  # ISO2
    birth_country: str | None = None
    birth_area: str | None = None  # ISO 3166-2
    languages: list[str] = field(default_factory=list)
    wg: dict[str, str] = field(default_factory=dict)
    specific_needs: list[str] = field(default_factory=list)
    documents: list[DocumentInput] = field(default_factory=list)
    phone: str = ""  # the form's and the API's one number, in the household's country
    phones: list[PhoneInput] = field(default_factory=list)  # any more (an import's WhatsApp)
    consent: ConsentInput = field(default_factory=ConsentInput)

    def as_candidate(self) -> dict[str, object]:
        """The shape the duplicate hook reads."""
        return {
            "given_names": self.given_names,
            "first_surname": self.first_surname,
            "second_surname": self.second_surname,
            "sex": self.sex,
            "birth_date": self.birth_date,
            "documents": [{"type": d.type, "number": d.number} for d in self.documents],
            "phone": self.phone,
            "nationalities": self.nationalities,
        }


@dataclass
class HouseholdInput:
    population_type: str = PopulationType.IN_DESTINATION
    admin_area: str | None = None  # ISO 3166-2 where registered
    current_area: str | None = None
    address: str = ""
    arrival_date: date | None = None
    destination_country: str | None = None
    destination_area: str | None = None
    phones: list[PhoneInput] = field(default_factory=list)
