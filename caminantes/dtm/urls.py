from __future__ import annotations

from django.urls import path

from caminantes.dtm import views, views_intake

urlpatterns = [
    path("", views.home, name="dtm_home"),
    path("operations/new/", views.operation_new, name="dtm_operation_new"),
    path("operations/<uuid:uuid>/", views.operation_detail, name="dtm_operation"),
    path("operations/<uuid:uuid>/edit/", views.operation_edit, name="dtm_operation_edit"),
    path("operations/<uuid:uuid>/rounds/new/", views.round_new, name="dtm_round_new"),
    path("operations/<uuid:uuid>/points/new/", views.point_new, name="dtm_point_new"),
    path(
        "operations/<uuid:uuid>/baseline/new/", views_intake.baseline_new, name="dtm_baseline_new"
    ),
    path("rounds/<uuid:uuid>/edit/", views.round_edit, name="dtm_round_edit"),
    path("points/<uuid:uuid>/", views.point_detail, name="dtm_point"),
    path("points/<uuid:uuid>/edit/", views.point_edit, name="dtm_point_edit"),
    path("points/<uuid:uuid>/tally/", views.tally, name="dtm_tally"),
    path("counts/<uuid:uuid>/void/", views.count_void, name="dtm_count_void"),
    path("counts/<uuid:uuid>/void/undo/", views.count_void_undo, name="dtm_count_void_undo"),
    path("sites/", views.sites, name="dtm_sites"),
    path("sites/new/", views.site_new, name="dtm_site_new"),
    path("sites/<uuid:uuid>/edit/", views.site_edit, name="dtm_site_edit"),
    path("sites/<uuid:uuid>/assess/", views_intake.site_assess, name="dtm_site_assess"),
    path("imports/", views_intake.import_list, name="dtm_imports"),
    path("imports/<uuid:uuid>/", views_intake.import_detail, name="dtm_import"),
    path(
        "imports/template/<slug:kind>.<slug:file_format>",
        views_intake.import_template,
        name="dtm_import_template",
    ),
    path("imports/<uuid:uuid>/progress/", views_intake.import_progress, name="dtm_import_progress"),
    path("forms/flow-monitoring-survey.xlsx", views_intake.survey_form, name="dtm_survey_form"),
    path(
        "operations/<uuid:uuid>/forms/flow-monitoring-survey.xlsx",
        views_intake.operation_survey_form,
        name="dtm_operation_survey_form",
    ),
    path("forms/flow-monitoring-tally.xlsx", views_intake.tally_form, name="dtm_tally_form"),
]
