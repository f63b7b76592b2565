"""The forms of the regularization pages. Those a double tap could send twice carry a hidden
`request_id` made when the page is served, so the write is recorded once."""

from __future__ import annotations

import uuid as uuid_lib
from collections.abc import Sequence
from datetime import date, time, timedelta
from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from caminantes.assistance.regularization.models import MAX_CAPACITY, Office, Scheme, Slot, Step
from caminantes.geo.models import Country
from caminantes.lib.widgets import date_input
from caminantes.registry.models import Document


class WriteForm(forms.Form):
    request_id = forms.UUIDField(widget=forms.HiddenInput, initial=uuid_lib.uuid4)


class SchemeForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=160)
    description = forms.CharField(
        label=_("Description"), max_length=4000, required=False, widget=forms.Textarea
    )
    is_active = forms.BooleanField(label=_("Open to new enrolments"), required=False)


class StepForm(forms.Form):
    name = forms.CharField(label=_("Step"), max_length=160)
    needs_appointment = forms.BooleanField(label=_("Needs an appointment"), required=False)
    document_type = forms.ChoiceField(
        label=_("Document produced"),
        required=False,
        choices=[("", _("None")), *Document.Type.choices],
        help_text=_("Added to the person's documents when the step is completed."),
    )
    may_skip = forms.BooleanField(label=_("May be skipped"), required=False)


class OfficeForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=120)
    country: forms.ModelChoiceField[Any] = forms.ModelChoiceField(
        label=_("Country"), queryset=Country.objects.none()
    )
    address = forms.CharField(label=_("Address"), max_length=300, required=False)

    def __init__(self, *args: Any, countries: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["country"].queryset = countries  # type: ignore[attr-defined]


class SlotsForm(forms.Form):
    """Slots for one step: every N minutes between two times, on each day of a range."""

    step = forms.ModelChoiceField(label=_("Step"), queryset=Step.objects.none())
    first_day = forms.DateField(label=_("First day"), widget=date_input())
    last_day = forms.DateField(label=_("Last day"), widget=date_input())
    start = forms.TimeField(
        label=_("From"),
        initial=time(8),
        widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
    )
    end = forms.TimeField(
        label=_("Until"),
        initial=time(12),
        widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
    )
    every_minutes = forms.IntegerField(
        label=_("Every (minutes)"), min_value=5, max_value=480, initial=30
    )
    capacity = forms.IntegerField(
        label=_("People per slot"), min_value=1, max_value=MAX_CAPACITY, initial=1
    )

    def __init__(self, *args: Any, office: Office, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["step"].queryset = (  # type: ignore[attr-defined]
            Step.objects.filter(
                scheme__country=office.country_id, scheme__is_active=True, needs_appointment=True
            )
            .select_related("scheme")
            .order_by("scheme__name", "position")
        )
        self.fields["step"].label_from_instance = lambda s: f"{s.scheme.name} · {s}"  # type: ignore[attr-defined]
        today = timezone.localdate()
        self.fields["first_day"].initial = today + timedelta(days=1)
        self.fields["last_day"].initial = today + timedelta(days=5)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        first, last = data.get("first_day"), data.get("last_day")
        today = timezone.localdate()
        if isinstance(first, date) and first < today:
            self.add_error("first_day", _("Open slots from today on, not in the past."))
        if isinstance(first, date) and isinstance(last, date) and last < first:
            self.add_error("last_day", _("The last day cannot be before the first."))
        start, end = data.get("start"), data.get("end")
        if isinstance(start, time) and isinstance(end, time) and end <= start:
            self.add_error("end", _("The end time must be after the start time."))
        return data


class EnrolForm(forms.Form):
    scheme = forms.ModelChoiceField(label=_("Scheme"), queryset=Scheme.objects.none())

    def __init__(self, *args: Any, schemes: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["scheme"].queryset = schemes  # type: ignore[attr-defined]


class AdvanceForm(WriteForm):
    """Complete the current step; the document's fields show only when it produces one."""

    to_step = forms.ModelChoiceField(
        label=_("Move to"),
        queryset=Step.objects.none(),
        required=False,
        help_text=_(
            "Leave empty for the next step. Only steps that may be skipped can be jumped over."
        ),
    )
    number = forms.CharField(label=_("Document number"), max_length=40, required=False)
    issued_on = forms.DateField(label=_("Issued on"), required=False, widget=date_input())
    expires_on = forms.DateField(label=_("Expires on"), required=False, widget=date_input())

    def __init__(self, *args: Any, later: Sequence[Step], document: bool, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["to_step"].queryset = Step.objects.filter(  # type: ignore[attr-defined]
            pk__in=[s.pk for s in later]
        ).order_by("position")
        if not document:
            for name in ("number", "issued_on", "expires_on"):
                del self.fields[name]
        else:
            self.fields["number"].required = True

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        issued, expires = data.get("issued_on"), data.get("expires_on")
        if isinstance(issued, date) and issued > timezone.localdate():
            self.add_error("issued_on", _("The issue date cannot be in the future."))
        if isinstance(issued, date) and isinstance(expires, date) and expires <= issued:
            self.add_error("expires_on", _("The expiry date must be after the issue date."))
        return data


class BackForm(forms.Form):
    to_step = forms.ModelChoiceField(label=_("Back to"), queryset=Step.objects.none())
    reason = forms.CharField(label=_("Reason"), max_length=300)

    def __init__(self, *args: Any, earlier: Sequence[Step], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["to_step"].queryset = Step.objects.filter(  # type: ignore[attr-defined]
            pk__in=[s.pk for s in earlier]
        ).order_by("position")


class AbandonForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), max_length=300)


class BookForm(WriteForm):
    slot = forms.ModelChoiceField(label=_("Appointment"), queryset=Slot.objects.none())

    def __init__(self, *args: Any, slots: Sequence[Slot], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["slot"].queryset = Slot.objects.filter(  # type: ignore[attr-defined]
            pk__in=[s.pk for s in slots]
        ).select_related("office", "step")
        self.fields["slot"].label_from_instance = _slot_label  # type: ignore[attr-defined]


def _slot_label(slot: Slot) -> str:
    when = timezone.localtime(slot.starts_at).strftime("%d/%m/%Y %H:%M")
    return f"{when} · {slot.office.name} · {slot.step.name} ({slot.free})"


class CancelForm(WriteForm):
    reason = forms.CharField(label=_("Reason"), max_length=300, required=False)
