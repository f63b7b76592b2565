from __future__ import annotations

from django.urls import path

from caminantes.assistance.shelter import views

urlpatterns = [
    path("", views.sites, name="shelter_sites"),
    path("<uuid:uuid>/", views.site_board, name="shelter_site"),
    path("<uuid:uuid>/rooms/", views.rooms, name="shelter_rooms"),
    path("<uuid:uuid>/check-in/", views.check_in, name="shelter_check_in"),
    path("<uuid:uuid>/waiting/", views.waiting, name="shelter_waiting"),
    path("<uuid:uuid>/headcount/", views.headcount, name="shelter_headcount"),
    path("rooms/<uuid:uuid>/beds/", views.beds, name="shelter_beds"),
    path("rooms/<uuid:uuid>/rename/", views.room_rename, name="shelter_room_rename"),
    path("rooms/<uuid:uuid>/deactivate/", views.room_deactivate, name="shelter_room_deactivate"),
    path("beds/<uuid:uuid>/deactivate/", views.bed_deactivate, name="shelter_bed_deactivate"),
    path("beds/<uuid:uuid>/reactivate/", views.bed_reactivate, name="shelter_bed_reactivate"),
    path("stays/<uuid:uuid>/", views.stay_detail, name="shelter_stay"),
    path("stays/<uuid:uuid>/check-out/", views.check_out, name="shelter_check_out"),
    path("stays/<uuid:uuid>/arrive/", views.arrive, name="shelter_arrive"),
    path("stays/<uuid:uuid>/no-show/", views.no_show, name="shelter_no_show"),
    path("waiting/<uuid:uuid>/remove/", views.waiting_remove, name="shelter_waiting_remove"),
]
