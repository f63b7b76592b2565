from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RegistryConfig(AppConfig):
    name = "caminantes.registry"
    label = "registry"
    verbose_name = _("Registry")

    def ready(self) -> None:
        import caminantes.registry.policies  # noqa: F401 - registers the scopes at start-up
        from caminantes.accounts.permissions import Perm
        from caminantes.audit import actions as audit_actions
        from caminantes.lib import import_recovery, navigation
        from caminantes.registry import actions

        for action, label in actions.LABELS.items():
            audit_actions.LABELS.setdefault(action, label)

        # Batches whose background worker died (caminantes imports_recover, periodic task).
        def import_batches() -> import_recovery.Recoverer:
            from caminantes.registry.imports import recovery

            return recovery.recoverer()

        import_recovery.register("registry", import_batches)
        navigation.add("registry_search", _("Registry"), Perm.VIEW_PERSONAL_DATA, order=100)
        navigation.add("registry_imports", _("Imports"), Perm.IMPORT_DATA, order=110)
        navigation.add("registry_exports", _("Exports"), Perm.EXPORT_PERSONAL_DATA, order=120)
        navigation.add("rights_register", _("Data requests"), Perm.HANDLE_DATA_REQUESTS, order=130)
        navigation.add(
            "registry_document_confirm",
            _("Shared documents"),
            Perm.CONFIRM_SHARED_DOCUMENTS,
            order=135,
        )
