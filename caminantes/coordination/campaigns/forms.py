"""The forms of the campaign pages."""

from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from caminantes.accounts.models import Organization
from caminantes.coordination.campaigns.files import MAX_BYTES
from caminantes.coordination.campaigns.models import (
    INDICATORS,
    Audience,
    Campaign,
    Channel,
    Language,
    Phase,
    Theme,
)
from caminantes.geo.models import AdminArea, Country
from caminantes.lib.widgets import date_input
from caminantes.registry.models import PopulationType

MULTI = forms.CheckboxSelectMultiple


class CampaignForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=160)
    country = forms.ModelChoiceField(
        label=_("Country"), queryset=Country.objects.none(), to_field_name="iso2"
    )
    objective = forms.CharField(label=_("Objective"), max_length=2000, widget=forms.Textarea)
    audience = forms.ChoiceField(label=_("Audience"), choices=Audience.choices)
    themes = forms.MultipleChoiceField(label=_("Themes"), choices=Theme.choices, widget=MULTI)
    languages = forms.MultipleChoiceField(label=_("Languages"), choices=Language.choices,
                                          widget=MULTI)  # fmt: skip
    channels = forms.MultipleChoiceField(label=_("Channels"), choices=Channel.choices,
                                         widget=MULTI)  # fmt: skip
    start_on = forms.DateField(label=_("Starts on"), widget=date_input())
    end_on = forms.DateField(label=_("Ends on"), widget=date_input())
    areas = forms.ModelMultipleChoiceField(
        label=_("Areas"),
        queryset=AdminArea.objects.none(),
        required=False,
        widget=MULTI,
        to_field_name="iso_code",
    )
    partners = forms.ModelMultipleChoiceField(
        label=_("Partners"),
        queryset=Organization.objects.none(),
        required=False,
        widget=MULTI,
        to_field_name="uuid",
    )
    statements = forms.CharField(
        label=_("Xenophobic statements surveyed"), required=False, max_length=3000,
        widget=forms.Textarea,
        help_text=_("One per line, as asked in the perception surveys (e.g. “Migrants take "
                    "our jobs”)."),
    )  # fmt: skip
    count_in_5w = forms.BooleanField(
        label=_("Count the people reached in the 5W (sector Integration)"), required=False
    )
    indicator_5w = forms.ChoiceField(
        label=_("5W indicator"), required=False,
        choices=[("", "—"), *((k, v) for k, v in INDICATORS.items())],
    )  # fmt: skip

    def __init__(self, *args: Any, countries: QuerySet[Country], editing: Campaign | None = None,
                 **kwargs: Any) -> None:  # fmt: skip
        super().__init__(*args, **kwargs)
        self.fields["country"].queryset = countries  # type: ignore[attr-defined]
        area_countries = (
            countries if editing is None else Country.objects.filter(pk=editing.country_id)
        )
        self.fields["areas"].queryset = AdminArea.objects.filter(  # type: ignore[attr-defined]
            country__in=area_countries
        ).order_by("iso_code")
        self.fields["partners"].queryset = Organization.objects.filter(  # type: ignore[attr-defined]
            is_active=True
        ).order_by("acronym")
        if editing is not None:
            del self.fields["country"]


class ActivityForm(forms.Form):
    date = forms.DateField(label=_("Date"), widget=date_input())
    channel = forms.ChoiceField(label=_("Channel"), choices=Channel.choices)
    area = forms.ModelChoiceField(label=_("Area"), queryset=AdminArea.objects.none(),
                                  required=False, to_field_name="iso_code")  # fmt: skip
    population_type = forms.ChoiceField(
        label=_("Population reached"), required=False,
        choices=[("", _("As the campaign's audience")), *PopulationType.choices],
    )  # fmt: skip
    description = forms.CharField(label=_("What was done"), max_length=500, required=False)
    women = forms.IntegerField(label=_("Women"), min_value=0, required=False)
    men = forms.IntegerField(label=_("Men"), min_value=0, required=False)
    girls = forms.IntegerField(label=_("Girls (under 18)"), min_value=0, required=False)
    boys = forms.IntegerField(label=_("Boys (under 18)"), min_value=0, required=False)
    unknown = forms.IntegerField(label=_("People, sex and age not known"), min_value=0,
                                 required=False)  # fmt: skip
    audience_estimate = forms.IntegerField(
        label=_("Audience estimate (radio, social media)"), min_value=0, required=False,
        help_text=_("Listeners or impressions: shown apart, never counted as people reached."),
    )  # fmt: skip

    def __init__(self, *args: Any, campaign: Campaign, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["channel"].choices = [  # type: ignore[attr-defined]
            (c, label) for c, label in Channel.choices if c in campaign.channels
        ]
        areas = campaign.areas.all()
        if not areas.exists():
            areas = AdminArea.objects.filter(country=campaign.country_id)
        self.fields["area"].queryset = areas.order_by("iso_code")  # type: ignore[attr-defined]


class SurveyForm(forms.Form):
    date = forms.DateField(label=_("Date"), widget=date_input())
    phase = forms.ChoiceField(label=_("Phase"), choices=Phase.choices)
    sample_size = forms.IntegerField(label=_("People surveyed"), min_value=1)

    def __init__(self, *args: Any, statements: list[str], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for i, text in enumerate(statements):
            self.fields[f"agreeing_{i}"] = forms.IntegerField(
                label=_("Agreeing with “%(statement)s”") % {"statement": text}, min_value=0
            )


class MaterialForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=160)
    file = forms.FileField(
        label=_("File"), help_text=_("PDF, PNG, JPEG or MP3, up to 10 MB."),
        max_length=200,
    )  # fmt: skip
    max_bytes = MAX_BYTES
