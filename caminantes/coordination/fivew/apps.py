from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FivewConfig(AppConfig):
    name = "caminantes.coordination.fivew"
    label = "fivew"
    verbose_name = _("5W reporting")

    def ready(self) -> None:
        import caminantes.coordination.fivew.policies  # noqa: F401 - registers the scopes
        from caminantes.accounts.permissions import Perm
        from caminantes.lib import navigation

        navigation.add(
            "fivew_reports", _("5W reports"), Perm.REPORT_5W, order=600,
            alternatives=(Perm.VALIDATE_5W,),
        )  # fmt: skip
        navigation.add(
            "fivew_dashboard", _("5W dashboard"), Perm.REPORT_5W, order=601,
            alternatives=(Perm.VALIDATE_5W, Perm.EXPORT_AGGREGATES),
        )  # fmt: skip
