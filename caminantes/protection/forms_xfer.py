"""The forms of transfers and referrals: propose a transfer (consent, its date, who
explained it), answer one, refer out through the minimal form, move a referral on, and
accept or decline a referral that arrived in the inbox."""

from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from caminantes.accounts.models import Organization
from caminantes.lib.widgets import date_input
from caminantes.protection import choices as c
from caminantes.protection.models_xfer import ReferralStatus

EMPTY = [("", "---------")]


def _choices(kind: type[Any]) -> list[tuple[str, str]]:
    return EMPTY + list(kind.choices)


def _not_future(value: Any) -> Any:
    if value and value > timezone.localdate():
        raise forms.ValidationError(_("The date cannot be in the future."), code="future_date")
    return value


SHARE_CHOICES = [
    ("first_name", _("First name")),
    ("age", _("Age")),
    ("sex", _("Sex")),
    ("contact", _("Contact (phone or other)")),
    ("language", _("Language")),
    ("urgency", _("Urgency")),
]


class TransferForm(forms.Form):
    to_organization = forms.ModelChoiceField(
        label=_("Receiving organisation"), queryset=Organization.objects.none(),
        to_field_name="uuid",
    )  # fmt: skip
    consent = forms.BooleanField(
        label=_("The survivor consents to the transfer"), required=False,
        help_text=_("Explain what is shared and with whom before asking."),
    )  # fmt: skip
    consent_date = forms.DateField(
        label=_("Date of the consent"), widget=date_input(), validators=[_not_future]
    )
    explained_by = forms.CharField(label=_("Explained by"), max_length=200)
    note = forms.CharField(label=_("Note for the receiving organisation"), max_length=1000,
                           required=False, widget=forms.Textarea)  # fmt: skip

    def __init__(self, *args: Any, organizations: QuerySet[Organization], **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.fields["to_organization"].queryset = organizations  # type: ignore[attr-defined]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if not data.get("consent"):
            self.add_error("consent", _("A transfer needs the survivor's consent to it: "
                                        "explain it, then tick the box."))  # fmt: skip
        return data


class DeclineForm(forms.Form):
    reason = forms.CharField(label=_("Reason for declining"), max_length=1000,
                             widget=forms.Textarea)  # fmt: skip


class ReferralOutForm(forms.Form):
    service = forms.ChoiceField(label=_("Type of service"), choices=_choices(c.ServiceType))
    provider = forms.CharField(label=_("Provider or organisation"), max_length=200)
    share = forms.MultipleChoiceField(
        label=_("What is shared (only what is ticked)"), choices=SHARE_CHOICES, required=False,
        widget=forms.CheckboxSelectMultiple,
    )  # fmt: skip
    contact = forms.CharField(label=_("Contact to share"), max_length=120, required=False)
    language = forms.CharField(label=_("Language to share"), max_length=60, required=False)
    urgent = forms.BooleanField(label=_("Urgent"), required=False)
    consent = forms.BooleanField(label=_("The survivor consents to this referral"),
                                 required=False)  # fmt: skip
    consent_date = forms.DateField(
        label=_("Date of the consent"), widget=date_input(), validators=[_not_future]
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if not data.get("consent"):
            self.add_error("consent", _("A referral needs the survivor's consent to it."))
        share = data.get("share") or []
        if "contact" in share and not (data.get("contact") or "").strip():
            self.add_error("contact", _("Give the contact to share, or untick it."))
        if "language" in share and not (data.get("language") or "").strip():
            self.add_error("language", _("Give the language to share, or untick it."))
        return data


class ReferralStatusForm(forms.Form):
    status = forms.ChoiceField(
        label=_("Status"),
        choices=EMPTY + [(s, label) for s, label in ReferralStatus.choices if s != "sent"],
    )


class AcceptReferralForm(forms.Form):
    name = forms.CharField(
        label=_("Name (if not registered)"), max_length=200, required=False,
        help_text=_("Kept encrypted; shown only when revealed."),
    )  # fmt: skip
    sex = forms.ChoiceField(label=_("Sex"), choices=_choices(c.Sex))
    age = forms.IntegerField(label=_("Age"), min_value=0, max_value=120, required=False)

    def __init__(self, *args: Any, linked: bool, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if linked:
            del self.fields["name"]
