"""Identity's tables: review of suspected duplicates, and family tracing and reunification."""

from __future__ import annotations

from caminantes.identity.models.keys import MatchKey
from caminantes.identity.models.review import (
    DedupeRun,
    MergeRecord,
    PairDecision,
    ReviewTicket,
    Thresholds,
    TicketRecord,
)
from caminantes.identity.models.tracing import (
    Notification,
    ReunificationCase,
    TracingMatch,
    TracingRequest,
)

__all__ = [
    "DedupeRun",
    "MatchKey",
    "MergeRecord",
    "Notification",
    "PairDecision",
    "ReunificationCase",
    "ReviewTicket",
    "Thresholds",
    "TicketRecord",
    "TracingMatch",
    "TracingRequest",
]
