from __future__ import annotations

from django.urls import path

from caminantes.assistance.transport import views

urlpatterns = [
    path("", views.trips, name="transport_trips"),
    path("routes/", views.routes, name="transport_routes"),
    path("trips/<uuid:uuid>/", views.trip_detail, name="transport_trip"),
    path("trips/<uuid:uuid>/book/", views.book, name="transport_book"),
    path("trips/<uuid:uuid>/status/", views.trip_status, name="transport_trip_status"),
    path("seats/<uuid:uuid>/documents/", views.seat_documents, name="transport_seat_documents"),
    path("seats/<uuid:uuid>/board/", views.seat_board, name="transport_seat_board"),
    path("seats/<uuid:uuid>/arrive/", views.seat_arrive, name="transport_seat_arrive"),
    path("bookings/<uuid:uuid>/cancel/", views.booking_cancel, name="transport_booking_cancel"),
]
