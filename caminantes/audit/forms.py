from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from caminantes.audit import actions
from caminantes.audit.models import Outcome
from caminantes.lib.widgets import date_input


class AuditFilterForm(forms.Form):
    since = forms.DateField(
        label=_("From"),
        required=False,
        widget=date_input(),
    )
    until = forms.DateField(
        label=_("To"),
        required=False,
        widget=date_input(),
    )
    user = forms.CharField(label=_("User e-mail"), required=False, max_length=254)
    action = forms.ChoiceField(label=_("Action"), required=False)
    outcome = forms.ChoiceField(
        label=_("Outcome"), required=False, choices=[("", "—"), *Outcome.choices]
    )
    object_uuid = forms.UUIDField(label=_("Object id"), required=False)

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.fields["action"].choices = [("", "—")] + [  # type: ignore[attr-defined]
            (key, label)
            for key, label in actions.LABELS.items()
            if key not in actions.HIDDEN_ACTIONS
        ]
