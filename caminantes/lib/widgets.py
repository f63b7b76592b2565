"""Form widgets shared by every app."""

from __future__ import annotations

from django import forms


def date_input() -> forms.DateInput:
    """A native date picker; its value must be ISO whatever the language, or it shows empty."""
    return forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
