"""The JSON API under /api/v1/: one NinjaAPI, one router per app, the same policy door."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any
from urllib.parse import urlencode

from django.conf import settings
from django.core.exceptions import BadRequest, SuspiciousOperation
from django.db import DataError
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect, JsonResponse
from django.http.multipartparser import MultiPartParserError
from django.urls import reverse
from django.utils.translation import gettext as _
from ninja import NinjaAPI
from ninja.errors import HttpError

from caminantes.accounts.api import router as accounts_router
from caminantes.accounts.api_auth import api_auth
from caminantes.assistance.api import router as assistance_router
from caminantes.assistance.api_distribution import router as distribution_router
from caminantes.assistance.casework.api import router as casework_router
from caminantes.assistance.referrals.api import router as referrals_router
from caminantes.assistance.regularization.api import router as regularization_router
from caminantes.assistance.shelter.api import router as shelter_router
from caminantes.assistance.transport.api import router as transport_router
from caminantes.audit.api import router as audit_router
from caminantes.collect.api import router as collect_router
from caminantes.coordination.campaigns.api import router as campaigns_router
from caminantes.coordination.feedback.api import router as feedback_router
from caminantes.coordination.fivew.api import router as fivew_router
from caminantes.dtm.api import router as dtm_router
from caminantes.geo.api import router as geo_router
from caminantes.identity.api import router as identity_router
from caminantes.registry.api import router as registry_router


def docs_behind_login(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """/api/v1/docs and /api/v1/openapi.json only for a caller the API itself would accept
    (a verified session or a valid token), unless DEBUG: the map of every endpoint and
    parameter is the first thing an attacker reads. A browser is sent to the login page."""

    @wraps(view)
    def guarded(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if settings.DEBUG or _api_caller(request) is not None:
            return view(request, *args, **kwargs)
        if _wants_html(request):
            query = urlencode({"next": request.get_full_path()})
            return HttpResponseRedirect(f"{reverse('login')}?{query}")
        return JsonResponse({"detail": "Unauthorized"}, status=401)

    return guarded


def _api_caller(request: HttpRequest) -> Any:
    for auth in api_auth:
        try:
            caller = auth(request)
        except HttpError:  # a token without the read scope reads no docs either
            continue
        if caller:
            return caller
    return None


def _wants_html(request: HttpRequest) -> bool:
    return not request.path.endswith(".json") and "text/html" in request.headers.get("Accept", "")


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
    docs_decorator=docs_behind_login,
)
api.add_router("/", accounts_router)
api.add_router("/geo", geo_router)
api.add_router("/audit", audit_router)
api.add_router("/registry", registry_router)
api.add_router("/identity", identity_router)
api.add_router("/dtm", dtm_router)
api.add_router("/assistance", assistance_router)
api.add_router("/assistance/transport", transport_router)
api.add_router("/assistance/distribution", distribution_router)
api.add_router("/assistance/shelter", shelter_router)
# By dotted string: nothing imports caminantes.protection (import-linter contract).
api.add_router("/protection", "caminantes.protection.api.router")
api.add_router("/assistance/regularization", regularization_router)
api.add_router("/assistance/casework", casework_router)
api.add_router("/assistance/referrals", referrals_router)
api.add_router("/collect", collect_router)
api.add_router("/coordination/5w", fivew_router)
api.add_router("/coordination/campaigns", campaigns_router)
api.add_router("/coordination/feedback", feedback_router)


@api.exception_handler(OverflowError)
@api.exception_handler(DataError)
def value_out_of_range(request: HttpRequest, exc: Exception) -> HttpResponse:
    """A value no column can hold (a number past SQLite's 64-bit integers or PostgreSQL's
    integer, a text past a column's length: PostgreSQL's DataError covers both) is the
    caller's wrong input: 422 with a sentence, not a 500. Schemas bound what they know
    (page, quantities, lengths); this is the net under what they do not."""
    return api.create_response(
        request,
        {"detail": _("A value is out of range or too long."), "errors": {}},
        status=422,
    )


@api.exception_handler(MultiPartParserError)
@api.exception_handler(BadRequest)
@api.exception_handler(SuspiciousOperation)
def bad_request(request: HttpRequest, exc: Exception) -> HttpResponse:
    """A body Django cannot read (multipart without its boundary, too many fields, too
    large): 400, as Django answers it on pages. Ninja's catch-all would make it a 500 under
    DEBUG and leave the answer to Django's handler otherwise; here it is the same in both."""
    return api.create_response(request, {"detail": _("The request body could not be read.")},
                               status=400)  # fmt: skip
