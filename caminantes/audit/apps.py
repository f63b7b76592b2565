from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AuditConfig(AppConfig):
    name = "caminantes.audit"
    label = "audit"
    verbose_name = _("Audit")

    def ready(self) -> None:
        # The scopes of AuditEvent and Alert and the audit menu entries are registered by
        # accounts (accounts.policies, AccountsConfig.ready), the layer above audit.
        from caminantes.audit import receivers

        receivers.connect()
