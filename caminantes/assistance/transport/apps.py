from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TransportConfig(AppConfig):
    name = "caminantes.assistance.transport"
    label = "transport"
    verbose_name = _("Humanitarian transport")

    def ready(self) -> None:
        import caminantes.assistance.transport.policies  # noqa: F401 - registers the scopes
        from caminantes.accounts.permissions import Perm
        from caminantes.lib import navigation

        navigation.add("transport_trips", _("Transport"), Perm.MANAGE_TRANSPORT, order=420)
