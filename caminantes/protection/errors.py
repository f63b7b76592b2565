"""The refusals of the protection services, each with a machine-readable code.

ValidationErrors, so a form shows them in words (lib.form_errors.apply_errors).
"""

from __future__ import annotations

from django.core.exceptions import ValidationError


class Refused(ValidationError):
    """The request is understood but the case says no (closed, consent missing)."""

    def __init__(self, message: str, *, code: str, field: str | None = None) -> None:
        if field:
            super().__init__({field: [ValidationError(message, code=code)]})
        else:
            super().__init__(message, code=code)
        self.refusal_code = code
        self.detail = message
