from __future__ import annotations

from django.urls import path

from caminantes.accounts import views

urlpatterns = [
    path("login/", views.login_view, name="login"),
    path("logout/", views.logout_view, name="logout"),
    path("session/extend/", views.session_extend, name="session_extend"),
    path("two-factor/", views.otp_verify, name="otp_verify"),
    path("two-factor/setup/", views.otp_setup, name="otp_setup"),
    path("two-factor/backup-codes/", views.backup_codes, name="backup_codes"),
    path("confirm/", views.sudo, name="sudo"),
    path("password/", views.PasswordChangeView.as_view(), name="password_change"),
    path("tokens/", views.tokens, name="tokens"),
    path("tokens/new/", views.token_create, name="token_create"),
    path("tokens/<uuid:uuid>/revoke/", views.token_revoke, name="token_revoke"),
    path("context/", views.switch_context, name="switch_context"),
    path("organisations/", views.organizations, name="organizations"),
    path("organisations/<uuid:uuid>/", views.organization_detail, name="organization_detail"),
    path("organisations/<uuid:uuid>/members/", views.membership_add, name="membership_add"),
    path("members/<uuid:uuid>/end/", views.membership_end, name="membership_end"),
]
