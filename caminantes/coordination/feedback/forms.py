"""The forms of the feedback pages. Dates use the native picker; a household is named by
its code (the 8 characters on its card), looked up among the households the user may see."""

from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from caminantes.coordination.feedback.models import AckChannel, Category, Channel, Reach, Status
from caminantes.geo.models import AdminArea, Country
from caminantes.lib.widgets import date_input


class IntakeForm(forms.Form):
    country = forms.ModelChoiceField(
        label=_("Country"), queryset=Country.objects.none(), to_field_name="iso2"
    )
    channel = forms.ChoiceField(label=_("Channel"), choices=Channel.choices)
    category = forms.ChoiceField(
        label=_("Category"), choices=Category.choices,
        help_text=_("Sexual exploitation and abuse, fraud and staff misconduct go only to the "
                    "PSEA focal point: once saved you will not see them again."),
    )  # fmt: skip
    received_on = forms.DateField(label=_("Received on"), widget=date_input())
    admin_area = forms.ModelChoiceField(
        label=_("Area"),
        queryset=AdminArea.objects.none(),
        required=False,
        to_field_name="iso_code",
    )
    description = forms.CharField(
        label=_("What the person said"), max_length=4000, widget=forms.Textarea
    )
    anonymous = forms.BooleanField(label=_("Anonymous"), required=False)
    name = forms.CharField(label=_("Name (optional)"), max_length=200, required=False)
    contact = forms.CharField(
        label=_("Phone or e-mail to answer (optional)"), max_length=200, required=False
    )
    contact_consent = forms.BooleanField(
        label=_("The person agrees to be contacted about this"), required=False
    )
    household = forms.CharField(
        label=_("Household code (optional)"), max_length=8, required=False,
        help_text=_("The 8 characters on the household's card, if the person is registered."),
    )  # fmt: skip

    def __init__(self, *args: Any, countries: QuerySet[Country], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["country"].queryset = countries  # type: ignore[attr-defined]
        self.fields["admin_area"].queryset = AdminArea.objects.filter(  # type: ignore[attr-defined]
            country__in=countries
        ).order_by("iso_code")

    def clean_household(self) -> str:
        code = self.cleaned_data.get("household", "").strip().lower()
        if code and (len(code) != 8 or any(ch not in "0123456789abcdef" for ch in code)):
            raise forms.ValidationError(_("A household code is 8 letters and digits."))
        return code


class FilterForm(forms.Form):
    status = forms.ChoiceField(
        label=_("Status"), required=False, choices=[("", _("All")), *Status.choices]
    )
    category = forms.ChoiceField(
        label=_("Category"), required=False, choices=[("", _("All")), *Category.choices]
    )
    channel = forms.ChoiceField(
        label=_("Channel"), required=False, choices=[("", _("All")), *Channel.choices]
    )
    overdue = forms.BooleanField(label=_("Overdue only"), required=False)


class RespondForm(forms.Form):
    response = forms.CharField(label=_("Response given"), max_length=4000, widget=forms.Textarea)
    responded_on = forms.DateField(label=_("Given on"), widget=date_input())


class CloseForm(forms.Form):
    reach = forms.ChoiceField(label=_("Outcome"), choices=Reach.choices)
    reach_on = forms.DateField(label=_("Date"), widget=date_input())
    reach_channel = forms.ChoiceField(
        label=_("How"), required=False, choices=[("", "—"), *AckChannel.choices]
    )


class CategoryForm(forms.Form):
    category = forms.ChoiceField(label=_("Category"), choices=Category.choices)
