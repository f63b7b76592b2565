"""The 5W forms: a month to open, one row (also the grid's line), an upload, the IMO's return
comment, the dashboard's filters and the reference lists. Forms only parse: the quality
rules are the engine's, run by `services.activities_add`."""

from __future__ import annotations

import re
from datetime import date
from typing import Any, cast

from django import forms
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from caminantes.coordination.fivew.engine import fields as F
from caminantes.coordination.fivew.models import (
    BREAKDOWN_FIELDS,
    Admin1,
    Indicator,
    IndicatorType,
    ReferenceItem,
    Report,
    Sector,
)
from caminantes.geo.models import Country

MONTH_RE = re.compile(r"^\s*(\d{4})-(\d{1,2})\s*$")
MAX_UPLOAD = 10 * 1024 * 1024


def parse_month(text: str) -> date:
    m = MONTH_RE.match(text or "")
    if not m or not 1 <= int(m.group(2)) <= 12:
        raise forms.ValidationError(_("Enter the month as YYYY-MM (for example 2025-03)."))
    return date(int(m.group(1)), int(m.group(2)), 1)


class MonthField(forms.CharField):
    widget = forms.TextInput(attrs={"type": "month", "placeholder": "AAAA-MM"})

    def clean(self, value: Any) -> date | None:
        text = super().clean(value)
        if not text:
            return None
        month = parse_month(text)
        if month > timezone.localdate().replace(day=1):
            raise forms.ValidationError(_("The month has not started yet."))
        return month


