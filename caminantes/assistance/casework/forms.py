"""The forms of the casework pages. Those that create a record carry a hidden `request_id`
made when the page is served, so a form posted twice (a double tap, a re-send) is recorded
once. Cities and places are typed by name (a list suggests them) and found in the
household's country."""

from __future__ import annotations

import uuid as uuid_lib
from decimal import Decimal
from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from caminantes.assistance.casework import selectors
from caminantes.assistance.casework.models import (
    MAX_QUANTITY,
    MAX_VALUE,
    CancelReason,
    LivelihoodKind,
    Modality,
    Outcome,
    ServiceKind,
    VisitOutcome,
)
from caminantes.assistance.models import DeliveryMechanism
from caminantes.assistance.transport.models import Trip
from caminantes.lib import currency as currencies
from caminantes.lib.widgets import date_input
from caminantes.registry.models import Household, Person

CURRENCY_CHOICES = [("", "—"), *((c, c) for c in currencies.CURRENCIES)]
MECHANISM_CHOICES = [("", "—"), *DeliveryMechanism.choices]


class WriteForm(forms.Form):
    request_id = forms.UUIDField(widget=forms.HiddenInput, initial=uuid_lib.uuid4)


class PlaceNamed:
    """A mixin: resolve a typed place name in the household's country."""

    household: Household

    def find_place(self, name: str, field: str, *, required: bool) -> Any:
        form: Any = self
        if not name.strip():
            if required:
                form.add_error(field, _("Type the name of a city."))
            return None
        found = selectors.place_named(country_id=self.household.country_id, name=name)
        if found is None:
            form.add_error(field, _("No place of that name in the household's country."))
        return found


class RelocationForm(PlaceNamed, WriteForm):
    modality = forms.ChoiceField(label=_("Modality"), choices=Modality.choices)
    destination = forms.CharField(label=_("Destination city"), max_length=200)
    host_name = forms.CharField(label=_("Host or employer"), max_length=120)
    host_contact = forms.CharField(
        label=_("Host or employer contact"), max_length=120,
        help_text=_("A phone number or an address."),
    )  # fmt: skip

    def __init__(self, *args: Any, household: Household, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.household = household
        self.fields["destination"].widget.attrs["list"] = "casework-places"

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("destination"):
            data["destination_place"] = self.find_place(data["destination"], "destination",
                                                   required=True)  # fmt: skip
        return data


class DayForm(forms.Form):
    on = forms.DateField(label=_("Date"), widget=date_input())


class StageForm(WriteForm):
    """One step of a relocation case; the page shows each next stage's fields only."""

    stage = forms.CharField(widget=forms.HiddenInput, max_length=20)
    on = forms.DateField(label=_("Date"), widget=date_input(), required=False)
    trip: forms.ModelChoiceField[Any] = forms.ModelChoiceField(
        label=_("Humanitarian transport trip"), required=False, queryset=Trip.objects.none()
    )
    outcome = forms.ChoiceField(label=_("What the visit found"), required=False,
                                choices=[("", "—"), *VisitOutcome.choices])  # fmt: skip
    reason = forms.ChoiceField(label=_("Reason"), required=False,
                               choices=[("", "—"), *CancelReason.choices])  # fmt: skip

    def __init__(self, *args: Any, trips: QuerySet[Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["trip"].queryset = trips  # type: ignore[attr-defined]
        self.fields["trip"].to_field_name = "uuid"  # type: ignore[attr-defined]


def _transfer_fields() -> dict[str, forms.Field]:
    return {
        "value": forms.DecimalField(
            label=_("Value"), required=False, min_value=Decimal("0.01"), max_value=MAX_VALUE,
            max_digits=12, decimal_places=2,
            help_text=_("Recorded, not paid: nothing here moves money."),
        ),
        "currency": forms.ChoiceField(label=_("Currency"), required=False,
                                      choices=CURRENCY_CHOICES),
        "mechanism": forms.ChoiceField(label=_("Delivery mechanism"), required=False,
                                       choices=MECHANISM_CHOICES),
    }  # fmt: skip


class MemberChoice(forms.ModelChoiceField):
    def label_from_instance(self, obj: Person) -> str:
        return obj.full_name


class ServiceRecordForm(PlaceNamed, WriteForm):
    kind = forms.ChoiceField(label=_("Service"), choices=ServiceKind.choices)
    person = MemberChoice(label=_("Person"), required=False, queryset=Person.objects.none(),
                          empty_label=_("The whole household"), to_field_name="uuid")  # fmt: skip
    served_on = forms.DateField(label=_("Date"), widget=date_input())
    place = forms.CharField(label=_("Place"), max_length=200, required=False)
    quantity = forms.IntegerField(label=_("Quantity"), min_value=1, max_value=MAX_QUANTITY,
                                  initial=1)  # fmt: skip

    def __init__(self, *args: Any, household: Household, kinds: list[str],
                 **kwargs: Any) -> None:  # fmt: skip
        super().__init__(*args, **kwargs)
        self.household = household
        self.fields.update(_transfer_fields())
        self.fields["kind"].choices = [  # type: ignore[attr-defined]
            (k, label) for k, label in ServiceKind.choices if k in kinds
        ]
        self.fields["person"].queryset = selectors.members(household)  # type: ignore[attr-defined]
        self.fields["place"].widget.attrs["list"] = "casework-places"
        self.fields["currency"].initial = currencies.for_country(household.country.iso2)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        data["place_obj"] = self.find_place(data.get("place") or "", "place", required=False)
        return data


class LivelihoodForm(WriteForm):
    person = MemberChoice(label=_("Person"), queryset=Person.objects.none(),
                          to_field_name="uuid")  # fmt: skip
    kind = forms.ChoiceField(label=_("Activity"), choices=LivelihoodKind.choices)
    title = forms.CharField(label=_("Course, employer or business"), max_length=120)
    started_on = forms.DateField(label=_("Started on"), widget=date_input())
    follow_up_on = forms.DateField(
        label=_("Follow-up on"), widget=date_input(), required=False,
        help_text=_("Empty: 90 days after the start."),
    )  # fmt: skip

    def __init__(self, *args: Any, household: Household, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.household = household
        self.fields.update(_transfer_fields())
        self.fields["value"].help_text = _("Seed capital only. Recorded, not paid.")
        self.fields["person"].queryset = selectors.members(household)  # type: ignore[attr-defined]
        self.fields["currency"].initial = currencies.for_country(household.country.iso2)


class OutcomeForm(forms.Form):
    outcome = forms.ChoiceField(label=_("Outcome"), choices=Outcome.choices)
    on = forms.DateField(label=_("Follow-up made on"), widget=date_input())
    months_employed = forms.IntegerField(
        label=_("Employed after (months)"), required=False, min_value=0, max_value=120,
        help_text=_("Only when the person is employed."),
    )  # fmt: skip

    def __init__(self, *args: Any, kind: str, **kwargs: Any) -> None:
        from caminantes.assistance.casework.models import OUTCOMES

        super().__init__(*args, **kwargs)
        allowed = OUTCOMES[LivelihoodKind(kind)]
        self.fields["outcome"].choices = [  # type: ignore[attr-defined]
            (o, label) for o, label in Outcome.choices if o in allowed
        ]
