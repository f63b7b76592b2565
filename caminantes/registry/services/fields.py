"""The columns a registration writes, made in one place for every path that writes them
(registration by form or API, imports, the demo, corrections): encrypted numbers with
their keyed look-up hash, a person's search keys, and the consent rows."""

from __future__ import annotations

import uuid
from functools import lru_cache
from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from caminantes.geo.models import Country
from caminantes.lib import crypto, names
from caminantes.lib.bulk import BulkWriter
from caminantes.lib.phones import to_e164
from caminantes.registry import duplicates
from caminantes.registry.inputs import ConsentInput, DocumentInput, PersonInput, PhoneInput
from caminantes.registry.models import WG_DOMAINS, Consent, Document, Person, Phone
from caminantes.registry.services.checks import Places


def number_fields(number: str, *, purpose: str, normalised: str) -> dict[str, str]:
    """A number at rest: encrypted, its keyed hash (found without decrypting) and last four."""
    return {
        "number_encrypted": crypto.encrypt(number.strip()),
        "number_hash": crypto.lookup_hash(normalised, purpose=purpose),
        "number_last4": normalised[-4:],
    }


def document_fields(d: DocumentInput) -> dict[str, str]:
    if d.sealed is not None:
        return d.sealed
    return number_fields(
        d.number, purpose="document", normalised=duplicates.normalise_document(d.number)
    )


def phone_number_fields(e164: str) -> dict[str, str]:
    """For a number already in E.164 form."""
    return number_fields(e164, purpose="phone", normalised=e164)


def phone_fields(raw: str, country: Country) -> dict[str, str]:
    """Raises `lib.phones.InvalidPhone` for a number that is not one in `country`."""
    return phone_number_fields(to_e164(raw, country.iso2))


def phone_input_fields(phone: PhoneInput, country: Country) -> dict[str, str]:
    return phone.sealed if phone.sealed is not None else phone_fields(phone.number, country)


@lru_cache(maxsize=50_000)
def _part_keys(part: str) -> frozenset[str]:
    return frozenset(names.search_keys(part))


def name_keys(*parts: str) -> set[str]:
    """`names.search_keys(*parts)`, remembered part by part: given names and surnames repeat
    endlessly in a large file, and the sound keys are the costly part. The keys of several
    parts are by definition the union of each part's."""
    keys: set[str] = set()
    for part in parts:
        if part:
            keys |= _part_keys(part)
    return keys


def name_fields(given: str, first: str, second: str, preferred: str) -> dict[str, Any]:
    """The person's search name and keys (what the find-or-register box looks up)."""
    return {
        "search_name": names.fold(names.full_name(given, first, second)),
        "search_tokens": sorted(name_keys(given, first, second, preferred)),
    }


def consent_rows(
    c: ConsentInput, *, person_id: int, recorded_by_id: int | None, partners: dict[str, int]
) -> list[dict[str, Any]]:
    """The consents a registration records: registration always, on the legal basis given
    (consent or another); every other purpose on the person's consent; sharing once per
    partner named (`partners`: acronym -> organisation id, for those of `c.share_with`)."""
    common = {
        "person_id": person_id,
        "given_by": c.given_by,
        "guardian_name": c.guardian_name.strip(),
        "child_assent": c.child_assent,
        "language": c.language,
        "recorded_by_id": recorded_by_id,
    }
    purposes = list(dict.fromkeys(c.purposes))
    if Consent.Purpose.REGISTRATION not in purposes:
        purposes.insert(0, Consent.Purpose.REGISTRATION)  # on the other legal basis given
    rows = []
    for purpose in purposes:
        basis = (
            c.legal_basis if purpose == Consent.Purpose.REGISTRATION else Consent.LegalBasis.CONSENT
        )
        recipients: list[int | None] = [None]
        if purpose == Consent.Purpose.SHARING:
            unknown = [a for a in c.share_with if a not in partners]
            if unknown:
                raise ValidationError(
                    {"consent": [_("Unknown partner: %(o)s") % {"o": unknown[0]}]}
                )
            recipients = [partners[a] for a in c.share_with]
        rows += [
            {**common, "purpose": purpose, "legal_basis": basis, "recipient_id": r}
            for r in recipients
        ]
    return rows


def _pk(obj: Any) -> int | None:
    return obj.pk if obj is not None else None


def person_row(p: PersonInput, places: Places) -> dict[str, Any]:
    """A new person's row (without `household_id`); codes already checked against `places`."""
    given, first, second = p.given_names.strip(), p.first_surname.strip(), p.second_surname.strip()
    preferred = p.preferred_name.strip()
    return {
        "uuid": uuid.uuid4(),
        "relationship": p.relationship,
        "given_names": given,
        "first_surname": first,
        "second_surname": second,
        "preferred_name": preferred,
        "sex": p.sex,
        "birth_date": p.birth_date,
        "birth_date_estimated": p.birth_date_estimated,
        "birth_country_id": _pk(places.country(p.birth_country, {}, "")),
        "birth_area_id": _pk(places.area(p.birth_area, {}, "")),
        "languages": list(p.languages),
        "specific_needs": sorted(set(p.specific_needs)),
        **{f"wg_{d}": p.wg.get(d, "") for d in WG_DOMAINS},
        **name_fields(given, first, second, preferred),
    }


def document_row(person_id: int, d: DocumentInput, places: Places) -> dict[str, Any]:
    return {
        "person_id": person_id,
        "type": d.type,
        "issuing_country_id": _pk(places.country(d.issuing_country, {}, "")),
        "issued_on": d.issued_on,
        "expires_on": d.expires_on,
        "status": d.status,
        **document_fields(d),
    }


class MemberRows:
    """The rows that come with new people and households: nationalities, documents, phones
    and consents, gathered for one INSERT (or COPY) per table."""

    def __init__(self, *, places: Places, partners: dict[str, int], recorded_by_id: int | None):
        self.places = places
        self.partners = partners
        self.recorded_by_id = recorded_by_id
        self.nationalities: list[dict[str, Any]] = []
        self.documents: list[dict[str, Any]] = []
        self.phones: list[dict[str, Any]] = []
        self.consents: list[dict[str, Any]] = []

    def add_person(
        self, person_id: int, household_id: int, p: PersonInput, country: Country
    ) -> None:
        for iso2 in dict.fromkeys(c.upper() for c in p.nationalities):
            found = self.places.country(iso2, {}, "")
            if found is not None:
                self.nationalities.append({"person_id": person_id, "country_id": found.pk})
        self.documents += [document_row(person_id, d, self.places) for d in p.documents]
        phones = ([PhoneInput(p.phone)] if p.phone else []) + p.phones
        for ph in phones:
            self.add_phone(household_id, ph, country, person_id=person_id)
        self.consents += consent_rows(
            p.consent,
            person_id=person_id,
            recorded_by_id=self.recorded_by_id,
            partners=self.partners,
        )

    def add_phone(
        self, household_id: int, ph: PhoneInput, country: Country, *, person_id: int | None = None
    ) -> None:
        self.phones.append(
            {
                "household_id": household_id,
                "person_id": person_id,
                "whatsapp": ph.whatsapp,
                **phone_input_fields(ph, country),
            }
        )

    def write(self, writer: BulkWriter) -> None:
        writer.write(Person.nationalities.through, self.nationalities)
        writer.write(Document, self.documents)
        writer.write(Phone, self.phones)
        writer.write(Consent, self.consents)
