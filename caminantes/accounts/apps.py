from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "caminantes.accounts"
    label = "accounts"
    verbose_name = _("Accounts")

    def ready(self) -> None:
        # Importing the door registers the scopes of accounts' models and of the layers
        # below it (geo's reference data, audit's events and alerts).
        from caminantes.accounts import (
            checks,  # noqa: F401 - registers the system checks
            policies,  # noqa: F401
        )
        from caminantes.accounts.permissions import Perm
        from caminantes.lib import navigation

        navigation.add("organizations", _("Organisations"), Perm.VIEW_MEMBERS, order=900)
        navigation.add("tokens", _("API tokens"), Perm.USE_API, order=950)
        # The audit pages' menu entries: audit sits below accounts and cannot name a Perm.
        navigation.add("audit_events", _("Audit trail"), Perm.VIEW_AUDIT, order=960)
        navigation.add("alerts", _("Alerts"), Perm.VIEW_ALERTS, order=970)
