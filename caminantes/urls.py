from __future__ import annotations

from django.urls import include, path
from django.views.i18n import set_language

from caminantes.api import api
from caminantes.web import views as web_views

urlpatterns = [
    path("", web_views.home, name="home"),
    path("healthz", web_views.healthz, name="healthz"),
    path("i18n/setlang/", set_language, name="set_language"),
    path("accounts/", include("caminantes.accounts.urls")),
    path("audit/", include("caminantes.audit.urls")),
    path("registry/", include("caminantes.registry.urls")),
    path("identity/", include("caminantes.identity.urls")),
    path("dtm/", include("caminantes.dtm.urls")),
    path("dtm/", include("caminantes.dtm.urls_outputs")),
    path("assistance/transport/", include("caminantes.assistance.transport.urls")),
    path("assistance/regularization/", include("caminantes.assistance.regularization.urls")),
    path("assistance/casework/", include("caminantes.assistance.casework.urls")),
    path("assistance/", include("caminantes.assistance.urls")),
    path("assistance/shelter/", include("caminantes.assistance.shelter.urls")),
    path("protection/", include("caminantes.protection.urls")),
    path("assistance/referrals/", include("caminantes.assistance.referrals.urls")),
    path("collect/", include("caminantes.collect.urls")),
    path("coordination/5w/", include("caminantes.coordination.fivew.urls")),
    path("coordination/campaigns/", include("caminantes.coordination.campaigns.urls")),
    path("coordination/feedback/", include("caminantes.coordination.feedback.urls")),
    path("api/v1/", api.urls),
]

handler403 = "caminantes.web.views.error_403"
handler404 = "caminantes.web.views.error_404"
handler500 = "caminantes.web.views.error_500"
