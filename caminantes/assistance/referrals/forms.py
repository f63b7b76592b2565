"""The forms of the directory and referral pages. The referral form carries a hidden request
id made when the page is served, so a double tap sends one referral."""

from __future__ import annotations

import uuid as uuid_lib
from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from caminantes.assistance import delivery
from caminantes.assistance.referrals.models import FIELD_CATALOGUE, Service, ServiceType, Status
from caminantes.assistance.referrals.services import sector_choices
from caminantes.geo.models import AdminArea, Country
from caminantes.lib.widgets import date_input
from caminantes.registry.models import Person


class SearchForm(forms.Form):
    q = forms.CharField(label=_("Search"), max_length=100, required=False)
    country = forms.ModelChoiceField(
        label=_("Country"), queryset=Country.objects.none(), required=False,
        to_field_name="iso2",
    )  # fmt: skip
    area = forms.ModelChoiceField(
        label=_("Area"), queryset=AdminArea.objects.none(), required=False,
        to_field_name="iso_code",
    )  # fmt: skip
    type = forms.ChoiceField(
        label=_("Type of service"), required=False,
        choices=[("", _("All types")), *ServiceType.choices],
    )  # fmt: skip

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["country"].queryset = Country.objects.filter(  # type: ignore[attr-defined]
            is_host=True
        ).order_by("iso2")
        self.fields["area"].queryset = AdminArea.objects.filter(  # type: ignore[attr-defined]
            country__is_host=True
        ).order_by("iso_code")


class ServiceForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=160)
    type = forms.ChoiceField(label=_("Type of service"), choices=ServiceType.choices)
    sector = forms.ChoiceField(
        label=_("Sector"), required=False,
        help_text=_("Empty: the usual sector of the type of service."),
    )  # fmt: skip
    country = forms.ModelChoiceField(label=_("Country"), queryset=Country.objects.none())
    admin_area = forms.ModelChoiceField(
        label=_("Area"), queryset=AdminArea.objects.none(), required=False,
        help_text=_("Empty: the whole country."),
    )  # fmt: skip
    address = forms.CharField(label=_("Address"), max_length=300, required=False)
    hours = forms.CharField(label=_("Opening hours"), max_length=200, required=False)
    contact = forms.CharField(label=_("Contact"), max_length=200, required=False)
    eligibility = forms.CharField(
        label=_("Who may use it"), max_length=2000, required=False, widget=forms.Textarea
    )
    languages = forms.CharField(label=_("Languages"), max_length=120, required=False)
    capacity = forms.IntegerField(
        label=_("Capacity"), min_value=0, max_value=1_000_000, required=False,
        help_text=_("People a month; empty if not known."),
    )  # fmt: skip
    accepts_referrals = forms.BooleanField(label=_("Takes referrals"), required=False,
                                           initial=True)  # fmt: skip
    referral_fields = forms.MultipleChoiceField(
        label=_("Fields a referral carries"), required=False,
        choices=[(k, v) for k, v in FIELD_CATALOGUE.items()],
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Only these are shared with your organisation, with the reason and the "
                    "urgency. Ask for no more than the service needs."),
    )  # fmt: skip
    is_active = forms.BooleanField(label=_("Active"), required=False, initial=True)

    def __init__(
        self, *args: Any, countries: QuerySet[Country], editing: bool = False, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["sector"].choices = [  # type: ignore[attr-defined]
            ("", "—"),
            *((c, delivery.sector_label(c)) for c in sector_choices()),
        ]
        self.fields["country"].queryset = countries  # type: ignore[attr-defined]
        self.fields["admin_area"].queryset = AdminArea.objects.filter(  # type: ignore[attr-defined]
            country__in=countries
        ).order_by("iso_code")
        if editing:
            del self.fields["country"]


class ReferralForm(forms.Form):
    request_id = forms.UUIDField(widget=forms.HiddenInput, initial=uuid_lib.uuid4)
    service: forms.ModelChoiceField[Any] = forms.ModelChoiceField(
        label=_("Service"), queryset=Service.objects.none(), to_field_name="uuid"
    )
    person: forms.ModelChoiceField[Any] = forms.ModelChoiceField(
        label=_("Person referred"), queryset=Person.objects.none(), to_field_name="uuid"
    )
    reason = forms.CharField(label=_("Reason for the referral"), max_length=2000,
                             widget=forms.Textarea)  # fmt: skip
    urgent = forms.BooleanField(label=_("Urgent"), required=False)
    due_on = forms.DateField(
        label=_("Answer due by"), required=False, widget=date_input(),
        help_text=_("Empty: in 2 days if urgent, otherwise in 10 days."),
    )  # fmt: skip

    def __init__(self, *args: Any, services: QuerySet[Any], people: QuerySet[Any],
                 **kwargs: Any) -> None:  # fmt: skip
        super().__init__(*args, **kwargs)
        self.fields["service"].queryset = services  # type: ignore[attr-defined]
        self.fields["service"].label_from_instance = (  # type: ignore[attr-defined]
            lambda s: f"{s.name} · {s.organization.acronym} · {s.get_type_display()}"
        )
        self.fields["person"].queryset = people  # type: ignore[attr-defined]


STEP_CHOICES = [(s, label) for s, label in Status.choices if s != Status.SENT]


class StatusForm(forms.Form):
    status = forms.ChoiceField(label=_("New status"), choices=STEP_CHOICES)
    note = forms.CharField(
        label=_("Feedback for the referring caseworker"), max_length=2000, required=False,
        widget=forms.Textarea,
    )  # fmt: skip
    reason = forms.CharField(
        label=_("Reason for declining"), max_length=500, required=False,
        help_text=_("Required to decline."),
    )  # fmt: skip
