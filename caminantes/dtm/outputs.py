"""Wiring of the DTM outputs (dashboards, reports, exports), called from DtmConfig.ready()."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _


def ready() -> None:
    from caminantes.accounts.permissions import Perm
    from caminantes.lib import navigation

    navigation.add("dtm_dashboards", _("DTM dashboards"), Perm.DTM_ANALYSE, order=305)
