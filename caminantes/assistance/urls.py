from __future__ import annotations

from django.urls import path

from caminantes.assistance import views

urlpatterns = [
    path("warehouses/", views.warehouses, name="assistance_warehouses"),
    path("warehouses/<uuid:uuid>/", views.warehouse_detail, name="assistance_warehouse"),
    path("warehouses/<uuid:uuid>/ledger/", views.ledger, name="assistance_ledger"),
    path("warehouses/<uuid:uuid>/<slug:kind>/", views.movement, name="assistance_movement"),
    path(
        "transfers/<uuid:uuid>/receive/", views.transfer_receive, name="assistance_transfer_receive"
    ),
]
