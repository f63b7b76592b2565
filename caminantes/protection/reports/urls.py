"""The report page, mounted under /protection/reports/ by `protection.urls`."""

from __future__ import annotations

from django.urls import path

from caminantes.protection.reports import views

urlpatterns = [
    path("", views.index, name="protection_reports"),
]
