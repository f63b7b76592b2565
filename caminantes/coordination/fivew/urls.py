from __future__ import annotations

from django.urls import URLPattern, URLResolver, path

from caminantes.coordination.fivew import views

urlpatterns: list[URLPattern | URLResolver] = [
    path("", views.reports, name="fivew_reports"),
    path("r/<uuid:uuid>/", views.report, name="fivew_report"),
    path("r/<uuid:uuid>/rows/new/", views.row_new, name="fivew_row_new"),
    path("r/<uuid:uuid>/grid/", views.grid, name="fivew_grid"),
    path("r/<uuid:uuid>/generate/", views.generate, name="fivew_generate"),
    path("r/<uuid:uuid>/<str:action>/", views.transition, name="fivew_transition"),
    path("rows/<uuid:uuid>/delete/", views.row_delete, name="fivew_row_delete"),
    path("upload/", views.upload, name="fivew_upload"),
    path("upload/<uuid:uuid>/", views.upload_review, name="fivew_upload_review"),
    path("reference/", views.reference, name="fivew_reference"),
    path("dashboard/", views.dashboard_page, name="fivew_dashboard"),
    path("dashboard/export.<str:fmt>", views.export, name="fivew_export"),
    path("publish/", views.publish, name="fivew_publish"),
    path("public/", views.public, name="fivew_public"),
    path("public/<str:iso3>/<int:year>.csv", views.public_download, name="fivew_public_download"),
]
