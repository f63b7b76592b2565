"""List exports of households and people (CSV, XLSX), through the access policy."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import date, datetime
from typing import IO, Any

from cryptography.fernet import InvalidToken
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, Model, Prefetch, Q, QuerySet
from django.utils import timezone
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
from caminantes.registry.models import (
    Document,
    Household,
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


def number_text(token: str) -> str:
    try:
        return crypto.decrypt(token)
    except InvalidToken:
        return _("(unreadable)")


def choice_label(choices: Any, value: Any) -> str:
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


def place_code(obj: Country | AdminArea | None) -> str:
    if obj is None:
        return ""
    return obj.iso2 if isinstance(obj, Country) else (obj.iso_code or obj.pcode)


def phones_text(phones: Iterable[Phone]) -> str:
    return "; ".join(
        number_text(p.number_encrypted) + (" (WhatsApp)" if p.whatsapp else "")
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
                place_code(h.country),
                place_code(h.admin_area),
                place_code(h.current_area),
                choice_label(PopulationType, h.population_type),
                choice_label(Household.Status, h.status),
                h.registered_on,
                h.arrival_date,
                place_code(h.destination_country),
                place_code(h.destination_area),
                h.address,
                h.people,
                phones_text(h.phones.all()),
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
                choice_label(Relationship, p.relationship),
                p.given_names,
                p.first_surname,
                p.second_surname,
                p.preferred_name,
                choice_label(Sex, p.sex),
                p.birth_date,
                yes if p.birth_date_estimated else no,
                p.age,
                ", ".join(sorted(c.iso2 for c in p.nationalities.all())),
                place_code(p.birth_country),
                "; ".join(
                    f"{d.get_type_display()}: {number_text(d.number_encrypted)}"
                    for d in p.documents.all()
                    if d.number_encrypted
                ),
                phones_text(p.phones.all()),
                yes if p.has_disability else no,
                ", ".join(choice_label(SpecificNeed, n) for n in p.specific_needs),
                choice_label(PopulationType, h.population_type),
                place_code(h.country),
                place_code(h.admin_area),
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
