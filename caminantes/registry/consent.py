"""May we? Sharing, referral, tracing, messaging and aggregate counting all ask here.

`allowed(person, purpose, recipient=None)` answers from the consent records;
`require(...)` raises ConsentRequired, with a message a caseworker can read, when there is
no valid basis. Nothing else reads the consent rows to decide.
"""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _

from caminantes.registry.models import Consent, Person

Purpose = Consent.Purpose


class ConsentRequired(Exception):
    """No valid basis for this use of this person's data."""

    def __init__(self, person: Person, purpose: str, recipient: Any = None) -> None:
        self.person = person
        self.purpose = purpose
        self.recipient = recipient
        label = Purpose(purpose).label
        if recipient is not None:
            message = _("No valid consent to %(purpose)s with %(recipient)s for this person.") % {
                "purpose": str(label).lower(),
                "recipient": getattr(recipient, "acronym", recipient),
            }
        else:
            message = _("No valid consent for this use: %(purpose)s.") % {"purpose": label}
        super().__init__(message)


def _active(person: Person, purpose: str, recipient: Any = None) -> Consent | None:
    qs = Consent.objects.filter(person=person, purpose=purpose, withdrawn_on__isnull=True)
    if purpose == Purpose.SHARING:
        if recipient is None:
            return None
        qs = qs.filter(recipient=recipient)
    consent = qs.order_by("-given_on", "-id").first()
    if consent is None:
        return None
    # A guardian's consent for a child counts only with the child's assent (when asked).
    if consent.given_by == Consent.GivenBy.GUARDIAN and consent.child_assent is False:
        return None
    return consent


def allowed(person: Person, purpose: str, recipient: Any = None) -> bool:
    if person.anonymised_at is not None:
        return False
    return _active(person, purpose, recipient) is not None


def require(person: Person, purpose: str, recipient: Any = None) -> Consent:
    consent = _active(person, purpose, recipient) if person.anonymised_at is None else None
    if consent is None:
        raise ConsentRequired(person, purpose, recipient)
    return consent
