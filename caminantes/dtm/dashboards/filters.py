"""The filters every DTM dashboard takes: period, country, point(s), direction, flow type."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from caminantes.dtm.choices import Direction, FlowType
from caminantes.dtm.models import FlowMonitoringPoint, Operation
from caminantes.geo.models import Country

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
    flow_type: str = ""
    country_id: int | None = None
    points: tuple[FlowMonitoringPoint, ...] = field(default=(), compare=False)
    country: Country | None = field(default=None, compare=False)

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1

    def previous(self) -> Filters:
        """The period of equal length just before this one, same other filters."""
        end = self.start - timedelta(days=1)
        return Filters(
            end - timedelta(days=self.days - 1),
            end,
            self.point_ids,
            self.direction,
            self.flow_type,
            self.country_id,
        )

    def describe(self) -> dict[str, Any]:
        """For the audit trail: dates and codes only."""
        return {
            "start": self.start.isoformat(),
            "end": self.end.isoformat(),
            "points": ",".join(p.code for p in self.points),
            "direction": self.direction,
            "flow_type": self.flow_type,
            "country": self.country.iso2 if self.country else "",
        }


class FilterForm(forms.Form):
    start = forms.DateField(
        label=_("From"), required=False, widget=forms.DateInput({"type": "date"})
    )
    end = forms.DateField(label=_("To"), required=False, widget=forms.DateInput({"type": "date"}))
    country = forms.ModelChoiceField(
        label=_("Country"),
        queryset=Country.objects.none(),
        required=False,
        to_field_name="iso2",
        empty_label=_("All countries"),
    )
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
    flow_type = forms.ChoiceField(
        label=_("Flow type"),
        choices=[("", _("All flow types")), *FlowType.choices],
        required=False,
    )

    def __init__(self, *args: Any, points: Any, countries: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["point"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = points
        country = self.fields["country"]
        assert isinstance(country, forms.ModelChoiceField)
        country.queryset = countries if countries is not None else Country.objects.none()

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
        point, country = data.get("point"), data.get("country")
        if point is not None and country is not None and point.country_id != country.pk:
            self.add_error("point", _("This point is in another country."))
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
    country = data.get("country")
    return Filters(
        start=start,
        end=end,
        point_ids=(point.pk,) if point else (),
        direction=data.get("direction") or "",
        flow_type=data.get("flow_type") or "",
        country_id=country.pk if country else None,
        points=(point,) if point else (),
        country=country,
    )
