"""The filters every DTM dashboard takes: period, point(s), direction."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from caminantes.dtm.choices import Direction
from caminantes.dtm.models import FlowMonitoringPoint, Operation

DEFAULT_DAYS = 90
# Periods are cut into months and compared with the period before: a date at the calendar's
# edge (0001-01-01) would overflow, and no flow was monitored outside these.
EARLIEST = date(1990, 1, 1)
LATEST = date(2100, 12, 31)


@dataclass(frozen=True)
class Filters:
    start: date
    end: date
    point_ids: tuple[int, ...] = ()
    direction: str = ""
    points: tuple[FlowMonitoringPoint, ...] = field(default=(), compare=False)

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1

    def previous(self) -> Filters:
        """The period of equal length just before this one, same point and direction."""
        end = self.start - timedelta(days=1)
        return Filters(end - timedelta(days=self.days - 1), end, self.point_ids, self.direction)

    def describe(self) -> dict[str, Any]:
        """For the audit trail: dates and codes only."""
        return {
            "start": self.start.isoformat(),
            "end": self.end.isoformat(),
            "points": ",".join(p.code for p in self.points),
            "direction": self.direction,
        }


class FilterForm(forms.Form):
    start = forms.DateField(
        label=_("From"), required=False, widget=forms.DateInput({"type": "date"})
    )
    end = forms.DateField(label=_("To"), required=False, widget=forms.DateInput({"type": "date"}))
    point = forms.ModelChoiceField(
        label=_("Point"),
        queryset=FlowMonitoringPoint.objects.none(),
        required=False,
        to_field_name="uuid",
        empty_label=_("All points"),
    )
    direction = forms.ChoiceField(
        label=_("Direction"),
        choices=[("", _("All directions")), *Direction.choices],
        required=False,
    )

    def __init__(self, *args: Any, points: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["point"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = points

    def _in_range(self, name: str) -> date | None:
        day: date | None = self.cleaned_data.get(name)
        if day is not None and not EARLIEST <= day <= LATEST:
            raise forms.ValidationError(
                _("Choose a date between %(a)s and %(b)s.")
                % {"a": EARLIEST.isoformat(), "b": LATEST.isoformat()}
            )
        return day

    def clean_start(self) -> date | None:
        return self._in_range("start")

    def clean_end(self) -> date | None:
        return self._in_range("end")

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        start, end = data.get("start"), data.get("end")
        if start and end and end < start:
            raise forms.ValidationError(_("The end of the period is before its start."))
        if start and end and (end - start).days > 3660:
            raise forms.ValidationError(_("Choose a period of ten years or less."))
        return data


def default_end(operation: Operation, last_day: date | None) -> date:
    """The last day with data, else the operation's end, else today."""
    return last_day or operation.ends_on or date.today()


def filters_from(form: FilterForm, operation: Operation, last_day: date | None) -> Filters:
    """The form's filters; a missing or invalid field falls back to the last 90 days."""
    data = form.cleaned_data if form.is_valid() else {}
    end = data.get("end") or default_end(operation, last_day)
    start = data.get("start") or end - timedelta(days=DEFAULT_DAYS - 1)
    if start > end:
        start = end - timedelta(days=DEFAULT_DAYS - 1)
    point = data.get("point")
    return Filters(
        start=start,
        end=end,
        point_ids=(point.pk,) if point else (),
        direction=data.get("direction") or "",
        points=(point,) if point else (),
    )
