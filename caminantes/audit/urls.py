from __future__ import annotations

from django.urls import path

from caminantes.audit import views

urlpatterns = [
    path("", views.events, name="audit_events"),
    path("events.csv", views.events_csv, name="audit_events_csv"),
    path("alerts/", views.alerts, name="alerts"),
    path("alerts/<uuid:uuid>/acknowledge/", views.alert_acknowledge, name="alert_acknowledge"),
]
