"""The review queue's pages, mounted under /collect/review/ by collect.urls."""

from __future__ import annotations

from django.urls import path

from caminantes.collect import views_review as views

urlpatterns = [
    path("", views.queue, name="collect_review"),
    path("<uuid:uuid>/", views.detail, name="collect_review_detail"),
    path("<uuid:uuid>/reprocess/", views.reprocess_one, name="collect_review_reprocess"),
    path("form/<uuid:uuid>/reprocess/", views.reprocess_all, name="collect_review_reprocess_all"),
    path("form/<uuid:uuid>/import/", views.upload_export, name="collect_review_import"),
]
