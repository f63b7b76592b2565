"""Campaign pages, by uuid only."""

from __future__ import annotations

from django.urls import URLPattern, URLResolver, path

from caminantes.coordination.campaigns import views

urlpatterns: list[URLPattern | URLResolver] = [
    path("", views.campaign_list, name="campaigns_list"),
    path("new/", views.campaign_new, name="campaigns_new"),
    path("<uuid:uuid>/", views.campaign_detail, name="campaigns_detail"),
    path("<uuid:uuid>/edit/", views.campaign_edit, name="campaigns_edit"),
    path("<uuid:uuid>/activities/new/", views.activity_new, name="campaigns_activity_new"),
    path("<uuid:uuid>/surveys/new/", views.survey_new, name="campaigns_survey_new"),
    path("<uuid:uuid>/materials/new/", views.material_new, name="campaigns_material_new"),
    path("activities/<uuid:uuid>/", views.activity_edit, name="campaigns_activity_edit"),
    path(
        "materials/<uuid:uuid>/download/",
        views.material_download,
        name="campaigns_material_download",
    ),
]
