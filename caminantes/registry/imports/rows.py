"""One row and one household: cells read into values, then the registry's own checks.

`stage_row` reads a row's cells (refusing formula cells, broken accents, unreadable dates,
unknown codes) and encrypts its numbers with the services' code; `check_household` applies
the household rules and `services.validate_person` to each member; `registry_duplicates`
asks the duplicate hook about a chunk of rows at once.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.db.models import QuerySet
from django.utils.translation import gettext as _

from caminantes.lib import crypto, names
from caminantes.lib.phones import InvalidPhone, to_e164
from caminantes.registry import duplicates, services
from caminantes.registry.imports.columns import (
    DOCUMENT_TYPES,
    HOUSEHOLD_COLUMNS,
    LEGAL_BASES,
    MAX_LENGTH,
    POPULATION_TYPES,
    RELATIONSHIPS,
    SEXES,
    BadValue,
    ChoiceWords,
    Lookups,
    birth_date_from_age,
    cell_text,
    choice,
    parse_age,
    parse_date,
    parse_yes_no,
    repair_mojibake,
)
from caminantes.registry.inputs import (
    ConsentInput,
    DocumentInput,
    PersonInput,
    formula_refusal,
)
from caminantes.registry.models import Consent, ImportRow, Person, Relationship

MAX_MEMBERS = 30  # as many as the registration form takes
_PHONE_LIKE = re.compile(r"^\+[\d\s().\-]{6,}$")


@dataclass
class Staged:
    """One parsed row: what goes into ImportRow.data, and what was wrong with it."""

    data: dict[str, Any]
    errors: list[dict[str, str]]


def error(column: str, message: str) -> dict[str, str]:
    return {"column": column, "message": str(message)}


def stage_row(
    raw: dict[str, Any],
    lk: Lookups,
    today: date,
    *,
    header_names: Mapping[str, str] | None = None,
) -> Staged:
    """Read one row's cells into plain values. Numbers are encrypted here, as at rest.

    `header_names`: our column -> the file's header, for messages that name a column."""
    header_names = header_names or {}
    errors: list[dict[str, str]] = []
    cells: dict[str, str] = {}
    for column, value in raw.items():
        text = cell_text(value)
        problem = formula_refusal(text) if isinstance(value, str) else None
        if problem is not None:
            if not (column in {"phone", "whatsapp"} and _PHONE_LIKE.match(text)):
                errors.append(error(column, problem))
                continue
        text = text.strip()
        if (fixed := repair_mojibake(text)) is not None:
            errors.append(
                error(
                    column,
                    _(
                        "Broken accents (mojibake) in “%(v)s”; it probably reads “%(fixed)s”. "
                        "Save the file again as UTF-8 from the program that made it."
                    )
                    % {"v": text[:60], "fixed": fixed[:60]},
                )
            )
            continue
        if len(text) > MAX_LENGTH.get(column, 200):
            errors.append(
                error(
                    column,
                    _("Too long: at most %(n)d characters.") % {"n": MAX_LENGTH.get(column, 200)},
                )
            )
            continue
        cells[column] = text

    data: dict[str, Any] = {
        name: cells.get(name, "")
        for name in ("household_id", "given_names", "first_surname", "second_surname",
                     "preferred_name", "guardian_name", "address")
    }  # fmt: skip
    _join_names(data, cells, errors)

    def read(column: str, parse: Any) -> Any:
        value = cells.get(column, "")
        if not value:
            return None
        try:
            return parse(value)
        except BadValue as exc:
            errors.append(error(column, str(exc)))
            return None
        except InvalidPhone:
            errors.append(error(column, _("This phone number is not valid.")))
            return None

    def pick(column: str, mapping: ChoiceWords) -> Any:
        return read(column, lambda v: choice(v, mapping, header_names.get(column, column)))

    data["relationship"] = pick("relationship", RELATIONSHIPS)
    data["sex"] = pick("sex", SEXES)
    birth = read("birth_date", parse_date)
    data["birth_date_estimated"] = bool(read("birth_date_estimated", parse_yes_no))
    age = read("age", parse_age)
    if age is not None and birth is None and "birth_date" not in {e["column"] for e in errors}:
        birth = birth_date_from_age(age, today)
        data["birth_date_estimated"] = True
    elif age is not None and birth is not None and abs(services.age_on(birth, today) - age) > 1:
        errors.append(
            error(
                "age",
                _("The age (%(age)d) does not match the date of birth (%(date)s).")
                % {"age": age, "date": birth.isoformat()},
            )
        )
    data["birth_date"] = birth.isoformat() if birth else None
    data["nationalities"] = read("nationality", lk.nationalities) or []
    data["population_type"] = pick("population_type", POPULATION_TYPES)
    data["admin1"] = read("admin1", lk.area)
    arrival = read("arrival_date", parse_date)
    if arrival and arrival > today:
        errors.append(error("arrival_date", _("The arrival date is in the future.")))
    if arrival and birth and arrival < birth:
        errors.append(error("arrival_date", _("The arrival date is before the date of birth.")))
    data["arrival_date"] = arrival.isoformat() if arrival else None
    consent = {
        "registration": read("consent_registration", parse_yes_no),
        "family_tracing": bool(read("consent_family_tracing", parse_yes_no)),
        "messaging": bool(read("consent_messaging", parse_yes_no)),
        "legal_basis": pick("legal_basis", LEGAL_BASES) or Consent.LegalBasis.CONSENT,
    }
    data["consent"] = consent

    doc_type = pick("document_type", DOCUMENT_TYPES)
    number = cells.get("document_number", "")
    data["document"] = None
    if number and not doc_type and "document_type" not in {e["column"] for e in errors}:
        errors.append(error("document_type", _("Give the type of the document.")))
    elif doc_type and not number and "document_number" not in {e["column"] for e in errors}:
        errors.append(
            error("document_number", _("Write the document number or leave the type empty."))
        )
    elif doc_type and number:
        # The services' own encryption: the same ciphertext, keyed hash and last digits.
        fields = services.document_fields(DocumentInput(type=doc_type, number=number))
        data["document"] = {"type": doc_type, **fields}

    data["phone"] = None
    data["whatsapp_phone"] = None
    e164 = read("phone", lambda v: to_e164(v, lk.country.iso2))
    whatsapp_cell = cells.get("whatsapp", "")
    whatsapp = False
    if whatsapp_cell and any(ch.isdigit() for ch in whatsapp_cell) and len(whatsapp_cell) > 3:
        other = read("whatsapp", lambda v: to_e164(v, lk.country.iso2))
        if other and other == e164:
            whatsapp = True
        elif other:
            data["whatsapp_phone"] = services.phone_number_fields(other)
    else:
        whatsapp = bool(read("whatsapp", parse_yes_no))
    if e164:
        data["phone"] = {**services.phone_number_fields(e164), "whatsapp": whatsapp}
    return Staged(data=data, errors=errors)


