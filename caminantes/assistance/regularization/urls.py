from __future__ import annotations

from django.urls import path

from caminantes.assistance.regularization import views, views_config

urlpatterns = [
    path("", views.today, name="regularization_today"),
    path("waiting/", views.waiting, name="regularization_waiting"),
    path("waiting.csv", views.waiting_csv, name="regularization_waiting_csv"),
    path("people/<uuid:uuid>/", views.person, name="regularization_person"),
    path("enrolments/<uuid:uuid>/", views.enrolment, name="regularization_enrolment"),
    path("enrolments/<uuid:uuid>/advance/", views.advance, name="regularization_advance"),
    path("enrolments/<uuid:uuid>/back/", views.back, name="regularization_back"),
    path("enrolments/<uuid:uuid>/abandon/", views.abandon, name="regularization_abandon"),
    path("enrolments/<uuid:uuid>/book/", views.book, name="regularization_book"),
    path("appointments/<uuid:uuid>/cancel/", views.cancel, name="regularization_cancel"),
    path(
        "appointments/<uuid:uuid>/attendance/", views.attendance, name="regularization_attendance"
    ),
    path("schemes/", views_config.schemes, name="regularization_schemes"),
    path("offices/", views_config.offices, name="regularization_offices"),
    path("offices/<uuid:uuid>/", views_config.office, name="regularization_office"),
    path("offices/<uuid:uuid>/slots/", views_config.slots, name="regularization_slots"),
]
