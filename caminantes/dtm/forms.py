"""Forms of the DTM reference pages and the tally page."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from caminantes.dtm.choices import MovementType, Service, TransportMode
from caminantes.dtm.models import CollectiveSite, FlowMonitoringPoint, Operation, Round
from caminantes.geo.models import AdminArea, Country, Place
from caminantes.lib.fields import ModelMultipleChoiceField
from caminantes.lib.widgets import date_input

CHECKS = forms.CheckboxSelectMultiple(attrs={"class": "checks"})


def _check_period(form: forms.ModelForm[Any], data: dict[str, Any]) -> None:
    """Said in words before the database's CHECK would refuse it."""
    starts, ends = data.get("starts_on"), data.get("ends_on")
    if starts and ends and ends < starts:
        form.add_error("ends_on", _("The end is before the start."))


class OperationForm(forms.ModelForm):
    countries = ModelMultipleChoiceField(
        label=_("Countries"), queryset=Country.objects.all(), widget=CHECKS
    )

    class Meta:
        model = Operation
        fields = ["name", "code", "countries", "description", "starts_on", "ends_on", "is_active"]
        widgets = {"starts_on": date_input(), "ends_on": date_input()}

    def __init__(self, *args: Any, countries: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if countries is not None:
            self.fields["countries"].queryset = countries  # type: ignore[attr-defined]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        _check_period(self, data)
        return data


class RoundForm(forms.ModelForm):
    class Meta:
        model = Round
        fields = ["number", "starts_on", "ends_on", "notes"]
        widgets = {"starts_on": date_input(), "ends_on": date_input()}

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        _check_period(self, data)
        return data


class PointForm(forms.ModelForm):
    movement_types = forms.MultipleChoiceField(
        label=_("Movement types"), choices=MovementType.choices, widget=CHECKS, required=False
    )
    transport_modes = forms.MultipleChoiceField(
        label=_("Transport modes"), choices=TransportMode.choices, widget=CHECKS, required=False
    )
    services = forms.MultipleChoiceField(
        label=_("Services"), choices=Service.choices, widget=CHECKS, required=False
    )

    class Meta:
        model = FlowMonitoringPoint
        fields = [
            "place", "name", "code", "country", "admin_area", "latitude", "longitude",
            "point_type", "movement_types", "transport_modes", "services", "is_active",
        ]  # fmt: skip

    def __init__(self, *args: Any, operation: Operation, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        countries = operation.countries.all()
        self.fields["country"].queryset = countries  # type: ignore[attr-defined]
        self.fields["place"].queryset = Place.objects.filter(  # type: ignore[attr-defined]
            kind=Place.Kind.CROSSING, country__in=countries
        )
        self.fields["admin_area"].queryset = AdminArea.objects.filter(  # type: ignore[attr-defined]
            country__in=countries, level=1
        )
        self.instance.operation = operation

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        place = data.get("place")
        country = data.get("country")
        if place is not None and country is not None and place.country_id != country.pk:
            self.add_error("place", _("This place is in another country."))
        for name, limit in (("latitude", 90), ("longitude", 180)):
            value = data.get(name)
            if value is not None and not -limit <= value <= limit:
                self.add_error(name, _("Between -%(n)d and %(n)d.") % {"n": limit})
        return data


class SiteForm(forms.ModelForm):
    class Meta:
        model = CollectiveSite
        fields = ["name", "code", "site_type", "country", "admin_area", "latitude", "longitude",
                  "is_active"]  # fmt: skip

    def __init__(self, *args: Any, countries: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["country"].queryset = countries  # type: ignore[attr-defined]
        self.fields["admin_area"].queryset = AdminArea.objects.filter(  # type: ignore[attr-defined]
            country__in=countries
        )


class ImportForm(forms.Form):
    operation = forms.ModelChoiceField(label=_("Operation"), queryset=Operation.objects.none())
    kind = forms.ChoiceField(label=_("What the file holds"))
    file = forms.FileField(label=_("File (CSV UTF-8 or XLSX)"))

    def __init__(self, *args: Any, operations: Any, kinds: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["operation"].queryset = operations  # type: ignore[attr-defined]
        self.fields["kind"].choices = kinds  # type: ignore[attr-defined]