def _join_names(data: dict[str, Any], cells: dict[str, str], errors: list[dict[str, str]]) -> None:
    """Given names kept in two columns are one; 'Apellidos' holding both surnames is split
    when it is two words ('Pérez González'), kept whole as the first surname otherwise
    ('De la Cruz Martínez'), and only when the file has no separate surname columns."""
    if middle := cells.get("middle_names", ""):
        data["given_names"] = " ".join(p for p in (data["given_names"], middle) if p)
        if len(data["given_names"]) > MAX_LENGTH["given_names"]:
            errors.append(
                error(
                    "middle_names",
                    _("Too long: at most %(n)d characters.") % {"n": MAX_LENGTH["given_names"]},
                )
            )
    both = cells.get("surnames", "")
    if both and not data["first_surname"] and not data["second_surname"]:
        words = both.split()
        if len(words) == 2 and not any(w.lower() in names.PARTICLES for w in words):
            data["first_surname"], data["second_surname"] = words
        elif len(both) > MAX_LENGTH["first_surname"]:
            errors.append(
                error(
                    "surnames",
                    _("Too long: at most %(n)d characters.") % {"n": MAX_LENGTH["first_surname"]},
                )
            )
        else:
            data["first_surname"] = both


def person_input(data: dict[str, Any], *, language: str, guardian: str = "") -> PersonInput:
    """The staged row as the registry's input, so `validate_person` judges it."""
    consent = data.get("consent") or {}
    purposes: list[str] = [Consent.Purpose.REGISTRATION] if consent.get("registration") else []
    if consent.get("family_tracing"):
        purposes.append(Consent.Purpose.FAMILY_TRACING)
    if consent.get("messaging"):
        purposes.append(Consent.Purpose.MESSAGING)
    guardian_name = data.get("guardian_name") or guardian
    doc = data.get("document")
    return PersonInput(
        given_names=data.get("given_names", ""),
        first_surname=data.get("first_surname", ""),
        second_surname=data.get("second_surname", ""),
        preferred_name=data.get("preferred_name", ""),
        sex=data.get("sex") or "",
        relationship=data.get("relationship") or "",
        birth_date=date.fromisoformat(data["birth_date"]) if data.get("birth_date") else None,
        birth_date_estimated=bool(data.get("birth_date_estimated")),
        nationalities=list(data.get("nationalities") or []),
        documents=(
            [DocumentInput(type=doc["type"], number=crypto.decrypt(doc["number_encrypted"]))]
            if doc
            else []
        ),
        consent=ConsentInput(
            purposes=purposes,
            legal_basis=consent.get("legal_basis") or Consent.LegalBasis.CONSENT,
            given_by=Consent.GivenBy.GUARDIAN if guardian_name else Consent.GivenBy.PERSON,
            guardian_name=guardian_name,
            language=language,
        ),
    )


