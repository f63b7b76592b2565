"""Plain data describing a registration or a change: what forms, the API and imports fill in.

Validation that needs no database lives here, with messages a person can act on.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from caminantes.registry.models import Consent, Document, PopulationType, Relationship


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
    sex: str = ""  # no default: a skipped field is an error, never a woman (Sex.UNKNOWN exists)
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
            "birth_date_estimated": self.birth_date_estimated,
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
