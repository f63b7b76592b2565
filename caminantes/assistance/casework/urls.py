from __future__ import annotations

from django.urls import path

from caminantes.assistance.casework import inbox, views

urlpatterns = [
    path("inbox/", inbox.inbox, name="casework_inbox"),
    path("due/", views.due, name="casework_due"),
    path("households/<uuid:uuid>/", views.household, name="casework_household"),
    path("relocations/<uuid:uuid>/", views.relocation, name="casework_relocation"),
    path("livelihoods/<uuid:uuid>/", views.livelihood, name="casework_livelihood"),
]
