"""The refusals of the assistance services, each with a machine-readable code.

They are ValidationErrors, so a form shows them in words (lib.form_errors.apply_errors); the
API answers a `Refused` with 409, its `code` and its translated message as `detail`.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _


class Refused(ValidationError):
    """The request is understood but the world says no (not enough stock, already received)."""

    def __init__(self, message: str, *, code: str, field: str | None = None) -> None:
        if field:
            super().__init__({field: [ValidationError(message, code=code)]})
        else:
            super().__init__(message, code=code)
        self.refusal_code = code
        self.detail = message


class RequestConflict(Refused):
    """A request id already used for different content (the class itself is what
    `lib.idempotency.claim` is given to raise, with the general message)."""

    def __init__(self, message: str | None = None) -> None:
        if message is None:
            message = _("This request id was already used for a different request. Send a new id.")
        super().__init__(message, code="request_id_reused")
