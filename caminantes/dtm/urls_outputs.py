"""Dashboards, round reports and exports (mounted under /dtm/ beside dtm.urls)."""

from __future__ import annotations

from django.urls import path

from caminantes.dtm.dashboards import views as dashboards
from caminantes.dtm.reports import views as reports

urlpatterns = [
    path("dashboards/", dashboards.index, name="dtm_dashboards"),
    path("operations/<uuid:uuid>/flows/", dashboards.flows, name="dtm_dashboard_flows"),
    path("operations/<uuid:uuid>/surveys/", dashboards.surveys, name="dtm_dashboard_surveys"),
    path("operations/<uuid:uuid>/mobility/", dashboards.mobility, name="dtm_dashboard_mobility"),
    path(
        "operations/<uuid:uuid>/export/mobility/",
        reports.export_mobility,
        name="dtm_export_mobility",
    ),
    path("operations/<uuid:uuid>/reports/", reports.reports, name="dtm_reports"),
    path("operations/<uuid:uuid>/export/flows/", reports.export_flows, name="dtm_export_flows"),
    path(
        "operations/<uuid:uuid>/export/surveys/",
        reports.export_microdata,
        name="dtm_export_microdata",
    ),
    path("rounds/<uuid:uuid>/report/", reports.round_report, name="dtm_round_report"),
]
