"""Assistance models, split by topic: the catalogue, stock, and service deliveries."""

from caminantes.assistance.models.catalogue import Category, Item, Kit, KitLine, Unit
from caminantes.assistance.models.delivery import (
    DeliveryMechanism,
    Modality,
    ServiceDelivery,
    ServiceDeliveryPerson,
)
from caminantes.assistance.models.distribution import (
    DistributionPlan,
    Handover,
    PlanChange,
    QuantityBand,
)
from caminantes.assistance.models.stock import (
    LossReason,
    MovementKind,
    StockBalance,
    StockMovement,
    StockRequest,
    Transfer,
    Warehouse,
)

__all__ = [
    "Category",
    "DeliveryMechanism",
    "DistributionPlan",
    "Handover",
    "Item",
    "Kit",
    "KitLine",
    "LossReason",
    "Modality",
    "MovementKind",
    "PlanChange",
    "QuantityBand",
    "ServiceDelivery",
    "ServiceDeliveryPerson",
    "StockBalance",
    "StockMovement",
    "StockRequest",
    "Transfer",
    "Unit",
    "Warehouse",
]
