"""The forms of the shelter pages. Those that write carry a hidden `request_id` made when the
page is served, so a form posted twice (a double tap, a re-send) is recorded once."""

from __future__ import annotations

import uuid as uuid_lib
from collections.abc import Sequence
from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from caminantes.assistance.shelter.models import MAX_NIGHTS_LIMIT, Bed, BedKind, SiteKind
from caminantes.assistance.shelter.services import MAX_BEDS_AT_ONCE
from caminantes.geo.models import Country
from caminantes.lib.widgets import date_input
from caminantes.registry.models import Person


class WriteForm(forms.Form):
    request_id = forms.UUIDField(widget=forms.HiddenInput, initial=uuid_lib.uuid4)


class SiteForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=120)
    kind = forms.ChoiceField(label=_("Kind"), choices=SiteKind.choices)
    country: forms.ModelChoiceField[Any] = forms.ModelChoiceField(
        label=_("Country"), queryset=Country.objects.none()
    )
    max_nights = forms.IntegerField(
        label=_("Maximum nights"), min_value=1, max_value=MAX_NIGHTS_LIMIT, initial=7
    )
    rules = forms.CharField(
        label=_("House rules"), max_length=4000, required=False, widget=forms.Textarea
    )

    def __init__(self, *args: Any, countries: QuerySet[Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["country"].queryset = countries  # type: ignore[attr-defined]


class RoomForm(forms.Form):
    name = forms.CharField(label=_("Room"), max_length=60)
    women_only = forms.BooleanField(label=_("Women only"), required=False)
    families = forms.BooleanField(label=_("Families with children"), required=False)
    accessible = forms.BooleanField(label=_("Accessible"), required=False)
    beds = forms.IntegerField(
        label=_("Beds"), min_value=0, max_value=MAX_BEDS_AT_ONCE, initial=4,
        help_text=_("For hotel vouchers: the voucher places."),
    )  # fmt: skip
    bed_kind = forms.ChoiceField(label=_("Kind of bed"), choices=BedKind.choices)


class RoomRenameForm(forms.Form):
    name = forms.CharField(label=_("New name"), max_length=60)


class BedsForm(forms.Form):
    count = forms.IntegerField(label=_("Beds to add"), min_value=1, max_value=MAX_BEDS_AT_ONCE)
    kind = forms.ChoiceField(label=_("Kind of bed"), choices=BedKind.choices)


class CheckInForm(WriteForm):
    """One choice of bed per member (or none), the nights, and optionally a reservation."""

    nights = forms.IntegerField(label=_("Nights"), min_value=1, max_value=MAX_NIGHTS_LIMIT)
    reserve_hours = forms.IntegerField(
        label=_("Only reserve, for hours"), min_value=1, max_value=168, required=False,
        help_text=_("Leave empty when the household is here now. A reservation not taken up "
                    "by then can be marked as a no-show."),
    )  # fmt: skip

    def __init__(
        self, *args: Any, people: Sequence[Person], beds: Sequence[Bed], max_nights: int,
        **kwargs: Any,
    ) -> None:  # fmt: skip
        super().__init__(*args, **kwargs)
        self.people = list(people)
        self.beds = {str(b.uuid): b for b in beds}
        self.fields["nights"].initial = min(3, max_nights)
        self.fields["nights"].help_text = _("At most %(max)s.") % {"max": max_nights}
        choices = [("", _("No bed"))] + [(key, str(b)) for key, b in self.beds.items()]
        for p in self.people:
            self.fields[f"bed_{p.uuid}"] = forms.ChoiceField(
                label=p.full_name, choices=choices, required=False
            )

    def placements(self) -> list[tuple[Person, Bed]]:
        return [
            (p, self.beds[self.cleaned_data[f"bed_{p.uuid}"]])
            for p in self.people
            if self.cleaned_data.get(f"bed_{p.uuid}")
        ]


class ExtendForm(WriteForm):
    nights = forms.IntegerField(label=_("More nights"), min_value=1, max_value=MAX_NIGHTS_LIMIT)
    reason = forms.CharField(label=_("Reason"), max_length=300)


class WaitingForm(WriteForm):
    size = forms.IntegerField(label=_("People"), min_value=1, max_value=50)
    needs = forms.CharField(label=_("Needs"), max_length=300, required=False)
    priority = forms.TypedChoiceField(
        label=_("Priority"), coerce=int, initial=2,
        choices=[(1, _("1 · urgent")), (2, _("2 · normal")), (3, _("3 · can wait"))],
    )  # fmt: skip


class HeadcountForm(WriteForm):
    night = forms.DateField(label=_("Night of"), widget=date_input())
    present = forms.MultipleChoiceField(
        label=_("Present tonight"), required=False, widget=forms.CheckboxSelectMultiple
    )

    def __init__(self, *args: Any, guests: Sequence[Person], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.guests = {str(p.uuid): p for p in guests}
        field: Any = self.fields["present"]
        field.choices = [(key, p.full_name) for key, p in self.guests.items()]

    def present_people(self) -> list[Person]:
        return [self.guests[key] for key in self.cleaned_data.get("present", [])]
