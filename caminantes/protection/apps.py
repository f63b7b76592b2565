from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ProtectionConfig(AppConfig):
    name = "caminantes.protection"
    label = "protection"
    verbose_name = _("Protection")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        import caminantes.protection.policies  # noqa: F401 - registers the scopes
        from caminantes.accounts.permissions import Perm
        from caminantes.lib import navigation

        navigation.add("protection_cases", _("Protection"), Perm.GBV_CASES, order=450,
                       alternatives=(Perm.TRAFFICKING_CASES,))  # fmt: skip
