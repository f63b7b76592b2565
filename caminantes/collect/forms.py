from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from caminantes.collect.models import FormKind
from caminantes.geo.models import Country


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("widget", MultipleFileInput())
        super().__init__(*args, **kwargs)

    def clean(self, data: Any, initial: Any = None) -> Any:
        single = super().clean
        if isinstance(data, list | tuple):
            return [single(d, initial) for d in data]
        return [single(data, initial)] if data else []


class UploadForm(forms.Form):
    xlsform = forms.FileField(
        label=_("XLSForm (.xlsx)"),
        help_text=_("The settings sheet gives the form_id and the version. A new version of "
                    "a form already here replaces it on the devices."),
    )  # fmt: skip
    kind = forms.ChoiceField(
        label=_("What its submissions become"), choices=FormKind.choices, initial=FormKind.OTHER
    )
    country = forms.ModelChoiceField(
        label=_("Country"), queryset=Country.objects.none(), required=False,
        empty_label=_("All the organisation's countries"),
    )  # fmt: skip
    media_files = MultipleFileField(
        label=_("Media files (images, audio, CSV)"), required=False,
        help_text=_("Only the files the form names."),
    )  # fmt: skip

    def __init__(self, *args: Any, countries: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["country"].queryset = countries  # type: ignore[attr-defined]


class AppUserForm(forms.Form):
    name = forms.CharField(
        label=_("Name of the device or team"), max_length=100,
        help_text=_("For example: Tablet 3, Cúcuta team."),
    )  # fmt: skip
