"""API pages of personal data, audited: one event per page naming the count and ids."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.http import HttpRequest

from caminantes.accounts import policies
from caminantes.lib.pagination import PageNumberPagination


class AuditedPageNumberPagination(PageNumberPagination):
    """PageNumberPagination that records the page it answers as read (accounts.policies
    `record_reads`) when its rows are personal data. A page of 500 people is one event."""

    def paginate_queryset(
        self, queryset: QuerySet[Any], pagination: Any, request: HttpRequest, **params: Any
    ) -> Any:
        result = super().paginate_queryset(queryset, pagination, request, **params)
        model = getattr(queryset, "model", None)
        scope = policies.scope_of(model) if model is not None else None
        if scope is not None and scope.personal_data:
            items = list(result["items"])
            policies.record_reads(request.user, model, items)  # type: ignore[arg-type]
            result["items"] = items
        return result
