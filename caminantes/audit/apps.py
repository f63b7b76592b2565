from __future__ import annotations

from typing import Any

from django.apps import AppConfig
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


def _own_or_about(grant: Any) -> Q:
    return Q(organization=grant.organization_id) | Q(object_organization=grant.organization_id)


class AuditConfig(AppConfig):
    name = "caminantes.audit"
    label = "audit"
    verbose_name = _("Audit")

    def ready(self) -> None:
        from caminantes.accounts.permissions import Perm
        from caminantes.accounts.policies import Scope, register
        from caminantes.audit import receivers
        from caminantes.audit.models import Alert, AuditEvent
        from caminantes.lib import navigation

        receivers.connect()
        # An auditor sees what her organisation's people did, and what anyone attempted on
        # her organisation's records or accounts (denials, failed logins).
        register(AuditEvent, Scope(permission=Perm.VIEW_AUDIT, country_rule=_own_or_about))
        register(Alert, Scope(permission=Perm.VIEW_ALERTS, organization="organization"))
        navigation.add("audit_events", _("Audit trail"), Perm.VIEW_AUDIT, order=960)
        navigation.add("alerts", _("Alerts"), Perm.VIEW_ALERTS, order=970)
