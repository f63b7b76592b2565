"""A copy of everything held about one person (JSON, or a page in their language)."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Model
from django.utils import formats, timezone, translation
from django.utils.translation import gettext as _

from caminantes.accounts import policies
from caminantes.accounts.permissions import Perm
from caminantes.audit import actions
from caminantes.audit.log import log
from caminantes.audit.models import Outcome
from caminantes.geo.models import AdminArea, Country
from caminantes.registry import timeline
from caminantes.registry.exports.lists import choice_label, number_text, phones_text, place_code
from caminantes.registry.models import (
    WG_DOMAINS,
    Consent,
    DataRequest,
    Difficulty,
    Document,
    FieldChange,
    Household,
    NeedsAssessment,
    Person,
    Phone,
    PopulationType,
    Relationship,
    Sex,
    SpecificNeed,
)


@dataclass
class Fact:
    key: str
    label: str
    value: Any  # for JSON
    display: str  # for people


@dataclass
class Section:
    key: str
    title: str
    many: bool
    records: list[list[Fact]] = field(default_factory=list)


def _show(value: Any) -> str:
    if value is None or value == "":
        return "—"
    if isinstance(value, bool):
        return str(_("Yes") if value else _("No"))
    if isinstance(value, datetime):
        return formats.date_format(timezone.localtime(value), "DATETIME_FORMAT")
    if isinstance(value, date):
        return formats.date_format(value, "DATE_FORMAT")
    return str(value)


def _raw(value: Any) -> Any:
    if isinstance(value, datetime | date):
        return value.isoformat()
    return value


def _fact(
    model: type[Model] | None, key: str, value: Any, display: Any = None, label: Any = None
) -> Fact:
    if label is None and model is not None:
        label = getattr(model._meta.get_field(key), "verbose_name", key)
    return Fact(
        key, str(label).capitalize(), _raw(value), _show(value) if display is None else str(display)
    )


def _place(obj: Country | AdminArea | None) -> tuple[str, str]:
    """(code, name in the active language) for JSON and for people."""
    return (place_code(obj), obj.name if obj is not None else "—")


def _person_facts(person: Person) -> list[Fact]:
    nationalities = list(person.nationalities.all())
    birth_country = _place(person.birth_country)
    birth_area = _place(person.birth_area)
    facts = [
        _fact(None, "uuid", str(person.uuid), label=_("Person id")),
        _fact(Person, "given_names", person.given_names),
        _fact(Person, "first_surname", person.first_surname),
        _fact(Person, "second_surname", person.second_surname),
        _fact(Person, "preferred_name", person.preferred_name),
        _fact(Person, "sex", person.sex, choice_label(Sex, person.sex)),
        _fact(Person, "birth_date", person.birth_date),
        _fact(Person, "birth_date_estimated", person.birth_date_estimated),
        _fact(
            Person,
            "relationship",
            person.relationship,
            choice_label(Relationship, person.relationship),
        ),
        _fact(
            Person,
            "nationalities",
            [c.iso2 for c in nationalities],
            ", ".join(c.name for c in nationalities) or "—",
        ),
        _fact(Person, "birth_country", *birth_country),
        _fact(Person, "birth_area", *birth_area),
        _fact(Person, "languages", person.languages, ", ".join(person.languages) or "—"),
        _fact(
            Person,
            "specific_needs",
            person.specific_needs,
            ", ".join(choice_label(SpecificNeed, n) for n in person.specific_needs) or "—",
        ),
    ]
    for domain in WG_DOMAINS:
        answer = getattr(person, f"wg_{domain}")
        facts.append(
            _fact(
                Person, f"wg_{domain}", answer, choice_label(Difficulty, answer) if answer else "—"
            )
        )
    return facts


def _household_facts(h: Household) -> list[Fact]:
    facts = [_fact(None, "code", h.code, label=_("Household"))]
    facts.append(_fact(Household, "organization", h.organization.acronym, h.organization.name))
    for key in ("country", "admin_area", "current_area", "destination_country", "destination_area"):
        facts.append(_fact(Household, key, *_place(getattr(h, key))))
    facts += [
        _fact(Household, "address", h.address),
        _fact(
            Household,
            "population_type",
            h.population_type,
            choice_label(PopulationType, h.population_type),
        ),
        _fact(Household, "arrival_date", h.arrival_date),
        _fact(Household, "status", h.status, choice_label(Household.Status, h.status)),
        _fact(Household, "registered_on", h.registered_on),
    ]
    phones = [p for p in h.phones.filter(person=None).order_by("id") if p.number_encrypted]
    facts.append(
        _fact(
            None,
            "phones",
            [number_text(p.number_encrypted) for p in phones],
            phones_text(phones) or "—",
            label=_("Household phones"),
        )
    )
    return facts


def person_sections(*, user: Any, person: Person) -> list[Section]:
    """Everything held about the person, labelled in the active language."""
    h = person.household
    documents = list(person.documents.select_related("issuing_country").order_by("id"))
    phones = list(person.phones.order_by("id"))
    consents = list(person.consents.select_related("recipient").order_by("given_on", "id"))
    sections = [
        Section("person", _("Personal details"), False, [_person_facts(person)]),
        Section("household", _("Household"), False, [_household_facts(h)]),
        Section(
            "documents",
            _("Documents"),
            True,
            [
                [
                    _fact(Document, "type", d.type, d.get_type_display()),
                    _fact(None, "number", number_text(d.number_encrypted), label=_("Number")),
                    _fact(Document, "issuing_country", *_place(d.issuing_country)),
                    _fact(Document, "issued_on", d.issued_on),
                    _fact(Document, "expires_on", d.expires_on),
                    _fact(Document, "status", d.status, d.get_status_display()),
                ]
                for d in documents
            ],
        ),
        Section(
            "phones",
            _("Phones"),
            True,
            [
                [
                    _fact(None, "number", number_text(p.number_encrypted), label=_("Number")),
                    _fact(Phone, "whatsapp", p.whatsapp),
                ]
                for p in phones
                if p.number_encrypted
            ],
        ),
        Section(
            "consents",
            _("Consents"),
            True,
            [
                [
                    _fact(Consent, "purpose", c.purpose, c.get_purpose_display()),
                    _fact(
                        Consent,
                        "recipient",
                        c.recipient.acronym if c.recipient else "",
                        c.recipient.name if c.recipient else "—",
                    ),
                    _fact(Consent, "legal_basis", c.legal_basis, c.get_legal_basis_display()),
                    _fact(Consent, "given_by", c.given_by, c.get_given_by_display()),
                    _fact(Consent, "guardian_name", c.guardian_name),
                    _fact(Consent, "child_assent", c.child_assent),
                    _fact(Consent, "language", c.language),
                    _fact(Consent, "given_on", c.given_on),
                    _fact(Consent, "withdrawn_on", c.withdrawn_on),
                ]
                for c in consents
            ],
        ),
    ]
    assessments = policies.visible(user, NeedsAssessment).filter(household=h)
    sections.append(
        Section(
            "needs",
            _("Needs assessments"),
            True,
            [
                [
                    _fact(NeedsAssessment, "assessed_on", a.assessed_on),
                    _fact(
                        NeedsAssessment,
                        "severities",
                        a.severities,
                        "; ".join(f"{s}: {v}" for s, v in a.rows()) or "—",
                    ),
                ]
                for a in assessments.order_by("assessed_on", "id")
            ],
        )
    )
    own = {person.uuid, h.uuid, *(d.uuid for d in documents), *(p.uuid for p in phones)}
    changes = policies.visible(user, FieldChange).filter(household=h, object_uuid__in=own)
    sections.append(
        Section(
            "history",
            _("History of changes"),
            True,
            [
                [
                    _fact(FieldChange, "changed_at", c.changed_at, label=_("When")),
                    _fact(None, "field", f"{c.object_type}.{c.field}", label=_("Field")),
                    _fact(
                        FieldChange, "old_value", _history_value(c, c.old_value), label=_("Before")
                    ),
                    _fact(
                        FieldChange, "new_value", _history_value(c, c.new_value), label=_("After")
                    ),
                    _fact(FieldChange, "reason", c.reason),
                ]
                for c in changes.order_by("changed_at", "id")
            ],
        )
    )
    # Entries about the other members (their documents, consents …) are theirs, not this
    # person's: left out. Entries about the family as a whole are in.
    others = _others_uuids(person)
    entries = [e for e in timeline.for_household(user, h) if e.ref_uuid not in others]
    sections.append(
        Section(
            "timeline",
            _("What happened"),
            True,
            [
                [
                    _fact(None, "occurred_at", e.occurred_at, label=_("When")),
                    _fact(None, "kind", e.kind, label=_("Kind")),
                    _fact(None, "summary", e.text, label=_("Summary")),
                ]
                for e in sorted(entries, key=lambda e: (e.occurred_at, e.pk))
            ],
        )
    )
    requests = DataRequest.objects.filter(person_uuid=person.uuid, organization=h.organization)
    sections.append(
        Section(
            "requests",
            _("Your requests about your data"),
            True,
            [
                [
                    _fact(DataRequest, "kind", r.kind, r.get_kind_display()),
                    _fact(DataRequest, "received_on", r.received_on),
                    _fact(DataRequest, "status", r.status, r.get_status_display()),
                    _fact(DataRequest, "completed_at", r.completed_at),
                ]
                for r in requests.order_by("received_on", "id")
            ],
        )
    )
    return sections


def _history_value(change: FieldChange, value: str) -> str:
    return number_text(value) if change.encrypted and value else value


def _others_uuids(person: Person) -> set[Any]:
    others = set(
        Person.objects.filter(household=person.household_id)
        .exclude(pk=person.pk)
        .values_list("uuid", flat=True)
    )
    for model in (Document, Consent):
        others |= set(
            model._default_manager.filter(person__uuid__in=others).values_list("uuid", flat=True)
        )
    others |= set(Phone.objects.filter(person__uuid__in=others).values_list("uuid", flat=True))
    return others


def person_data_export(
    *, user: Any, person: Person, language: str, file_format: str
) -> list[Section]:
    """A copy of everything held about the person (their right of access), audited."""
    household = person.household
    if not policies.has_perm(
        user,
        Perm.HANDLE_DATA_REQUESTS,
        organization_id=household.organization_id,
        country_id=household.country_id,
    ):
        log(
            user,
            actions.ACCESS_DENIED,
            person,
            Outcome.DENIED,
            permission=Perm.HANDLE_DATA_REQUESTS.value,
        )
        raise PermissionDenied(_("Your roles do not allow this here."))
    if person.anonymised_at is not None:
        raise ValidationError(_("This person's data has already been erased."))
    with translation.override(language):
        sections = person_sections(user=user, person=person)
    log(user, actions.EXPORT, person, file_format=file_format, language=language)
    return sections


def sections_as_dict(sections: list[Section]) -> dict[str, Any]:
    data: dict[str, Any] = {"generated_at": timezone.now().isoformat()}
    for s in sections:
        records = [{f.key: f.value for f in record} for record in s.records]
        data[s.key] = records if s.many else (records[0] if records else {})
    return data


def sections_as_json(sections: list[Section]) -> str:
    return json.dumps(sections_as_dict(sections), ensure_ascii=False, indent=2, default=str)