# validate_person's keys -> the file's columns
_ERROR_COLUMNS = {
    "documents-0-type": "document_type",
    "documents-0-number": "document_number",
    "documents-0-expires_on": "document_number",
    "consent": "consent_registration",
}


@dataclass
class HouseholdCheck:
    fields: dict[str, Any]  # population_type, admin1 (area id), address, arrival_date
    people: list[PersonInput]
    errors: dict[int, list[dict[str, str]]]  # row number -> new errors


def check_household(
    key: str,
    rows: list[ImportRow],
    *,
    language: str,
    today: date,
    name_of: Callable[[str], str] = str,
) -> HouseholdCheck:
    """Household-level rules, then each member through `services.validate_person`.

    `name_of` gives a column's name as the file has it, for the messages."""
    errors: dict[int, list[dict[str, str]]] = {r.row_number: [] for r in rows}
    focal = [r for r in rows if r.data.get("relationship") == Relationship.FOCAL_POINT]
    first = rows[0].row_number
    if len(rows) > MAX_MEMBERS:
        errors[first].append(
            error(
                "household_id",
                _(
                    "Household %(h)s has %(n)d members: more than %(max)d looks like a wrong "
                    "household_id."
                )
                % {"h": key, "n": len(rows), "max": MAX_MEMBERS},
            )
        )
    if not focal:
        errors[first].append(
            error(
                "relationship",
                _(
                    "Household %(h)s has no focal point: mark its head with the relationship "
                    "“%(focal)s”."
                )
                % {"h": key, "focal": Relationship.FOCAL_POINT.label},
            )
        )
    elif len(focal) > 1:
        for r in focal[1:]:
            errors[r.row_number].append(
                error(
                    "relationship",
                    _(
                        "Household %(h)s already has its focal point on row %(row)d: there must be "
                        "exactly one."
                    )
                    % {"h": key, "row": focal[0].row_number},
                )
            )
    head = focal[0] if focal else rows[0]
    fields: dict[str, Any] = {}
    for column in HOUSEHOLD_COLUMNS:
        source = next((r for r in [head, *rows] if r.data.get(column)), None)
        fields[column] = source.data[column] if source else None
        for r in rows:
            value = r.data.get(column)
            if source is not None and value and value != fields[column]:
                errors[r.row_number].append(
                    error(
                        column,
                        _(
                            "Rows of household %(h)s disagree on %(column)s: row %(row)d says "
                            "otherwise."
                        )
                        % {"h": key, "column": name_of(column), "row": source.row_number},
                    )
                )
    if not fields["population_type"]:
        errors[head.row_number].append(
            error("population_type", _("Household %(h)s has no population type.") % {"h": key})
        )

    # A child's consent is given by a parent or guardian: by default the adult focal point.
    head_birth = head.data.get("birth_date")
    head_age = services.age_on(date.fromisoformat(head_birth), today) if head_birth else None
    guardian = ""
    if focal and head_age is not None and head_age >= services.ADULT_AGE:
        guardian = names.full_name(
            head.data.get("given_names", ""),
            head.data.get("first_surname", ""),
            head.data.get("second_surname", ""),
        )
    people = []
    for r in rows:
        birth = r.data.get("birth_date")
        age = services.age_on(date.fromisoformat(birth), today) if birth else None
        minor = age is not None and age < services.ADULT_AGE and r is not head
        p = person_input(r.data, language=language, guardian=guardian if minor else "")
        people.append(p)
        seen = {e["column"] for e in r.errors} | {e["column"] for e in errors[r.row_number]}
        for name, messages in services.validate_person(p, "", today).items():
            column = _ERROR_COLUMNS.get(name, name)
            if column in seen:  # the cell was already reported as unreadable
                continue
            errors[r.row_number] += [error(column, m) for m in messages]
    return HouseholdCheck(fields=fields, people=people, errors=errors)