class OpenReportForm(forms.Form):
    country = forms.ModelChoiceField(Country.objects.none(), label=gettext_lazy("Country"))
    month = MonthField(label=gettext_lazy("Month"))

    def __init__(self, *args: Any, countries: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = cast(forms.ModelChoiceField, self.fields["country"])
        field.queryset = countries if countries is not None else Country.objects.none()


_INT: dict[str, Any] = {"required": False, "min_value": 0, "max_value": 10_000_000}


class ActivityForm(forms.Form):
    """One row of the report's country and month (the grid repeats it)."""

    admin1 = forms.ChoiceField(label=gettext_lazy("Admin-1"))
    admin2 = forms.CharField(label=gettext_lazy("Admin-2"), required=False, max_length=120)
    indicator = forms.ChoiceField(label=gettext_lazy("Indicator"))
    activity_name = forms.CharField(label=gettext_lazy("Activity"), required=False, max_length=300)
    activity_description = forms.CharField(
        label=gettext_lazy("Description"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    implementing_partner = forms.CharField(
        label=gettext_lazy("Implementing partner (if any)"), required=False, max_length=200
    )
    rmrp_activity = forms.BooleanField(
        label=gettext_lazy("RMRP activity"), required=False, initial=True
    )
    cva = forms.BooleanField(label=gettext_lazy("CVA"), required=False)
    value_usd = forms.DecimalField(
        label=gettext_lazy("Value (USD)"),
        required=False,
        min_value=0,
        max_digits=14,
        decimal_places=2,
    )
    delivery_mechanism = forms.ChoiceField(label=gettext_lazy("Delivery mechanism"), required=False)
    quantity_output = forms.IntegerField(label=gettext_lazy("Quantity of output"), **_INT)
    monthly_beneficiaries = forms.IntegerField(
        label=gettext_lazy("Total monthly beneficiaries"), **_INT
    )
    new_beneficiaries = forms.IntegerField(label=gettext_lazy("New beneficiaries"), **_INT)
    pop_in_destination = forms.IntegerField(label=gettext_lazy("In destination"), **_INT)
    pop_in_transit = forms.IntegerField(label=gettext_lazy("In transit"), **_INT)
    pop_host_community = forms.IntegerField(label=gettext_lazy("Host communities"), **_INT)
    pop_pendular = forms.IntegerField(label=gettext_lazy("Pendulars"), **_INT)
    pop_colombian_returnees = forms.IntegerField(label=gettext_lazy("Colombian returnees"), **_INT)
    women_under18 = forms.IntegerField(label=gettext_lazy("Women under 18"), **_INT)
    men_under18 = forms.IntegerField(label=gettext_lazy("Men under 18"), **_INT)
    other_under18 = forms.IntegerField(label=gettext_lazy("Other under 18"), **_INT)
    women_over18 = forms.IntegerField(label=gettext_lazy("Women 18 and over"), **_INT)
    men_over18 = forms.IntegerField(label=gettext_lazy("Men 18 and over"), **_INT)
    other_over18 = forms.IntegerField(label=gettext_lazy("Other 18 and over"), **_INT)

    def __init__(self, *args: Any, report: Report, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.report = report
        cast(forms.ChoiceField, self.fields["admin1"]).choices = [("", "—")] + [
            (a.name, a.name)
            for a in Admin1.objects.filter(country=report.country_id, is_active=True)
        ]
        cast(forms.ChoiceField, self.fields["indicator"]).choices = [("", "—")] + [
            (i.code, f"{i.sector} · {i.code} · {i.name[:90]}")
            for i in Indicator.objects.filter(year=report.month.year, is_active=True)
            .select_related("sector")
            .order_by("sector__name", "code")
        ]
        cast(forms.ChoiceField, self.fields["delivery_mechanism"]).choices = [("", "—")] + [
            (m.name, m.name)
            for m in ReferenceItem.objects.filter(kind=ReferenceItem.Kind.MECHANISM, is_active=True)
        ]

    KEY_FIELDS = (
        "admin1",
        "indicator",
        "activity_name",
        "monthly_beneficiaries",
        "new_beneficiaries",
    )

    def has_changed(self) -> bool:
        """A grid line counts as filled when one of its key cells is (a blank line whose
        RMRP box was left as it came is not a row)."""
        if self.prefix is None:
            return super().has_changed()
        return any(str(self.data.get(self.add_prefix(n), "")).strip() for n in self.KEY_FIELDS)

    def canonical(self) -> dict[str, Any]:
        """The row as the template holds it (the engine's canonical fields)."""
        d = self.cleaned_data
        report = self.report
        indicator = (
            Indicator.objects.select_related("sector__parent")
            .filter(year=report.month.year, code=d["indicator"])
            .first()
        )
        sector = indicator.sector if indicator else None
        partner = (d.get("implementing_partner") or "").strip()
        org = report.organization
        row: dict[str, Any] = {
            F.COUNTRY: report.country.name_en,
            F.ADMIN1: d["admin1"],
            F.ADMIN2: d.get("admin2", ""),
            F.APPEALING_ORG: org.acronym or org.name,
            F.IMPLEMENTATION_SETUP: bool(partner),
            F.IMPLEMENTING_PARTNER: partner,
            F.MONTH: f"{report.month:%Y-%m}",
            F.SECTOR: (sector.parent.name if sector.parent else sector.name) if sector else "",
            F.SUBSECTOR: sector.name if sector and sector.parent else "",
            F.INDICATOR: indicator.name if indicator else d["indicator"],
            F.ACTIVITY_NAME: d.get("activity_name", ""),
            F.ACTIVITY_DESCRIPTION: d.get("activity_description", ""),
            F.RMRP_ACTIVITY: bool(d.get("rmrp_activity")),
            F.CVA: bool(d.get("cva")),
            F.VALUE_USD: d.get("value_usd"),
            F.DELIVERY_MECHANISM: d.get("delivery_mechanism", ""),
            F.QUANTITY_OUTPUT: d.get("quantity_output"),
            F.MONTHLY_BENEFICIARIES: d.get("monthly_beneficiaries"),
            F.NEW_BENEFICIARIES: d.get("new_beneficiaries"),
        }
        for name in BREAKDOWN_FIELDS:
            row[name] = d.get(name)
        return row


GRID_ROWS = 8


class BaseGrid(forms.BaseFormSet):
    def get_form_kwargs(self, index: int | None) -> dict[str, Any]:
        return {"report": self.form_kwargs["report"]}

    def filled(self) -> list[ActivityForm]:
        return [f for f in self.forms if f.has_changed() and f.cleaned_data]


GRID_MAX = 50

# At most 50 rows, whatever the posted management form claims: Django's default ceiling is
# max_num + 1,000 forms, and a tampered count made the page re-render 1,050 rows of 25 inputs.
GridFormSet = forms.formset_factory(
    ActivityForm, formset=BaseGrid, extra=GRID_ROWS, max_num=GRID_MAX, validate_max=True,
    absolute_max=GRID_MAX,
)  # fmt: skip


class UploadForm(forms.Form):
    file = forms.FileField(label=gettext_lazy("5W workbook (.xlsx)"))

    def clean_file(self) -> Any:
        f = self.cleaned_data["file"]
        if f.size > MAX_UPLOAD:
            raise forms.ValidationError(_("The file is larger than 10 MB."))
        if not f.name.lower().endswith((".xlsx", ".xlsm")):
            raise forms.ValidationError(_("Upload an Excel workbook (.xlsx)."))
        return f


class ReturnForm(forms.Form):
    comment = forms.CharField(
        label=gettext_lazy("What should the partner correct?"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=4000,
    )


class DashboardForm(forms.Form):
    """Country, year or month range, sector. A reversed range or a future month is a clear
    error, never a 500."""

    country = forms.ModelChoiceField(
        Country.objects.none(),
        label=gettext_lazy("Country"),
        required=False,
        empty_label=gettext_lazy("All my countries"),
    )
    year = forms.IntegerField(
        label=gettext_lazy("Year"), required=False, min_value=2018, max_value=2100
    )
    start = MonthField(label=gettext_lazy("From month"), required=False)
    end = MonthField(label=gettext_lazy("To month"), required=False)
    sector = forms.ModelChoiceField(
        Sector.objects.filter(is_active=True),
        label=gettext_lazy("Sector"),
        required=False,
        empty_label=gettext_lazy("All sectors"),
    )

    def __init__(self, *args: Any, countries: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ModelChoiceField, self.fields["country"]).queryset = countries

    def clean(self) -> dict[str, Any]:
        d = super().clean() or {}
        year, start, end = d.get("year"), d.get("start"), d.get("end")
        if year and year > timezone.localdate().year:
            self.add_error("year", _("The year has not started yet."))
        if year and not start and not end:
            d["start"], d["end"] = date(year, 1, 1), date(year, 12, 1)
        elif year and (start or end):
            self.add_error("year", _("Choose a year or a range of months, not both."))
        if d.get("start") and d.get("end") and d["start"] > d["end"]:
            self.add_error("end", _("The range ends before it starts."))
        return d


class IndicatorForm(forms.Form):
    year = forms.IntegerField(label=gettext_lazy("RMRP year"), min_value=2018, max_value=2100)
    code = forms.CharField(label=gettext_lazy("Code"), max_length=60)
    name = forms.CharField(label=gettext_lazy("Indicator"), max_length=400)
    sector = forms.ModelChoiceField(Sector.objects.all(), label=gettext_lazy("Sector"))
    type = forms.ChoiceField(label=gettext_lazy("Type"), choices=IndicatorType.choices)
    delivery_codes = forms.CharField(
        label=gettext_lazy("Service delivery codes"), required=False, max_length=400
    )
    is_active = forms.BooleanField(label=gettext_lazy("Active"), required=False, initial=True)


class SectorForm(forms.Form):
    code = forms.SlugField(label=gettext_lazy("Code"), max_length=60)
    name = forms.CharField(label=gettext_lazy("Name (as R4V writes it)"), max_length=120)
    parent = forms.ModelChoiceField(
        Sector.objects.filter(parent__isnull=True),
        label=gettext_lazy("Subsector of"),
        required=False,
    )
    protection = forms.BooleanField(label=gettext_lazy("Protection sector"), required=False)
    is_active = forms.BooleanField(label=gettext_lazy("Active"), required=False, initial=True)


class ItemForm(forms.Form):
    kind = forms.ChoiceField(label=gettext_lazy("List"), choices=ReferenceItem.Kind.choices)
    code = forms.SlugField(label=gettext_lazy("Code"), max_length=60)
    name = forms.CharField(label=gettext_lazy("Name"), max_length=120)
    is_active = forms.BooleanField(label=gettext_lazy("Active"), required=False, initial=True)


class Admin1Form(forms.Form):
    country = forms.ModelChoiceField(Country.objects.all(), label=gettext_lazy("Country"))
    name = forms.CharField(label=gettext_lazy("Name"), max_length=120)
    pcode = forms.CharField(label=gettext_lazy("P-code"), max_length=20, required=False)
    is_active = forms.BooleanField(label=gettext_lazy("Active"), required=False, initial=True)


class PublishForm(forms.Form):
    country = forms.ModelChoiceField(Country.objects.none(), label=gettext_lazy("Country"))
    year = forms.IntegerField(label=gettext_lazy("Year"), min_value=2018, max_value=2100)

    def __init__(self, *args: Any, countries: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ModelChoiceField, self.fields["country"]).queryset = countries
