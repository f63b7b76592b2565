from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DtmConfig(AppConfig):
    name = "caminantes.dtm"
    label = "dtm"
    verbose_name = _("Displacement Tracking Matrix")

    def ready(self) -> None:
        import caminantes.dtm.policies  # noqa: F401 - registers the scopes at start-up
        from caminantes.accounts.permissions import Perm
        from caminantes.lib import import_recovery, navigation

        # Imports whose background worker died (caminantes imports_recover, periodic task).
        def imports() -> import_recovery.Recoverer:
            from caminantes.dtm.imports import recovery

            return recovery.recoverer()

        import_recovery.register("dtm", imports)
        navigation.add("dtm_home", _("DTM"), Perm.DTM_COLLECT, order=300)
        navigation.add("dtm_imports", _("DTM imports"), Perm.DTM_COLLECT, order=310)

        from caminantes.dtm import outputs

        outputs.ready()
