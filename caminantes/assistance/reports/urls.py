"""The report pages, mounted under /assistance/reports/ by `assistance.urls`."""

from __future__ import annotations

from django.urls import path

from caminantes.assistance.reports import views

urlpatterns = [
    path("", views.index, name="assistance_reports"),
    path("stock/<uuid:uuid>/", views.stock_page, name="assistance_report_stock"),
    path("people-reached/", views.people_reached, name="assistance_report_reach"),
    path("occupancy/<uuid:uuid>/", views.occupancy_page, name="assistance_report_occupancy"),
]
