"""Who may see campaigns: the staff who run them (MANAGE_CAMPAIGNS) in the organisation and
countries of their membership. Nothing personal is kept (counts only), yet a campaign is
still its organisation's own. Child rows follow their campaign. Imported by
`CampaignsConfig.ready()`.
"""

from __future__ import annotations

from caminantes.accounts.permissions import Perm
from caminantes.accounts.policies import Scope, register
from caminantes.coordination.campaigns import models as m


def of_campaign(prefix: str) -> Scope:
    return Scope(permission=Perm.MANAGE_CAMPAIGNS, organization=f"{prefix}organization",
                 country=f"{prefix}country", platform_wide=False)  # fmt: skip


register(m.Campaign, of_campaign(""))
register(m.Activity, of_campaign("campaign__"))
register(m.SurveyRound, of_campaign("campaign__"))
register(m.Material, of_campaign("campaign__"))
