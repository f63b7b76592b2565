"""One aggregate report as shown: the form that picks it, and its labelled, suppressed tables.

The page, the CSV and XLSX files and the API all come from `build`, so they carry the same
suppressed cells. A report covers one calendar year (see ReportForm).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django import forms
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from caminantes.accounts.models import Organization
from caminantes.geo.models import AdminArea, Country
from caminantes.lib.suppression import COMPLEMENT, PRIMARY, TOTAL, PublishedTable
from caminantes.protection import choices
from caminantes.protection.reports import build as tables
from caminantes.protection.reports import selectors
from caminantes.protection.reports.selectors import ReportScope


def legend() -> list[tuple[str, str]]:
    return [
        (PRIMARY, _("between 1 and 4 (hidden: too few to show)")),
        (COMPLEMENT, _("hidden so that no other hidden number can be worked out from the totals")),
        ("0", _("none")),
    ]


YEARS_BACK = 10


class ReportForm(forms.Form):
    """Kind, country and a calendar year: the running year up to this month. Only whole
    years, so that no two reports overlap: with free periods, January-March minus
    January-February would give March's counts by area, which March alone hides."""

    kind = forms.ChoiceField(label=gettext_lazy("Cases"))
    country = forms.ChoiceField(label=gettext_lazy("Country"))
    year = forms.TypedChoiceField(label=gettext_lazy("Year"), coerce=int)

    def __init__(self, data: Any, *, scopes: list[ReportScope]) -> None:
        """Always bound: what is not asked for defaults to the first kind and country and
        the running year, so the first visit shows a report."""
        today = timezone.localdate()
        self.scopes = scopes
        kinds = [k for k in choices.Kind if any(s.kind == k for s in scopes)]
        countries = list(
            Country.objects.filter(pk__in={s.country_id for s in scopes}).order_by("iso2")
        )
        defaults = {
            "kind": kinds[0].value if kinds else "",
            "country": countries[0].iso2 if countries else "",
            "year": str(today.year),
        }
        asked = {k: v for k, v in (data.items() if data else []) if k in defaults and v}
        super().__init__({**defaults, **asked})
        kind_field, country_field = self.fields["kind"], self.fields["country"]
        year_field = self.fields["year"]
        assert isinstance(kind_field, forms.ChoiceField)
        assert isinstance(country_field, forms.ChoiceField)
        assert isinstance(year_field, forms.ChoiceField)
        kind_field.choices = [(k.value, k.label) for k in kinds]
        country_field.choices = [(c.iso2, c.name) for c in countries]
        year_field.choices = [
            (str(y), str(y)) for y in range(today.year, today.year - YEARS_BACK, -1)
        ]

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        year = cleaned.get("year")
        if year:
            today = timezone.localdate()
            cleaned["start"] = date(year, 1, 1)
            cleaned["end"] = today.replace(day=1) if year == today.year else date(year, 12, 1)
        country = Country.objects.filter(iso2=cleaned.get("country")).first()
        kind = cleaned.get("kind")
        if country is not None and kind:
            scope = next(
                (s for s in self.scopes if s.kind == kind and s.country_id == country.pk), None
            )
            if scope is None:
                self.add_error("country", _("You do not report on these cases in this country."))
            cleaned["scope"] = scope
        return cleaned


@dataclass
class ShownTable:
    name: str
    title: str
    unit: str
    corner: str  # what the rows are
    columns: list[str]  # labels; the last is "Total"
    rows: list[tuple[str, list[str]]]  # label, shown cells; the last row is the totals
    withheld: bool = False


@dataclass
class Report:
    kind: str
    organization: Organization
    country: Country
    start: date
    end: date
    tables: list[ShownTable] = field(default_factory=list)

    @property
    def kind_label(self) -> str:
        return str(choices.Kind(self.kind).label)


def audit_details(report: Report) -> dict[str, str]:
    """What an audit event says about a report: which one, never a figure of it."""
    return {"kind": report.kind, "country": report.country.iso2, "year": str(report.start.year)}


def month_label(code: str) -> str:
    year, month = (int(part) for part in code.split("-"))
    return formats.date_format(date(year, month, 1), "M Y")


def _labels(text_choices: Any) -> dict[str, str]:
    return {**{c.value: str(c.label) for c in text_choices}, tables.UNKNOWN: _("Not recorded")}


def _shown(
    table: PublishedTable, title: str, unit: str, corner: str, rows: dict[str, str],
    cols: dict[str, str] | None,
) -> ShownTable:  # fmt: skip
    total = _("Total")
    columns = [total] if cols is None else [*(cols[c] for c in table.cols.categories), total]  # type: ignore[union-attr]
    shown = []
    for code, cells in table.grid():
        shown.append((total if code == TOTAL else rows[code], cells))
    return ShownTable(table.name, title, unit, corner, columns, shown, table.withheld)


def build(*, scope: ReportScope, start: date, end: date) -> Report:
    """Read, bucket, suppress and label the report of one scope over whole months."""
    organization = Organization.objects.get(pk=scope.organization_id)
    country = Country.objects.get(pk=scope.country_id)
    months = tables.months_between(start, end)
    month_names = {m: month_label(m) for m in months}
    report = Report(scope.kind, organization, country, start, end)
    if scope.kind == choices.Kind.GBV:
        admin1 = sorted(
            AdminArea.objects.filter(country=country, parent__isnull=True), key=lambda a: a.name
        )
        areas = {str(a.uuid): a.name for a in admin1} | {tables.UNKNOWN: _("Not recorded")}
        types, ages = _labels(choices.IncidentType), _labels(choices.AgeGroup)
        sexes, services = _labels(choices.Sex), _labels(choices.ServiceType)
        dims = tables.GbvDimensions(
            months=months, incident_types=tuple(types), areas=tuple(areas),
            age_groups=tuple(choices.AgeGroup.values), sexes=tuple(choices.Sex.values),
            services=tuple(services),
        )  # fmt: skip
        records = selectors.gbv_records(scope, months, country)
        published = tables.gbv_tables(records.incidents, records.services, dims)
        incidents = _("Incidents")
        labels = [
            (_("Incidents by type and month"), incidents, _("Type"), types, month_names),
            (_("Incidents by department or state"), incidents, _("Area"), areas, None),
            (_("Incidents by age group and sex"), incidents, _("Age group"), ages, sexes),
            (_("Services received, by type"), _("Services"), _("Service"), services, None),
        ]
    else:
        kinds, statuses = _labels(choices.Exploitation), _labels(choices.TraffickingStatus)
        tdims = tables.TraffickingDimensions(
            months=months, exploitations=tuple(kinds), statuses=tuple(statuses)
        )
        published = tables.trafficking_tables(selectors.trafficking_records(scope, months), tdims)
        forms_ = _("Forms of exploitation (a case may have several)")
        labels = [
            (_("Exploitation by type and month identified"), forms_, _("Type"), kinds,
             month_names),
            (_("Exploitation by type and status"), forms_, _("Type"), kinds, statuses),
        ]  # fmt: skip
    for table, (title, unit, corner, rows, cols) in zip(published, labels, strict=True):
        report.tables.append(_shown(table, title, unit, corner, rows, cols))
    return report
