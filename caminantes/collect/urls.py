from __future__ import annotations

from django.urls import URLPattern, URLResolver, include, path, re_path

from caminantes.collect import views
from caminantes.collect import views_openrosa as openrosa

KEY = r"^key/(?P<token>[A-Za-z0-9_-]{16,128})/+"
UUID = r"(?P<uuid>[0-9a-f-]{36})"

urlpatterns: list[URLPattern | URLResolver] = [
    # Pages
    path("", views.form_list, name="collect_forms"),
    path("forms/new/", views.form_upload, name="collect_form_upload"),
    path("forms/<uuid:uuid>/", views.form_detail, name="collect_form_detail"),
    path("forms/<uuid:uuid>/open/", views.form_open, name="collect_form_open"),
    path("forms/<uuid:uuid>/app-users/", views.app_user_new, name="collect_app_user_new"),
    path("forms/<uuid:uuid>/app-users/add/", views.app_user_add_form, name="collect_app_user_add"),
    path("forms/<uuid:uuid>/submissions/", views.submissions, name="collect_submissions"),
    path("app-users/<uuid:uuid>/revoke/", views.app_user_revoke, name="collect_app_user_revoke"),
    # OpenRosa, staff with HTTP Basic
    path("formList", openrosa.form_list, name="collect_form_list"),
    path("submission", openrosa.submission, name="collect_submission"),
    re_path(rf"^xforms/{UUID}/form\.xml$", openrosa.form_xml, name="collect_form_xml"),
    re_path(rf"^xforms/{UUID}/manifest$", openrosa.manifest, name="collect_manifest"),
    re_path(rf"^xforms/{UUID}/media/(?P<name>[^/]+)$", openrosa.media, name="collect_media"),
    # OpenRosa, app users (the token in the server URL)
    re_path(KEY + r"formList$", openrosa.form_list, name="collect_key_form_list"),
    re_path(KEY + r"submission$", openrosa.submission, name="collect_key_submission"),
    re_path(KEY + rf"xforms/{UUID}/form\.xml$", openrosa.form_xml, name="collect_key_form_xml"),
    re_path(KEY + rf"xforms/{UUID}/manifest$", openrosa.manifest, name="collect_key_manifest"),
    re_path(
        KEY + rf"xforms/{UUID}/media/(?P<name>[^/]+)$", openrosa.media, name="collect_key_media"
    ),
    # The review queue (submissions that failed their mapping), and exports imported
    path("review/", include("caminantes.collect.urls_review")),
]
