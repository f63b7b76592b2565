"""Reads of DTM data, always through the access policy.

Analysts (DTM_ANALYSE) see every row of their organisation and countries; enumerators
(DTM_COLLECT) see the reference data and the sheets they need to collect. `visible_dtm`
is the union of the two, for pages both use.
"""

from __future__ import annotations

from typing import Any, TypeVar

from django.db import models
from django.db.models import Q, QuerySet
from django.http import Http404

from caminantes.accounts import policies
from caminantes.accounts.permissions import Perm
from caminantes.dtm.models import (
    CollectiveSite,
    DtmImport,
    FlowCount,
    FlowMonitoringPoint,
    Operation,
)

M = TypeVar("M", bound=models.Model)


def visible_dtm(user: Any, model: type[M]) -> QuerySet[M]:
    """Rows the user sees as an analyst or as an enumerator."""
    analyst = policies.visible(user, model, Perm.DTM_ANALYSE)
    collector = policies.visible(user, model, Perm.DTM_COLLECT)
    return model._default_manager.filter(
        Q(pk__in=analyst.order_by().values("pk")) | Q(pk__in=collector.order_by().values("pk"))
    )


def get_dtm_for_user(user: Any, model: type[M], uuid: Any) -> M:
    """One object for an analyst or an enumerator; 404 alike when missing or hidden."""
    if policies.has_perm(user, Perm.DTM_ANALYSE):
        try:
            return policies.get_for_user(user, model, uuid, Perm.DTM_ANALYSE)
        except Http404:
            if not policies.has_perm(user, Perm.DTM_COLLECT):
                raise
    return policies.get_for_user(user, model, uuid, Perm.DTM_COLLECT)


def operations_for_user(*, user: Any) -> QuerySet[Operation]:
    return visible_dtm(user, Operation).select_related("organization").order_by("name")


def points_for_user(
    *, user: Any, operation: Operation | None = None
) -> QuerySet[FlowMonitoringPoint]:
    qs = visible_dtm(user, FlowMonitoringPoint).select_related("country", "operation", "place")
    if operation is not None:
        qs = qs.filter(operation=operation)
    return qs.order_by("country__iso2", "name")


def recent_counts(*, user: Any, point: FlowMonitoringPoint, limit: int = 10) -> list[FlowCount]:
    """Last sheets at a point: all of them for an analyst, one's own for an enumerator."""
    qs = policies.visible(user, FlowCount, Perm.DTM_ANALYSE).filter(point=point)
    if not qs.exists():
        qs = policies.visible(user, FlowCount, Perm.DTM_COLLECT).filter(
            point=point, enumerator=user
        )
    return list(qs.order_by("-created_at")[:limit])


def sites_for_user(*, user: Any) -> QuerySet[CollectiveSite]:
    return visible_dtm(user, CollectiveSite).select_related("country", "admin_area")


def imports_for_user(*, user: Any) -> QuerySet[DtmImport]:
    return visible_dtm(user, DtmImport).select_related("operation", "created_by")
