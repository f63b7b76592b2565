from __future__ import annotations

from django.urls import include, path

from caminantes.assistance import views, views_catalogue, views_desk

urlpatterns = [
    path("catalogue/", views_catalogue.catalogue, name="assistance_catalogue"),
    path("catalogue/items/new/", views_catalogue.item_new, name="assistance_item_new"),
    path("catalogue/kits/new/", views_catalogue.kit_new, name="assistance_kit_new"),
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
    path("distribution/", views_desk.plans, name="assistance_plans"),
    path("distribution/<uuid:uuid>/", views_desk.plan_detail, name="assistance_plan"),
    path("distribution/<uuid:uuid>/edit/", views_desk.plan_edit, name="assistance_plan_edit"),
    path("distribution/<uuid:uuid>/status/", views_desk.plan_status, name="assistance_plan_status"),
    path("desk/<uuid:uuid>/", views_desk.desk, name="assistance_desk"),
    path("desk/<uuid:uuid>/handover/", views_desk.desk_handover, name="assistance_handover"),
    path("households/<uuid:uuid>/card.pdf", views_desk.household_card, name="assistance_card"),
]
