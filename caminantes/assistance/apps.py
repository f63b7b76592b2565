from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AssistanceConfig(AppConfig):
    name = "caminantes.assistance"
    label = "assistance"
    verbose_name = _("Assistance")

    def ready(self) -> None:
        import caminantes.assistance.policies  # noqa: F401 - registers the scopes at start-up
        from caminantes.accounts.permissions import Perm
        from caminantes.lib import navigation

        navigation.add("assistance_warehouses", _("Warehouses"), Perm.MANAGE_STOCK, order=400)
        # Reports: stock staff reach both from the list; 5W reporters go to people reached.
        navigation.add("assistance_reports", _("Assistance reports"), Perm.MANAGE_STOCK,
                       order=480, alternatives=(Perm.MANAGE_SHELTER,))  # fmt: skip
        # The staff who deliver see whom they reached; so do those who report the 5W.
        delivering = (Perm.DISTRIBUTE, Perm.MANAGE_SHELTER, Perm.MANAGE_TRANSPORT)
        navigation.add("assistance_report_reach", _("People reached"), Perm.REPORT_5W,
                       order=481, alternatives=delivering)  # fmt: skip
        navigation.add("assistance_plans", _("Distributions"), Perm.DISTRIBUTE, order=410)
        navigation.add("assistance_catalogue", _("Catalogue"), Perm.MANAGE_STOCK, order=405,
                       alternatives=(Perm.DISTRIBUTE,))  # fmt: skip
