from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from caminantes.geo.models import AdminArea, Country, Place
from caminantes.identity.services.tracing import TracingInput
from caminantes.lib.widgets import date_input
from caminantes.registry.models import Relationship, Sex

DATE = date_input()


class AreaOfAnyCountryField(forms.ModelChoiceField):
    """First-level areas of every country, each named with its country: "Amazonas" is a
    department of Colombia and a state of Brazil, Peru and Venezuela, and a relative may
    have been born or last seen in any of them."""

    def __init__(self, **kwargs: Any) -> None:
        queryset = (
            AdminArea.objects.filter(level=1)
            .select_related("country")
            .order_by("country__iso2", "name_es")
        )
        super().__init__(queryset=queryset, **kwargs)

    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.name} ({obj.country.name})"


class ThresholdsForm(forms.Form):
    country = forms.ModelChoiceField(
        label=_("Country"), queryset=Country.objects.none(), to_field_name="iso2"
    )
    review_threshold = forms.FloatField(
        label=_("Open a review ticket from score"),
        min_value=0,
        max_value=1,
        help_text=_("0 to 1. Lower finds more duplicates and asks reviewers more often."),
    )
    auto_merge_threshold = forms.FloatField(
        label=_("Merge without a reviewer from score"),
        min_value=0,
        max_value=1,
        required=False,
        help_text=_("Leave empty so that nothing ever merges without a reviewer."),
    )

    def __init__(self, *args: Any, countries: list[Country], **kwargs: Any) -> None:
        kwargs.setdefault("label_suffix", "")  # labels without a colon, as on other pages
        super().__init__(*args, **kwargs)
        field = self.fields["country"]
        field.queryset = Country.objects.filter(pk__in=[c.pk for c in countries])  # type: ignore[attr-defined]
        if len(countries) == 1:  # a manager of one country need not pick it
            field.initial = countries[0].iso2
            field.empty_label = None  # type: ignore[attr-defined]


class TracingForm(forms.Form):
    requester_description = forms.CharField(
        label=_("Requester, if not registered"),
        max_length=300,
        required=False,
        help_text=_("Who is asking and how to reach them through your organisation."),
    )
    requester_consent_on = forms.DateField(
        label=_("The requester consented to the search on"), required=False, widget=DATE
    )
    sought_given_names = forms.CharField(label=_("Given names of the relative"), max_length=120)
    sought_family_names = forms.CharField(
        label=_("Surnames of the relative"), max_length=160, required=False
    )
    sought_sex = forms.ChoiceField(
        label=_("Sex"), choices=[("", "—"), *Sex.choices], required=False
    )
    sought_birth_date = forms.DateField(label=_("Date of birth"), required=False, widget=DATE)
    sought_birth_year = forms.IntegerField(
        label=_("Or year of birth"), min_value=1900, max_value=2100, required=False
    )
    sought_birth_area = AreaOfAnyCountryField(
        label=_("Or place of birth"),
        required=False,
        help_text=_(
            "Besides the full name, give the date or year of birth, or the place of birth."
        ),
    )
    sought_age = forms.IntegerField(
        label=_("Approximate age"), min_value=0, max_value=120, required=False
    )
    relationship = forms.ChoiceField(
        label=_("Relationship to the requester"),
        choices=[(k, v) for k, v in Relationship.choices if k != Relationship.FOCAL_POINT],
    )
    last_seen_area = AreaOfAnyCountryField(label=_("Last seen in (area)"), required=False)
    last_seen_place = forms.ModelChoiceField(
        label=_("Last seen at (border crossing)"),
        queryset=Place.objects.filter(kind=Place.Kind.CROSSING).order_by("name"),
        required=False,
    )
    last_seen_on = forms.DateField(label=_("Last seen on"), required=False, widget=DATE)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("label_suffix", "")  # labels without a colon, as on other pages
        super().__init__(*args, **kwargs)

    def to_input(self, requester: Any = None) -> TracingInput:
        d = self.cleaned_data
        return TracingInput(
            sought_given_names=d["sought_given_names"],
            sought_family_names=d["sought_family_names"],
            sought_sex=d["sought_sex"],
            sought_birth_date=d["sought_birth_date"],
            sought_age=d["sought_age"],
            sought_birth_year=d["sought_birth_year"],
            sought_birth_area=d["sought_birth_area"],
            relationship=d["relationship"],
            last_seen_area=d["last_seen_area"],
            last_seen_place=d["last_seen_place"],
            last_seen_on=d["last_seen_on"],
            requester=requester,
            requester_description=d["requester_description"],
            requester_consent_on=d["requester_consent_on"],
        )


class StepForm(forms.Form):
    note = forms.CharField(label=_("Note"), max_length=300, required=False)
    requester_consent_on = forms.DateField(
        label=_("Requester consented on"), required=False, widget=DATE
    )
    sought_consent_on = forms.DateField(
        label=_("Relative consented on"), required=False, widget=DATE
    )
    travel_date = forms.DateField(label=_("Travel date"), required=False, widget=DATE)
    reunified_on = forms.DateField(label=_("Reunified on"), required=False, widget=DATE)
