"""The JSON API under /api/v1/: one NinjaAPI, one router per app, the same policy door."""

from __future__ import annotations

from ninja import NinjaAPI

from caminantes.accounts.api import router as accounts_router
from caminantes.accounts.api_auth import api_auth
from caminantes.audit.api import router as audit_router
from caminantes.geo.api import router as geo_router
from caminantes.identity.api import router as identity_router
from caminantes.registry.api import router as registry_router

api = NinjaAPI(
    title="Caminantes API",
    version="1",
    description=(
        "Authenticate with a personal token (`Authorization: Bearer cam_…`, created on the "
        "API tokens page) or a logged-in browser session. Every list is filtered by the "
        "caller's organisation, countries and role; an object the caller may not see is "
        "404, exactly like one that does not exist."
    ),
    auth=api_auth,
    urls_namespace="api",
)
api.add_router("/", accounts_router)
api.add_router("/geo", geo_router)
api.add_router("/audit", audit_router)
api.add_router("/registry", registry_router)
api.add_router("/identity", identity_router)
