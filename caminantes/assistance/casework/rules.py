"""The relocation's eligibility checklist: documents, health check, consent.

Everyone who travels (every member of the household not erased) needs a valid identity or
regularization document (a cédula, passport, birth certificate for a child, PPT, CPP or
another host-country permit, not lost and not expired), read from the registry's own
listing of the members and their documents, and a valid consent to voluntary relocation,
asked through `registry.consent` (a guardian's for a child, with the child's assent where
it was asked). The household needs a health check before it leaves. A case missing any of
these does not go to pre-departure or travel: `refuse_if_not_eligible` says which and who.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from django.utils.translation import gettext as _

from caminantes.assistance.casework.models import RelocationCase
from caminantes.assistance.errors import Refused
from caminantes.registry import consent
from caminantes.registry import selectors as registry
from caminantes.registry.models import Document, Person

# Documents that prove who a person is or that she may stay: every type but "other".
IDENTITY_DOCUMENTS = [t for t in Document.Type.values if t != Document.Type.OTHER]


def has_valid_document(person: Person, today: date) -> bool:
    return any(
        d.type in IDENTITY_DOCUMENTS
        and d.status == Document.Status.VALID
        and (d.expires_on is None or d.expires_on >= today)
        for d in person.documents.all()
    )


@dataclass
class Checklist:
    travellers: list[Person] = field(default_factory=list)
    without_documents: list[Person] = field(default_factory=list)
    without_consent: list[Person] = field(default_factory=list)
    health_check_on: date | None = None

    @property
    def documents_ok(self) -> bool:
        return bool(self.travellers) and not self.without_documents

    @property
    def consent_ok(self) -> bool:
        return bool(self.travellers) and not self.without_consent

    @property
    def health_ok(self) -> bool:
        return self.health_check_on is not None

    @property
    def complete(self) -> bool:
        return self.documents_ok and self.consent_ok and self.health_ok


def checklist(case: RelocationCase, today: date) -> Checklist:
    people = list(registry.members_of(case.household).order_by("pk"))
    return Checklist(
        travellers=people,
        without_documents=[p for p in people if not has_valid_document(p, today)],
        without_consent=[p for p in people if not consent.allowed(p, consent.Purpose.RELOCATION)],
        health_check_on=case.health_check_on,
    )


def _names(people: list[Person]) -> str:
    return ", ".join(p.full_name for p in people)


def refuse_if_not_eligible(case: RelocationCase, today: date) -> Checklist:
    """The checklist, or the refusal naming its first missing item and the people concerned."""
    found = checklist(case, today)
    if not found.travellers:
        raise Refused(_("The household has nobody left to relocate."), code="no_travellers")
    if found.without_consent:
        raise Refused(
            _("No valid consent to voluntary relocation for: %(names)s. Ask for it and record "
              "it in the registry first.") % {"names": _names(found.without_consent)},
            code="consent_missing",
        )  # fmt: skip
    if found.without_documents:
        raise Refused(
            _("No valid identity or regularization document for: %(names)s.")
            % {"names": _names(found.without_documents)},
            code="documents_missing",
        )
    if not found.health_ok:
        raise Refused(_("Record the health check first."), code="health_check_missing")
    return found
