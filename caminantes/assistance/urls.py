from __future__ import annotations

from django.urls import include, path

from caminantes.assistance import views

urlpatterns = [
    path("warehouses/", views.warehouses, name="assistance_warehouses"),
    path("warehouses/<uuid:uuid>/", views.warehouse_detail, name="assistance_warehouse"),
    path("warehouses/<uuid:uuid>/ledger/", views.ledger, name="assistance_ledger"),
    *(
        path(
            f"warehouses/<uuid:uuid>/{kind}/",
            views.movement,
            {"kind": kind},
            name=f"assistance_{kind}",
        )
        for kind in views.MOVEMENTS
    ),
    path(
        "transfers/<uuid:uuid>/receive/", views.transfer_receive, name="assistance_transfer_receive"
    ),
    path("reports/", include("caminantes.assistance.reports.urls")),
]
