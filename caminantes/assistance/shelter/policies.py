"""Who may see the shelters: each model's scope at the policy door.

Imported by `ShelterConfig.ready()`. A site belongs to an organisation in a country and is
seen by its shelter staff (MANAGE_SHELTER); rooms, beds, stays, the waiting list and the
headcounts follow their site. Stays and waiting-list entries name a household, so reading
one is audited as personal data.
"""

from __future__ import annotations

from caminantes.accounts.permissions import Perm
from caminantes.accounts.policies import Scope, register
from caminantes.assistance.shelter import models as m


def of_site(path: str, *, personal_data: bool = False) -> Scope:
    prefix = f"{path}__" if path else ""
    return Scope(
        permission=Perm.MANAGE_SHELTER, organization=f"{prefix}organization",
        country=f"{prefix}country", personal_data=personal_data,
    )  # fmt: skip


register(m.Site, of_site(""))
register(m.Room, of_site("site"))
register(m.Bed, of_site("room__site"))
register(m.Stay, of_site("site", personal_data=True))
register(m.WaitingEntry, of_site("site", personal_data=True))
register(m.Headcount, of_site("site"))
