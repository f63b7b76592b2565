from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RegistryConfig(AppConfig):
    name = "caminantes.registry"
    label = "registry"
    verbose_name = _("Registry")

    def ready(self) -> None:
        from caminantes.accounts.permissions import Perm
        from caminantes.accounts.policies import Scope, register
        from caminantes.lib import navigation
        from caminantes.registry import models as m

        household_scope = Scope(
            permission=Perm.VIEW_PERSONAL_DATA,
            organization="organization",
            country="country",
            area="admin_area",
            personal_data=True,
        )
        register(m.Household, household_scope)

        def via_household(prefix: str, *, personal_data: bool = False) -> Scope:
            return Scope(
                permission=Perm.VIEW_PERSONAL_DATA,
                organization=f"{prefix}organization",
                country=f"{prefix}country",
                area=f"{prefix}admin_area",
                personal_data=personal_data,
            )

        # Reading a household, a person or a document is audited (accounts.policies).
        register(m.Person, via_household("household__", personal_data=True))
        register(m.Document, via_household("person__household__", personal_data=True))
        register(m.Phone, via_household("household__"))
        register(m.Consent, via_household("person__household__"))
        register(m.NeedsAssessment, via_household("household__"))
        register(m.TimelineEntry, via_household("household__"))
        register(m.FieldChange, via_household("household__"))
        register(
            m.DataRequest,
            Scope(permission=Perm.HANDLE_DATA_REQUESTS, organization="organization"),
        )
        # Staged rows are personal data: seen by whoever may see the registry there.
        register(
            m.ImportBatch,
            Scope(
                permission=Perm.VIEW_PERSONAL_DATA, organization="organization", country="country"
            ),
        )
        # Batches whose background worker died (caminantes imports_recover, periodic task).
        from caminantes.lib import stalls

        def import_batches() -> stalls.Recoverer:
            from caminantes.registry.imports import recovery

            return recovery.recoverer()

        stalls.register("registry", import_batches)
        navigation.add("registry_search", _("Registry"), Perm.VIEW_PERSONAL_DATA, order=100)
        navigation.add("registry_imports", _("Imports"), Perm.IMPORT_DATA, order=110)
        navigation.add("registry_exports", _("Exports"), Perm.EXPORT_PERSONAL_DATA, order=120)
        navigation.add("rights_register", _("Data requests"), Perm.HANDLE_DATA_REQUESTS, order=130)
