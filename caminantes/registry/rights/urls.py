"""Rights of registered people: access/export, correction, erasure, the request register;
and list exports of personal data."""

from __future__ import annotations

from django.urls import URLPattern, path

from caminantes.registry.rights import views

urlpatterns: list[URLPattern] = [
    path("", views.register, name="rights_register"),
    path("requests/<uuid:uuid>/close/", views.request_close, name="rights_request_close"),
    path("people/<uuid:uuid>/", views.person, name="rights_person"),
    path("people/<uuid:uuid>/data.json", views.person_json, name="rights_person_json"),
    path("people/<uuid:uuid>/data/", views.person_page, name="rights_person_page"),
    path("people/<uuid:uuid>/correction/", views.correction, name="rights_correction"),
    path("people/<uuid:uuid>/erase/", views.erase, name="rights_erase"),
    path("exports/", views.exports_page, name="registry_exports"),
    path("exports/download/", views.export_download, name="registry_export_download"),
]
