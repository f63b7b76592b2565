"""Bulk import pages (staged batches), under /registry/imports/."""

from __future__ import annotations

from django.urls import path

from caminantes.registry.imports import views

urlpatterns = [
    path("", views.batch_list, name="registry_imports"),
    path("new/", views.batch_upload, name="registry_import_new"),
    path("template.csv", views.template_csv, name="registry_import_template"),
    path("<uuid:uuid>/", views.batch_detail, name="registry_import"),
    path("<uuid:uuid>/progress/", views.batch_progress, name="registry_import_progress"),
    path("<uuid:uuid>/report.csv", views.report_csv, name="registry_import_report_csv"),
    path("<uuid:uuid>/report.xlsx", views.report_xlsx, name="registry_import_report_xlsx"),
    path("<uuid:uuid>/approve/", views.batch_approve, name="registry_import_approve"),
    path("<uuid:uuid>/cancel/", views.batch_cancel, name="registry_import_cancel"),
]
