from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CampaignsConfig(AppConfig):
    name = "caminantes.coordination.campaigns"
    label = "campaigns"
    verbose_name = _("Campaigns against xenophobia")

    def ready(self) -> None:
        import caminantes.coordination.campaigns.policies  # noqa: F401 - registers the scopes
        from caminantes.accounts.permissions import Perm
        from caminantes.lib import navigation

        navigation.add("campaigns_list", _("Campaigns"), Perm.MANAGE_CAMPAIGNS, order=610)
