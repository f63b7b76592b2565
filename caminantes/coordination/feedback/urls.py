"""Feedback pages. Items by uuid only: no reference or category in a URL."""

from __future__ import annotations

from django.urls import URLPattern, URLResolver, path

from caminantes.coordination.feedback import views

urlpatterns: list[URLPattern | URLResolver] = [
    path("", views.item_list, name="feedback_list"),
    path("new/", views.intake, name="feedback_new"),
    path("dashboard/", views.dashboard, name="feedback_dashboard"),
    path("export.csv", views.export_csv, name="feedback_export"),
    path("<uuid:uuid>/", views.detail, name="feedback_detail"),
    path("<uuid:uuid>/take/", views.take, name="feedback_take"),
    path("<uuid:uuid>/respond/", views.respond, name="feedback_respond"),
    path("<uuid:uuid>/close/", views.close, name="feedback_close"),
    path("<uuid:uuid>/category/", views.recategorise, name="feedback_category"),
]
