from __future__ import annotations

from django.urls import include, path

from caminantes.registry import views, views_consent, views_corrections

urlpatterns = [
    path("", views.search, name="registry_search"),
    path("register/", views.register, name="registry_register"),
    path("register/member/", views.member_form, name="registry_member_form"),
    path("households/<uuid:uuid>/", views.household_detail, name="household_detail"),
    path("households/<uuid:uuid>/edit/", views.household_edit, name="household_edit"),
    path("households/<uuid:uuid>/members/new/", views.person_add, name="person_add"),
    path("households/<uuid:uuid>/needs/new/", views.needs_add, name="needs_add"),
    path("people/<uuid:uuid>/edit/", views.person_edit, name="person_edit"),
    path("people/<uuid:uuid>/documents/new/", views.document_add, name="document_add"),
    path("people/<uuid:uuid>/consents/new/", views.consent_add, name="consent_add"),
    path("consents/<uuid:uuid>/withdraw/", views.consent_withdraw, name="consent_withdraw"),
    path("documents/<uuid:uuid>/edit/", views_corrections.document_edit, name="document_edit"),
    path(
        "documents/confirm/",
        views_corrections.document_confirm,
        name="registry_document_confirm",
    ),
    path("households/<uuid:uuid>/phones/new/", views_corrections.phone_add, name="phone_add"),
    path("phones/<uuid:uuid>/edit/", views_corrections.phone_edit, name="phone_edit"),
    path("phones/<uuid:uuid>/reveal/", views_corrections.phone_reveal, name="phone_reveal"),
    path(
        "consents/<uuid:uuid>/withdraw/undo/",
        views_consent.consent_withdraw_undo,
        name="consent_withdraw_undo",
    ),
    path("imports/", include("caminantes.registry.imports.urls")),
    path("rights/", include("caminantes.registry.rights.urls")),
]
