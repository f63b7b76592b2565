"""Who may see the assistance records: each model's scope at the policy door.

Imported by `AssistanceConfig.ready()`. The catalogue is shared reference data; warehouses,
their stock and ledger belong to an organisation in a country and are seen by its stock
staff (MANAGE_STOCK); deliveries name people, so they are personal data of the organisation
and country that delivered.
"""

from __future__ import annotations

from caminantes.accounts.permissions import Perm
from caminantes.accounts.policies import Scope, register
from caminantes.assistance import models as m

STOCK = Scope(permission=Perm.MANAGE_STOCK, organization="organization", country="country")


def stock_of(path: str) -> Scope:
    return Scope(
        permission=Perm.MANAGE_STOCK, organization=f"{path}__organization",
        country=f"{path}__country",
    )  # fmt: skip


register(m.Item, Scope(any_member=True))
register(m.Kit, Scope(any_member=True))
register(m.Warehouse, STOCK)
register(m.StockBalance, stock_of("warehouse"))
register(m.StockMovement, stock_of("warehouse"))
register(m.Transfer, stock_of("source"))
register(
    m.ServiceDelivery,
    Scope(
        permission=Perm.VIEW_PERSONAL_DATA, organization="organization", country="country",
        personal_data=True,
    ),
)  # fmt: skip
register(m.StockRequest, stock_of("warehouse"))
register(
    m.DistributionPlan,
    Scope(permission=Perm.DISTRIBUTE, organization="organization", country="country"),
)
register(
    m.Handover,
    Scope(
        permission=Perm.DISTRIBUTE, organization="plan__organization", country="plan__country",
        personal_data=True,
    ),
)  # fmt: skip
