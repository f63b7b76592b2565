"""The forms of the transport pages. Places are typed by name (a list suggests them) and
found in the route's country; the booking form carries a hidden request id made when the
page is served, so a double tap books once."""

from __future__ import annotations

import uuid as uuid_lib
from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from caminantes.assistance.transport import selectors
from caminantes.assistance.transport.models import Route, TripStatus
from caminantes.geo.models import Country, Place
from caminantes.lib.widgets import date_input

MAX_STOPS = 10


class RouteForm(forms.Form):
    name = forms.CharField(label=gettext_lazy("Name"), max_length=120)
    country = forms.ModelChoiceField(label=gettext_lazy("Country"), queryset=Country.objects.none())
    origin = forms.CharField(label=gettext_lazy("Origin"), max_length=200)
    destination = forms.CharField(label=gettext_lazy("Destination"), max_length=200)
    stops = forms.CharField(
        label=gettext_lazy("Stops on the way"),
        max_length=2000,
        required=False,
        help_text=gettext_lazy("In order, separated by commas."),
    )

    def __init__(self, *args: Any, countries: QuerySet[Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["country"].queryset = countries  # type: ignore[attr-defined]
        for name in ("origin", "destination", "stops"):
            self.fields[name].widget.attrs["list"] = "transport-places"

    def _place(self, country: Country, name: str, field: str) -> Place | None:
        place = selectors.place_named(country_id=country.pk, name=name)
        if place is None:
            self.add_error(
                field,
                _("No place called “%(name)s” in %(country)s.")
                % {"name": name[:60], "country": country.name},
            )
        return place

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        country = data.get("country")
        if country is None:
            return data
        for field in ("origin", "destination"):
            if data.get(field):
                data[f"{field}_place"] = self._place(country, data[field], field)
        names = [n.strip() for n in data.get("stops", "").split(",") if n.strip()]
        if len(names) > MAX_STOPS:
            self.add_error("stops", _("Name at most 10 stops."))
            names = []
        data["stop_places"] = [self._place(country, n, "stops") for n in names]
        return data


class TripForm(forms.Form):
    route = forms.ModelChoiceField(label=gettext_lazy("Route"), queryset=Route.objects.none())
    departs_on = forms.DateField(label=gettext_lazy("Date"), widget=date_input())
    departs_at = forms.TimeField(
        label=gettext_lazy("Departure time"), widget=forms.TimeInput(attrs={"type": "time"})
    )
    vehicle = forms.CharField(
        label=gettext_lazy("Vehicle"),
        max_length=120,
        help_text=gettext_lazy("Plate and description, e.g. “TKR-482 bus 40 seats”."),
    )
    seats = forms.IntegerField(label=gettext_lazy("Seats"), min_value=1, max_value=500)
    escort = forms.CharField(
        label=gettext_lazy("Escort"),
        max_length=200,
        required=False,
        help_text=gettext_lazy("Staff travelling with the passengers."),
    )

    def __init__(self, *args: Any, routes: QuerySet[Route], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["route"].queryset = routes  # type: ignore[attr-defined]

    def clean_departs_on(self) -> Any:
        day = self.cleaned_data.get("departs_on")
        if day is not None and day < timezone.localdate():
            raise forms.ValidationError(_("A new trip cannot leave in the past."))
        if day is not None and (day - timezone.localdate()).days > 366:
            raise forms.ValidationError(_("Plan trips at most a year ahead."))
        return day


class StatusForm(forms.Form):
    status = forms.ChoiceField(
        choices=[(s.value, s.label) for s in TripStatus if s != TripStatus.PLANNED]
    )


class SearchForm(forms.Form):
    q = forms.CharField(label=gettext_lazy("Find a household"), max_length=200, required=False)


class BookingForm(forms.Form):
    request_id = forms.UUIDField(widget=forms.HiddenInput, initial=uuid_lib.uuid4)
    people = forms.MultipleChoiceField(
        label=gettext_lazy("Who travels"), widget=forms.CheckboxSelectMultiple
    )

    def __init__(self, *args: Any, choices: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["people"].choices = choices  # type: ignore[attr-defined]
