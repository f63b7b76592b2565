from __future__ import annotations

from django.urls import path

from caminantes.assistance.referrals import views

urlpatterns = [
    path("", views.directory, name="referrals_directory"),
    path("public/<str:iso>/", views.public_directory, name="referrals_public"),
    path("services/new/", views.service_new, name="referrals_service_new"),
    path("services/<uuid:uuid>/edit/", views.service_edit, name="referrals_service_edit"),
    path("households/<uuid:uuid>/refer/", views.refer, name="referrals_new"),
    path("sent/", views.sent, name="referrals_sent"),
    path("inbox/", views.inbox, name="referrals_inbox"),
    path("notices/read/", views.notices_read, name="referrals_notices_read"),
    path("<uuid:uuid>/", views.detail, name="referrals_detail"),
    path("<uuid:uuid>/status/", views.change_status, name="referrals_status"),
]
