"""The forms of the distribution pages: a plan with its rules, and the desk's handover."""

from __future__ import annotations

import uuid as uuid_lib
from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from caminantes.assistance.models import DistributionPlan, Kit, QuantityBand, Warehouse
from caminantes.geo.models import AdminArea, Place
from caminantes.lib.widgets import date_input
from caminantes.registry.models import Person, PopulationType, SpecificNeed


class PlanForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=120)
    warehouse = forms.ModelChoiceField(label=_("Warehouse"), queryset=Warehouse.objects.none())
    site = forms.ModelChoiceField(label=_("Site"), queryset=Place.objects.none())
    kit = forms.ModelChoiceField(label=_("Kit"), queryset=Kit.objects.all())
    starts_on = forms.DateField(label=_("Starts on"), widget=date_input())
    ends_on = forms.DateField(label=_("Ends on"), widget=date_input())
    population_types = forms.MultipleChoiceField(
        label=_("Population types"), choices=PopulationType.choices, required=False,
        widget=forms.CheckboxSelectMultiple, help_text=_("None ticked: every population."),
    )  # fmt: skip
    specific_needs = forms.MultipleChoiceField(
        label=_("Specific needs (any of)"), choices=SpecificNeed.choices, required=False,
        widget=forms.CheckboxSelectMultiple, help_text=_("None ticked: no need required."),
    )  # fmt: skip
    min_household_size = forms.IntegerField(
        label=_("Smallest household"), min_value=1, max_value=50, initial=1
    )
    max_household_size = forms.IntegerField(
        label=_("Largest household"), min_value=1, max_value=50, required=False
    )
    area = forms.ModelChoiceField(
        label=_("Area (and the areas within it)"), queryset=AdminArea.objects.none(),
        required=False,
    )  # fmt: skip
    interval_days = forms.IntegerField(
        label=_("Days between two distributions to a household"), min_value=1, max_value=365,
        initial=30,
    )  # fmt: skip
    daily_cap = forms.IntegerField(
        label=_("Households per day at the site"), min_value=1, max_value=100_000, required=False
    )
    small_upto = forms.IntegerField(
        label=_("Households up to this size receive"), min_value=1, max_value=49, initial=4,
        help_text=_("The number of people; larger households are in the second band."),
    )  # fmt: skip
    small_kits = forms.IntegerField(label=_("kits (first band)"), min_value=1, max_value=100,
                                    initial=1)  # fmt: skip
    large_kits = forms.IntegerField(label=_("kits (larger households)"), min_value=1,
                                    max_value=100, initial=2)  # fmt: skip
    open_now = forms.BooleanField(label=_("Open the distribution now"), required=False)

    def __init__(self, *args: Any, warehouses: QuerySet[Warehouse], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        countries = warehouses.values("country")
        self.fields["warehouse"].queryset = warehouses  # type: ignore[attr-defined]
        self.fields["site"].queryset = Place.objects.filter(  # type: ignore[attr-defined]
            country__in=countries, kind=Place.Kind.TOWN
        )
        self.fields["area"].queryset = AdminArea.objects.filter(  # type: ignore[attr-defined]
            country__in=countries
        )

    def clean_starts_on(self) -> Any:
        starts = self.cleaned_data.get("starts_on")
        if starts is not None and (starts - timezone.localdate()).days > 366:
            raise forms.ValidationError(_("Enter a start within the next year."))
        return starts


class HandoverForm(forms.Form):
    """Who collects: a member of the household, or a proxy the household agreed to."""

    request_id = forms.UUIDField(widget=forms.HiddenInput, initial=uuid_lib.uuid4)
    household = forms.UUIDField(widget=forms.HiddenInput)
    collected_by = forms.ChoiceField(label=_("Who collects"), required=False)
    proxy_name = forms.CharField(
        label=_("Or a proxy: name"), max_length=200, required=False,
        help_text=_("Someone outside the household, sent by it."),
    )  # fmt: skip
    proxy_consent = forms.BooleanField(
        label=_("The household agreed that this proxy collects for it"), required=False
    )

    def __init__(self, *args: Any, members: list[Person], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.members = {str(p.uuid): p for p in members}
        field: Any = self.fields["collected_by"]
        # The members first (the focal point chosen), the proxy last: most families send one
        # of their own, and a proxy needs the household's consent.
        field.choices = [(k, p.full_name) for k, p in self.members.items()] + [
            ("", _("— a proxy —"))
        ]
        focal = next((k for k, p in self.members.items() if p.relationship == "focal_point"), None)
        field.initial = focal or next(iter(self.members), "")

    def collector(self) -> Person | None:
        return self.members.get(self.cleaned_data.get("collected_by") or "")


BAND_FIELDS = ("small_upto", "small_kits", "large_kits")


class PlanEditForm(PlanForm):
    """The create form, filled with the plan's rules; its status changes on the plan page."""

    def __init__(self, *args: Any, plan: DistributionPlan, bands: list[QuantityBand],
                 **kwargs: Any) -> None:  # fmt: skip
        first = bands[0] if bands else None
        last = bands[-1] if bands else None
        kwargs["initial"] = {
            "name": plan.name, "warehouse": plan.warehouse_id, "site": plan.site_id,
            "kit": plan.kit_id, "starts_on": plan.starts_on, "ends_on": plan.ends_on,
            "population_types": plan.population_types, "specific_needs": plan.specific_needs,
            "min_household_size": plan.min_household_size,
            "max_household_size": plan.max_household_size, "area": plan.area_id,
            "interval_days": plan.interval_days, "daily_cap": plan.daily_cap,
            "small_upto": first.max_size if first and first.max_size else 4,
            "small_kits": first.quantity if first else 1,
            "large_kits": last.quantity if last else 2,
        }  # fmt: skip
        super().__init__(*args, **kwargs)
        del self.fields["open_now"]
        self.two_bands = len(bands) == 2 and bands[0].min_size == 1 and bands[1].max_size is None

    def clean_starts_on(self) -> Any:
        # A plan already running keeps its start; only a new start is held to the next year.
        starts = self.cleaned_data.get("starts_on")
        if "starts_on" not in self.changed_data:
            return starts
        return super().clean_starts_on()

    def bands_changed(self) -> bool:
        return any(f in self.changed_data for f in BAND_FIELDS)
