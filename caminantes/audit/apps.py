from __future__ import annotations

from typing import Any

from django.apps import AppConfig
from django.db.models import Q
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
        # An auditor sees what her organisation's people did in her countries, and (when her
        # membership is organisation-wide) what anyone attempted on her organisation's records
        # or accounts (denials, failed logins).
        by_actor = by_member_countries("actor")

        def audit_rule(grant: Any) -> Q:
            own = Q(organization=grant.organization_id) & by_actor(grant)
            if grant.org_wide:
                return own | Q(object_organization=grant.organization_id)
            return own

        register(AuditEvent, Scope(permission=Perm.VIEW_AUDIT, country_rule=audit_rule))
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
