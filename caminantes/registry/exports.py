"""Personal data leaving the registry: list exports (CSV, XLSX) and a copy of everything
held about one person (JSON, or a page in their language).

Both go through the access policy and leave an audit event with the row count, never the
data. Every text cell a spreadsheet would read as a formula is neutralised.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import IO, Any

from cryptography.fernet import InvalidToken
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, Model, Prefetch, Q, QuerySet
from django.utils import formats, timezone, translation
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

from caminantes.accounts import policies
from caminantes.accounts.models import Organization
from caminantes.accounts.permissions import Perm
from caminantes.audit import actions
from caminantes.audit.log import log
from caminantes.audit.models import Outcome
from caminantes.geo.models import AdminArea, Country
from caminantes.lib import crypto
from caminantes.lib.safecsv import csv_rows, neutralise
from caminantes.registry import timeline
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

HOUSEHOLDS = "households"
PEOPLE = "people"
CSV = "csv"
XLSX = "xlsx"
KINDS = (HOUSEHOLDS, PEOPLE)
FORMATS = (CSV, XLSX)


def _number(token: str) -> str:
    try:
        return crypto.decrypt(token)
    except InvalidToken:
        return _("(unreadable)")


def _label(choices: Any, value: Any) -> str:
    try:
        return str(choices(value).label)
    except ValueError:
        return str(value or "")


# --------------------------------------------------------------------------------------
# List exports


@dataclass(frozen=True)
class ExportFilters:
    organization: Organization | None = None
    country: Country | None = None
    area: AdminArea | None = None
    population_type: str = ""
    registered_from: date | None = None
    registered_to: date | None = None

    def apply(self, qs: QuerySet[Any], prefix: str = "") -> QuerySet[Any]:
        if self.organization is not None:
            qs = qs.filter(**{f"{prefix}organization": self.organization})
        if self.country is not None:
            qs = qs.filter(**{f"{prefix}country": self.country})
        if self.area is not None:
            qs = qs.filter(
                Q(**{f"{prefix}admin_area": self.area}) | Q(**{f"{prefix}current_area": self.area})
            )
        if self.population_type:
            qs = qs.filter(**{f"{prefix}population_type": self.population_type})
        if self.registered_from is not None:
            qs = qs.filter(**{f"{prefix}registered_on__gte": self.registered_from})
        if self.registered_to is not None:
            qs = qs.filter(**{f"{prefix}registered_on__lte": self.registered_to})
        return qs

    def describe(self) -> dict[str, Any]:
        """The filters for the audit trail: codes and dates, nothing about a person."""
        return {
            "org": self.organization.acronym if self.organization else "",
            "country": self.country.iso2 if self.country else "",
            "area": (self.area.iso_code or self.area.pcode) if self.area else "",
            "population_type": self.population_type,
            "registered_from": self.registered_from.isoformat() if self.registered_from else "",
            "registered_to": self.registered_to.isoformat() if self.registered_to else "",
        }


@dataclass
class Export:
    kind: str
    file_format: str
    header: list[str]
    rows: Iterator[list[Any]]
    count: int
    filename: str


def exportable_households(*, user: Any, filters: ExportFilters) -> QuerySet[Household]:
    qs = policies.visible(user, Household, Perm.EXPORT_PERSONAL_DATA)
    return filters.apply(qs.filter(anonymised_at__isnull=True))


def exportable_people(*, user: Any, filters: ExportFilters) -> QuerySet[Person]:
    qs = policies.visible(user, Person, Perm.EXPORT_PERSONAL_DATA).filter(
        anonymised_at__isnull=True, household__anonymised_at__isnull=True
    )
    return filters.apply(qs, "household__")


def registry_export(*, user: Any, kind: str, file_format: str, filters: ExportFilters) -> Export:
    """Start an export: check, count, audit; the rows are produced as they are written."""
    if not policies.has_perm(user, Perm.EXPORT_PERSONAL_DATA):
        log(
            user,
            actions.ACCESS_DENIED,
            Household,
            Outcome.DENIED,
            permission=Perm.EXPORT_PERSONAL_DATA.value,
        )
        raise PermissionDenied(_("Your roles do not allow this here."))
    if kind not in KINDS or file_format not in FORMATS:
        raise ValidationError(_("Choose what to export and in which format."))
    qs: QuerySet[Any] = (
        exportable_households(user=user, filters=filters)
        if kind == HOUSEHOLDS
        else exportable_people(user=user, filters=filters)
    )
    # A snapshot: rows registered while the file is being written are left for the next one.
    last = qs.order_by("-pk").values_list("pk", flat=True).first() or 0
    qs = qs.filter(pk__lte=last)
    count = qs.count()
    model: type[Model] = Household if kind == HOUSEHOLDS else Person
    log(user, actions.EXPORT, model, rows=count, file_format=file_format, **filters.describe())
    header, rows = _household_rows(qs) if kind == HOUSEHOLDS else _people_rows(qs)
    stamp = timezone.localdate().isoformat()
    return Export(kind, file_format, header, rows, count, f"{kind}-{stamp}.{file_format}")


def _code(obj: Country | AdminArea | None) -> str:
    if obj is None:
        return ""
    return obj.iso2 if isinstance(obj, Country) else (obj.iso_code or obj.pcode)


def _phones(phones: Iterable[Phone]) -> str:
    return "; ".join(
        _number(p.number_encrypted) + (" (WhatsApp)" if p.whatsapp else "")
        for p in phones
        if p.number_encrypted
    )


def _household_rows(qs: QuerySet[Household]) -> tuple[list[str], Iterator[list[Any]]]:
    header = [
        _("Household"),
        _("Household id"),
        _("Organisation"),
        _("Country"),
        _("Area of registration"),
        _("Current area"),
        _("Population type"),
        _("Status"),
        _("Registered on"),
        _("Arrival in the country"),
        _("Intended destination country"),
        _("Intended destination area"),
        _("Address"),
        _("Members"),
        _("Phones"),
        _("Last activity"),
    ]
    qs = (
        qs.select_related(
            "organization",
            "country",
            "admin_area",
            "current_area",
            "destination_country",
            "destination_area",
        )
        .annotate(people=Count("members", filter=Q(members__anonymised_at__isnull=True)))
        .prefetch_related(Prefetch("phones", queryset=Phone.objects.order_by("id")))
        .order_by("pk")
    )

    def rows() -> Iterator[list[Any]]:
        for h in qs.iterator(chunk_size=1000):
            yield [
                h.code,
                str(h.uuid),
                h.organization.acronym,
                _code(h.country),
                _code(h.admin_area),
                _code(h.current_area),
                _label(PopulationType, h.population_type),
                _label(Household.Status, h.status),
                h.registered_on,
                h.arrival_date,
                _code(h.destination_country),
                _code(h.destination_area),
                h.address,
                h.people,
                _phones(h.phones.all()),
                timezone.localtime(h.last_activity_at).date(),
            ]

    return header, rows()


def _people_rows(qs: QuerySet[Person]) -> tuple[list[str], Iterator[list[Any]]]:
    header = [
        _("Person id"),
        _("Household"),
        _("Household id"),
        _("Relationship"),
        _("Given names"),
        _("First surname"),
        _("Second surname"),
        _("Preferred name"),
        _("Sex"),
        _("Date of birth"),
        _("Date of birth estimated"),
        _("Age"),
        _("Nationalities"),
        _("Country of birth"),
        _("Documents"),
        _("Phone"),
        _("Disability"),
        _("Specific needs"),
        _("Population type"),
        _("Country"),
        _("Area of registration"),
        _("Registered on"),
    ]
    qs = (
        qs.select_related(
            "household", "household__country", "household__admin_area", "birth_country"
        )
        .prefetch_related(
            "nationalities",
            Prefetch("documents", queryset=Document.objects.order_by("id")),
            Prefetch("phones", queryset=Phone.objects.order_by("id")),
        )
        .order_by("pk")
    )
    yes, no = _("Yes"), _("No")

    def rows() -> Iterator[list[Any]]:
        for p in qs.iterator(chunk_size=1000):
            h = p.household
            yield [
                str(p.uuid),
                h.code,
                str(h.uuid),
                _label(Relationship, p.relationship),
                p.given_names,
                p.first_surname,
                p.second_surname,
                p.preferred_name,
                _label(Sex, p.sex),
                p.birth_date,
                yes if p.birth_date_estimated else no,
                p.age,
                ", ".join(sorted(c.iso2 for c in p.nationalities.all())),
                _code(p.birth_country),
                "; ".join(
                    f"{d.get_type_display()}: {_number(d.number_encrypted)}"
                    for d in p.documents.all()
                    if d.number_encrypted
                ),
                _phones(p.phones.all()),
                yes if p.has_disability else no,
                ", ".join(_label(SpecificNeed, n) for n in p.specific_needs),
                _label(PopulationType, h.population_type),
                _code(h.country),
                _code(h.admin_area),
                h.registered_on,
            ]

    return header, rows()


def csv_stream(export: Export) -> Iterator[str]:
    return csv_rows(export.header, export.rows)


def _xlsx_value(sheet: Any, value: Any) -> Any:
    """Numbers and dates as themselves; text always as a text cell, never a formula.

    A cell a spreadsheet could read as a formula ("=…", "+57…", "-", "@") is written as a
    text cell with Excel's quote-prefix flag: it shows as typed ("+573001234567", with no
    apostrophe) and stays text even when someone edits it."""
    if value is None or isinstance(value, int | float | date | datetime):
        return value
    text = ILLEGAL_CHARACTERS_RE.sub("", str(value))
    cell = WriteOnlyCell(sheet, value=text)
    cell.data_type = "s"
    if neutralise(text) != text:
        cell.quotePrefix = True
    return cell


def write_xlsx(export: Export, fh: IO[bytes]) -> None:
    """Write-only workbook: rows go to disk as they come, memory stays flat."""
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title=export.kind)
    sheet.append([_xlsx_value(sheet, h) for h in export.header])
    for row in export.rows:
        sheet.append([_xlsx_value(sheet, v) for v in row])
    workbook.save(fh)


# --------------------------------------------------------------------------------------
# Everything held about one person


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
    return (_code(obj), obj.name if obj is not None else "—")


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
        _fact(Person, "sex", person.sex, _label(Sex, person.sex)),
        _fact(Person, "birth_date", person.birth_date),
        _fact(Person, "birth_date_estimated", person.birth_date_estimated),
        _fact(
            Person, "relationship", person.relationship, _label(Relationship, person.relationship)
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
            ", ".join(_label(SpecificNeed, n) for n in person.specific_needs) or "—",
        ),
    ]
    for domain in WG_DOMAINS:
        answer = getattr(person, f"wg_{domain}")
        facts.append(
            _fact(Person, f"wg_{domain}", answer, _label(Difficulty, answer) if answer else "—")
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
            _label(PopulationType, h.population_type),
        ),
        _fact(Household, "arrival_date", h.arrival_date),
        _fact(Household, "status", h.status, _label(Household.Status, h.status)),
        _fact(Household, "registered_on", h.registered_on),
    ]
    phones = [p for p in h.phones.filter(person=None).order_by("id") if p.number_encrypted]
    facts.append(
        _fact(
            None,
            "phones",
            [_number(p.number_encrypted) for p in phones],
            _phones(phones) or "—",
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
                    _fact(None, "number", _number(d.number_encrypted), label=_("Number")),
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
                    _fact(None, "number", _number(p.number_encrypted), label=_("Number")),
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
    return _number(value) if change.encrypted and value else value


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
