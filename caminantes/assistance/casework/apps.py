from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CaseworkConfig(AppConfig):
    name = "caminantes.assistance.casework"
    label = "casework"
    verbose_name = _("Casework")

    def ready(self) -> None:
        import caminantes.assistance.casework.policies  # noqa: F401 - registers the scopes
        from caminantes.accounts.permissions import Perm
        from caminantes.lib import navigation

        navigation.add("casework_inbox", _("My inbox"), Perm.REFER, order=400)
        navigation.add("casework_due", _("Follow-ups due"), Perm.REFER, order=430)
