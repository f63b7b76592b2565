"""The forms of the protection pages: the GBV and trafficking intakes and each section of a
case. A wrong input is a form error in words: an empty required field, a date in the future,
a wellbeing score outside 0-10, a referral to the authorities without consent."""

from __future__ import annotations

import re
from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from caminantes.geo.models import AdminArea, Country
from caminantes.lib.widgets import date_input
from caminantes.protection import choices as c

MAX_TEXT = 4000
EMPTY = [("", "---------")]


def _not_future(value: Any) -> Any:
    if value and value > timezone.localdate():
        raise forms.ValidationError(_("The date cannot be in the future."), code="future_date")
    return value


def _choices(kind: type[Any]) -> list[tuple[str, str]]:
    return EMPTY + list(kind.choices)


class SurvivorForm(forms.Form):
    """Who the case is about: a registered person (by registry id) or a name kept only in
    the case file. Either one, not both."""

    person = forms.UUIDField(
        label=_("Registry id of the person"), required=False,
        help_text=_("The person's id from the registry page, if registered."),
    )  # fmt: skip
    name = forms.CharField(
        label=_("Name (if not registered)"), max_length=200, required=False,
        help_text=_("Kept encrypted; shown only when revealed."),
    )  # fmt: skip
    sex = forms.ChoiceField(label=_("Sex"), choices=_choices(c.Sex))
    age = forms.IntegerField(label=_("Age"), min_value=0, max_value=120, required=False)
    birth_year = forms.IntegerField(label=_("Year of birth"), min_value=1900, required=False)
    age_group = forms.ChoiceField(
        label=_("Age group at the incident"), choices=_choices(c.AgeGroup)
    )

    def __init__(self, *args: Any, on_file: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # Editing a case: the person or name on file stays when neither is given again.
        self.on_file = on_file
        if on_file:
            self.fields["name"].help_text = _("Leave both empty to keep what is on file.")

    def clean_birth_year(self) -> int | None:
        year: int | None = self.cleaned_data.get("birth_year")
        if year is not None and year > timezone.localdate().year:
            raise forms.ValidationError(_("The year of birth cannot be in the future."))
        return year

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        person, name = data.get("person"), (data.get("name") or "").strip()
        if person and name:
            raise forms.ValidationError(
                _("Give the registry id or a name, not both."), code="person_and_name"
            )
        if not person and not name and "person" not in self.errors and not self.on_file:
            raise forms.ValidationError(
                _("Give the registry id of the person or a name."), code="no_survivor"
            )
        data["name"] = name
        return data


class IncidentForm(forms.Form):
    incident_type = forms.ChoiceField(
        label=_("Type of incident (GBVIMS)"), choices=_choices(c.IncidentType)
    )
    incident_date = forms.DateField(
        label=_("Date of the incident"), widget=date_input(), validators=[_not_future]
    )
    incident_area = forms.ModelChoiceField(
        label=_("Area of the incident"), queryset=AdminArea.objects.none(), required=False,
        to_field_name="uuid", help_text=_("Area level only, never an address."),
    )  # fmt: skip
    perpetrator = forms.ChoiceField(
        label=_("Relationship of the alleged perpetrator"), choices=_choices(c.Perpetrator)
    )

    def __init__(self, *args: Any, areas: QuerySet[AdminArea] | None = None, **kwargs: Any):
        super().__init__(*args, **kwargs)
        if areas is not None:
            self.fields["incident_area"].queryset = areas  # type: ignore[attr-defined]


ROUTE = re.compile(r"^[A-Z]{2}$")


class TraffickingForm(forms.Form):
    indicators = forms.MultipleChoiceField(
        label=_("Identification indicators"), choices=c.Indicator.choices, required=False,
        widget=forms.CheckboxSelectMultiple,
    )  # fmt: skip
    exploitation = forms.MultipleChoiceField(
        label=_("Type of exploitation"), choices=c.Exploitation.choices,
        widget=forms.CheckboxSelectMultiple,
    )  # fmt: skip
    route = forms.CharField(
        label=_("Route (countries in order)"), max_length=120, required=False,
        help_text=_("Two-letter country codes, in order, e.g. VE, CO, PE."),
    )  # fmt: skip
    recruiter = forms.ChoiceField(label=_("Recruiter"), choices=_choices(c.Recruiter))
    tip_status = forms.ChoiceField(label=_("Status"), choices=_choices(c.TraffickingStatus))

    def clean_route(self) -> list[str]:
        codes = [p.strip().upper() for p in re.split(r"[,;\s>]+", self.cleaned_data["route"])]
        codes = [p for p in codes if p]
        bad = [p for p in codes if not ROUTE.match(p)]
        known = set(Country.objects.filter(iso2__in=codes).values_list("iso2", flat=True))
        if bad or set(codes) - known:
            raise forms.ValidationError(
                _("Give known two-letter country codes separated by commas, e.g. VE, CO, PE.")
            )
        return codes


class AssistanceForm(forms.Form):
    assistance = forms.MultipleChoiceField(
        label=_("Assistance"), choices=c.Assistance.choices, required=False,
        widget=forms.CheckboxSelectMultiple,
    )  # fmt: skip
    authorities_referral = forms.BooleanField(
        label=_("Referred to the authorities"), required=False
    )
    authorities_consent = forms.BooleanField(
        label=_("Informed consent to the referral to the authorities"), required=False
    )
    authorities_referred_on = forms.DateField(
        label=_("Date of the referral"), widget=date_input(), required=False,
        validators=[_not_future],
    )  # fmt: skip

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("authorities_referral") and not data.get("authorities_consent"):
            self.add_error(
                "authorities_consent",
                _("A referral to the authorities needs the survivor's informed consent."),
            )
        return data


class PlanForm(forms.Form):
    consent_reporting = forms.BooleanField(
        label=_("Consents to be counted (anonymously) in aggregate reports"), required=False
    )
    safety_plan = forms.CharField(
        label=_("Safety plan"), max_length=MAX_TEXT, required=False, widget=forms.Textarea
    )
    narrative = forms.CharField(
        label=_("Narrative"), max_length=MAX_TEXT, required=False, widget=forms.Textarea
    )


class GBVIntakeForm(SurvivorForm, IncidentForm, PlanForm):
    country = forms.ModelChoiceField(label=_("Country"), queryset=Country.objects.none())

    def __init__(self, *args: Any, countries: QuerySet[Country], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["country"].queryset = countries  # type: ignore[attr-defined]
        self.fields["incident_area"].queryset = AdminArea.objects.filter(  # type: ignore[attr-defined]
            country__in=countries
        )
        self.order_fields(["country"])


class TraffickingIntakeForm(SurvivorForm, TraffickingForm, AssistanceForm, PlanForm):
    country = forms.ModelChoiceField(label=_("Country"), queryset=Country.objects.none())

    def __init__(self, *args: Any, countries: QuerySet[Country], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["country"].queryset = countries  # type: ignore[attr-defined]
        self.order_fields(["country"])


class ServiceForm(forms.Form):
    service = forms.ChoiceField(label=_("Service"), choices=_choices(c.ServiceType))
    status = forms.ChoiceField(label=_("Status"), choices=_choices(c.ServiceStatus))
    consent = forms.BooleanField(label=_("The survivor consents to this service"),
                                 required=False)  # fmt: skip
    date = forms.DateField(label=_("Date"), widget=date_input(), validators=[_not_future])
    provider = forms.CharField(label=_("Provider"), max_length=200, required=False)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("status") == c.ServiceStatus.RECEIVED and not data.get("consent"):
            self.add_error("consent", _("A service is received only with the survivor's "
                                        "consent to it."))  # fmt: skip
        return data


class ActionForm(forms.Form):
    text = forms.CharField(label=_("Step or follow-up"), max_length=1000, widget=forms.Textarea)
    due_on = forms.DateField(label=_("Due on"), widget=date_input(), required=False)


class SessionForm(forms.Form):
    date = forms.DateField(label=_("Date"), widget=date_input(), validators=[_not_future])
    type = forms.ChoiceField(label=_("Type of session"), choices=_choices(c.SessionType))
    wellbeing = forms.IntegerField(
        label=_("Wellbeing score (0-10)"), min_value=0, max_value=10,
        error_messages={
            "min_value": _("The wellbeing score goes from 0 to 10."),
            "max_value": _("The wellbeing score goes from 0 to 10."),
        },
    )  # fmt: skip
    note = forms.CharField(
        label=_("Note (kept encrypted)"), max_length=MAX_TEXT, required=False,
        widget=forms.Textarea,
    )  # fmt: skip


class CloseForm(forms.Form):
    reason = forms.ChoiceField(label=_("Reason"), choices=_choices(c.ClosureReason))
    note = forms.CharField(label=_("Note"), max_length=1000, required=False,
                           widget=forms.Textarea)  # fmt: skip


class AssignForm(forms.Form):
    user = forms.ChoiceField(label=_("Colleague"), choices=())
    role = forms.ChoiceField(label=_("Role on the case"), choices=_choices(c.AssignmentRole))

    def __init__(self, *args: Any, candidates: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["user"].choices = EMPTY + candidates  # type: ignore[attr-defined]


class StatusFilterForm(forms.Form):
    status = forms.ChoiceField(
        label=_("Status"), required=False, choices=[("", _("All")), *c.Status.choices]
    )
