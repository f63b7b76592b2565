"""Who may see the registry's records: each model's scope at the policy door.

Imported by `RegistryConfig.ready()` so that the rules are in place at start-up; importing
this module registers them (again, harmlessly).
"""

from __future__ import annotations

from caminantes.accounts.permissions import Perm
from caminantes.accounts.policies import Scope, register
from caminantes.registry import models as m


def via_household(prefix: str = "", *, personal_data: bool = False) -> Scope:
    """Seen by whoever may see personal data where the household (at `prefix`) lives.
    `personal_data`: reading one is audited (accounts.policies)."""
    return Scope(
        permission=Perm.VIEW_PERSONAL_DATA,
        organization=f"{prefix}organization",
        country=f"{prefix}country",
        area=f"{prefix}admin_area",
        personal_data=personal_data,
    )


HOUSEHOLD_SCOPE = via_household(personal_data=True)
DATA_REQUEST_SCOPE = Scope(permission=Perm.HANDLE_DATA_REQUESTS, organization="organization")
# Staged rows are personal data: seen by whoever may see the registry there.
IMPORT_BATCH_SCOPE = Scope(
    permission=Perm.VIEW_PERSONAL_DATA, organization="organization", country="country"
)

register(m.Household, HOUSEHOLD_SCOPE)
register(m.Person, via_household("household__", personal_data=True))
register(m.Document, via_household("person__household__", personal_data=True))
register(m.Phone, via_household("household__"))
register(m.Consent, via_household("person__household__"))
register(m.NeedsAssessment, via_household("household__"))
register(m.TimelineEntry, via_household("household__"))
register(m.FieldChange, via_household("household__"))
register(m.DataRequest, DATA_REQUEST_SCOPE)
register(m.ImportBatch, IMPORT_BATCH_SCOPE)
register(
    m.SharedDocumentConfirmation,
    Scope(permission=Perm.CONFIRM_SHARED_DOCUMENTS, organization="organization", country="country"),
)
