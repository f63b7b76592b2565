from __future__ import annotations

from django.urls import path

from caminantes.identity.views import review, tracing

urlpatterns = [
    path("duplicates/", review.review_list, name="identity_review"),
    path("duplicates/tickets/<uuid:uuid>/", review.ticket_detail, name="identity_ticket"),
    path(
        "duplicates/tickets/<uuid:uuid>/not-same/undo/",
        review.ticket_not_same_undo,
        name="identity_not_same_undo",
    ),
    path("duplicates/merges/<uuid:uuid>/undo/", review.merge_undo, name="identity_merge_undo"),
    path("duplicates/thresholds/", review.thresholds, name="identity_thresholds"),
    path("tracing/", tracing.tracing_list, name="identity_tracing"),
    path("tracing/new/", tracing.tracing_new, name="identity_tracing_new"),
    path("tracing/confirm/", tracing.tracing_confirm_list, name="identity_tracing_confirm"),
    path("tracing/<uuid:uuid>/", tracing.tracing_detail, name="identity_tracing_detail"),
    path("tracing/matches/<uuid:uuid>/decide/", tracing.match_decide, name="identity_match_decide"),
    path("reunification/<uuid:uuid>/", tracing.case_detail, name="identity_case"),
]