def registry_duplicates(
    people: list[tuple[ImportRow, PersonInput]], visible: QuerySet[Person]
) -> dict[int, list[dict[str, Any]]]:
    """Possible duplicates in the registry, per row number: the duplicate hook asked about
    the whole chunk at once (`duplicates.find_candidates_bulk`), each finder answering in
    bulk (one key look-up for the chunk, not one per row)."""
    if not people:
        return {}
    results: dict[int, list[Any]] = {}
    answers = duplicates.find_candidates_bulk([p.as_candidate() for _r, p in people], visible)
    for (row, _p), found_candidates in zip(people, answers, strict=True):
        if found_candidates:
            results[row.row_number] = found_candidates
    matched = {c.person_id for found in results.values() for c in found}
    where = {
        pk: (str(person_uuid), str(household_uuid))
        for pk, person_uuid, household_uuid in Person.objects.filter(pk__in=matched).values_list(
            "pk", "uuid", "household__uuid"
        )
    }
    return {
        number: [
            {
                "kind": "registry",
                "person": where[c.person_id][0],
                "household": where[c.person_id][1],
                "score": c.score,
                "reasons": list(c.reasons),
            }
            for c in found
            if c.person_id in where
        ]
        for number, found in results.items()
    }


def same_person_twice(
    staged: Staged,
    key: str,
    number: int,
    seen_documents: dict[str, tuple[int, str]],
    seen_people: dict[tuple[str, str], tuple[int, str]],
) -> list[dict[str, Any]]:
    """Inside the batch: the same document, or the same name and date of birth, twice."""
    data = staged.data
    found: list[dict[str, Any]] = []
    doc = data.get("document")
    if doc:
        earlier = seen_documents.setdefault(doc["number_hash"], (number, key))
        if earlier[0] != number:
            found.append({"kind": "batch", "row": earlier[0], "reason": "document"})
            if earlier[1] == key:
                message = _(
                    "Same document number as row %(row)d of the same household: is this person "
                    "listed twice?"
                )
            else:
                message = _(
                    "Same document number as row %(row)d, in household %(h)s: one person cannot be "
                    "in two households."
                )
            staged.errors.append(
                error("document_number", message % {"row": earlier[0], "h": earlier[1]})
            )
    full = names.fold(
        names.full_name(data["given_names"], data["first_surname"], data["second_surname"])
    )
    if full and data.get("birth_date") and not found:
        earlier = seen_people.setdefault((full, data["birth_date"]), (number, key))
        if earlier[0] != number:
            found.append({"kind": "batch", "row": earlier[0], "reason": "name_birth_date"})
            if earlier[1] == key:
                message = _(
                    "Same name and date of birth as row %(row)d of the same household: is this "
                    "person listed twice?"
                )
            else:
                message = _(
                    "Same name and date of birth as row %(row)d, in household %(h)s: one person "
                    "cannot be in two households."
                )
            staged.errors.append(
                error("given_names", message % {"row": earlier[0], "h": earlier[1]})
            )
    return found  # fmt: skip
