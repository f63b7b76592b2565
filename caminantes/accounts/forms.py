from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from caminantes.accounts.lockout import normalize_email_login
from caminantes.accounts.models import ApiToken, Organization
from caminantes.accounts.permissions import Role
from caminantes.geo.models import Country
from caminantes.lib.fields import ModelMultipleChoiceField
from caminantes.lib.widgets import date_input


class LoginEmailField(forms.EmailField):
    """An e-mail in its one spelling (see accounts.lockout), before it is validated."""

    def to_python(self, value: Any) -> str:
        return normalize_email_login(super().to_python(value))


class EmailAuthenticationForm(AuthenticationForm):
    username = LoginEmailField(
        label=_("E-mail"),
        widget=forms.EmailInput(attrs={"autofocus": True, "autocomplete": "username"}),
    )


class OtpTokenForm(forms.Form):
    token = forms.CharField(
        label=_("Code"),
        max_length=16,
        widget=forms.TextInput(
            attrs={
                "autocomplete": "one-time-code",
                "inputmode": "numeric",
                "autofocus": True,
                "pattern": "[0-9a-zA-Z ]*",
            }
        ),
        help_text=_("The 6-digit code from your authenticator app, or a backup code."),
    )


class SudoForm(forms.Form):
    # The password the person already has (a password manager fills it, not a new one);
    # the code as on the login page, minus the numeric keypad: a backup code has letters.
    password = forms.CharField(
        label=_("Password"),
        widget=forms.PasswordInput(attrs={"autofocus": True, "autocomplete": "current-password"}),
    )
    token = forms.CharField(
        label=_("Code from your authenticator"),
        max_length=16,
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code"}),
    )


class ApiTokenForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=100)
    scopes = forms.MultipleChoiceField(
        label=_("Scopes"),
        choices=ApiToken.Scope.choices,
        widget=forms.CheckboxSelectMultiple,
        initial=["read"],
    )
    days = forms.IntegerField(label=_("Valid for (days)"), min_value=1, initial=90)


class MembershipForm(forms.Form):
    email = forms.EmailField(label=_("E-mail"))
    full_name = forms.CharField(label=_("Full name"), max_length=200, required=False)
    role = forms.ChoiceField(label=_("Role"), choices=Role.choices)
    countries = ModelMultipleChoiceField(
        label=_("Countries"),
        queryset=Country.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("None ticked: every country the organisation works in."),
    )
    ends_on = forms.DateField(
        label=_("Ends on"),
        required=False,
        widget=date_input(),
    )

    def __init__(
        self, *args: Any, organization: Organization, actor: Any = None, **kwargs: Any
    ) -> None:
        from caminantes.accounts import policies

        super().__init__(*args, **kwargs)
        countries = organization.countries.all()
        roles = [c for c in Role.choices if c[0] != Role.PLATFORM_ADMIN]
        if actor is not None:
            grantable = policies.grantable_roles(actor, organization)
            roles = [(r.value, r.label) for r in grantable]
            allowed = policies.manageable_country_ids(actor, organization)
            if allowed is not None:
                countries = countries.filter(pk__in=allowed)
                # "None ticked: every country" is refused to a manager of some countries.
                self.fields["countries"].help_text = _(
                    "Tick the countries the member will work in: you may give roles only in "
                    "the countries you manage."
                )
                if len(allowed) == 1:
                    self.fields["countries"].initial = list(allowed)
        self.fields["role"].choices = [("", "—"), *roles]  # type: ignore[attr-defined]
        self.fields["countries"].queryset = countries  # type: ignore[attr-defined]

    def clean_ends_on(self) -> Any:
        ends_on = self.cleaned_data.get("ends_on")
        if ends_on is not None and ends_on < timezone.localdate():
            raise forms.ValidationError(_("A membership cannot end before today."))
        return ends_on
