"""A report's period: two dates, checked, turned into the instants that bound it."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from caminantes.assistance.models import Item
from caminantes.lib.widgets import date_input

FORMATS = (("html", _("Page")), ("csv", _("CSV")), ("xlsx", _("Excel (XLSX)")))
MAX_DAYS = 3 * 366 + 1  # longer periods are asked in pieces: the chart stays readable


@dataclass(frozen=True)
class Period:
    start: date
    end: date  # inclusive

    @property
    def since(self) -> datetime:
        """Midnight at the start of the first day, in the server's time zone."""
        return timezone.make_aware(datetime.combine(self.start, time.min))

    @property
    def until(self) -> datetime:
        """Midnight after the last day (excluded)."""
        return timezone.make_aware(datetime.combine(self.end + timedelta(days=1), time.min))

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1

    @classmethod
    def this_month(cls) -> Period:
        today = timezone.localdate()
        return cls(today.replace(day=1), today)


class PeriodForm(forms.Form):
    """GET form of a report: a period, and what to answer with (the page, CSV or XLSX)."""

    start = forms.DateField(label=_("From"), widget=date_input())
    end = forms.DateField(label=_("To"), widget=date_input())
    file_format = forms.ChoiceField(
        label=_("Show as"), choices=FORMATS, required=False, initial="html"
    )

    def __init__(self, data: Any = None, **kwargs: Any) -> None:
        if data is not None and not any(k in data for k in ("start", "end")):
            data = None  # the first visit: this month, no errors shown
        super().__init__(data, **kwargs)
        period = Period.this_month()
        self.fields["start"].initial = period.start
        self.fields["end"].initial = period.end

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        start, end = data.get("start"), data.get("end")
        today = timezone.localdate()
        if end is not None and end > today:
            self.add_error("end", _("The period cannot end in the future."))
        if start is not None and start > today:
            self.add_error("start", _("The period cannot start in the future."))
        if start is not None and end is not None:
            if end < start:
                self.add_error("end", _("The end of the period is before its start."))
            elif (end - start).days + 1 > MAX_DAYS:
                self.add_error("start", _("Choose a period of at most three years."))
        return data

    def period(self) -> Period:
        """The period asked for, or this month before the form is sent (or when it is wrong:
        the page then shows the errors and no figures)."""
        if self.is_bound and self.is_valid():
            return Period(self.cleaned_data["start"], self.cleaned_data["end"])
        return Period.this_month()

    def wanted_format(self) -> str:
        if self.is_bound and self.is_valid():
            return self.cleaned_data.get("file_format") or "html"
        return "html"


# --- the steps of a chart over the period ----------------------------------------------


def bucket_for(period: Period) -> str:
    """Days for two months or less, weeks up to two years, months beyond."""
    if period.days <= 62:
        return "day"
    return "week" if period.days <= 731 else "month"


def bucket_start(day: date, bucket: str) -> date:
    if bucket == "week":
        return day - timedelta(days=day.weekday())
    if bucket == "month":
        return day.replace(day=1)
    return day


def next_bucket(day: date, bucket: str) -> date:
    if bucket == "day":
        return day + timedelta(days=1)
    if bucket == "week":
        return day + timedelta(days=7)
    return (day.replace(day=28) + timedelta(days=4)).replace(day=1)


class StockForm(PeriodForm):
    """The stock report's form: the period, per lot or per item, and the item charted."""

    by_lot = forms.BooleanField(label=_("One line per lot"), required=False)
    item = forms.ModelChoiceField(
        label=_("Chart the stock of"), queryset=Item.objects.all(), required=False,
        empty_label=_("The first item listed"),
    )  # fmt: skip

    def option(self, name: str) -> Any:
        if self.is_bound and self.is_valid():
            return self.cleaned_data.get(name)
        return None
