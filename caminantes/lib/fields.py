"""Form fields that refuse, in words, what the database would choke on."""

from __future__ import annotations

from typing import Any

from django import forms

# The widest integer key any supported database stores (64-bit).
MAX_KEY = 2**63 - 1


class ModelMultipleChoiceField(forms.ModelMultipleChoiceField):
    """Django's field, but a key past any integer column's range is "not one of the
    choices" instead of an overflow in the query that looks the choices up (SQLite)."""

    def clean(self, value: Any) -> Any:
        if self.to_field_name is None and value:
            for pk in value if isinstance(value, list | tuple) else [value]:
                text = str(pk)
                if text.lstrip("-").isdigit() and abs(int(text)) > MAX_KEY:
                    raise forms.ValidationError(
                        self.error_messages["invalid_choice"], code="invalid_choice",
                        params={"value": text[:20]},
                    )  # fmt: skip
        return super().clean(value)
