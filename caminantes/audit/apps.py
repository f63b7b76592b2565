from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AuditConfig(AppConfig):
    name = "caminantes.audit"
    label = "audit"
    verbose_name = _("Audit")

    def ready(self) -> None:
        from caminantes.accounts.permissions import Perm
        from caminantes.accounts.policies import Scope, by_member_countries, register
        from caminantes.audit import receivers
        from caminantes.audit.models import Alert, AuditEvent
        from caminantes.lib import navigation

        receivers.connect()
        # An auditor's reach follows the countries of her membership.
        register(
            AuditEvent,
            Scope(
                permission=Perm.VIEW_AUDIT,
                organization="organization",
                country_rule=by_member_countries("actor"),
            ),
        )
        register(
            Alert,
            Scope(
                permission=Perm.VIEW_ALERTS,
                organization="organization",
                country_rule=by_member_countries("user"),
            ),
        )
        navigation.add("audit_events", _("Audit trail"), Perm.VIEW_AUDIT, order=960)
        navigation.add("alerts", _("Alerts"), Perm.VIEW_ALERTS, order=970)
