from __future__ import annotations

import time
from collections.abc import Callable
from functools import wraps
from typing import Any
from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponseRedirect
from django.http.response import HttpResponseBase
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _

from caminantes.accounts import policies
from caminantes.accounts.permissions import Perm
from caminantes.audit import actions
from caminantes.audit.log import Subject, log

SUDO_UNTIL = "sudo_until"
View = Callable[..., HttpResponseBase]


def perm_required(perm: Perm) -> Callable[[View], View]:
    """Logged in, and some active membership grants `perm`; otherwise 403 (and audited)."""

    def decorator(view: View) -> View:
        @login_required
        @wraps(view)
        def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
            if not policies.has_perm(request.user, perm):
                match = request.resolver_match
                page = Subject(f"page:{match.view_name if match else request.path_info}")
                log(request.user, actions.ACCESS_DENIED, page, "denied", permission=perm.value)
                raise PermissionDenied
            return view(request, *args, **kwargs)

        return wrapped

    return decorator


def sudo_active(request: HttpRequest) -> bool:
    return float(request.session.get(SUDO_UNTIL, 0)) > time.time()


def grant_sudo(request: HttpRequest) -> None:
    request.session[SUDO_UNTIL] = time.time() + settings.SUDO_MODE_SECONDS


def sudo_required(view: View) -> View:
    """Sensitive pages ask for the password again unless it was given in the last minutes."""

    @login_required
    @wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        if sudo_active(request):
            return view(request, *args, **kwargs)
        target = request.get_full_path()
        if request.method != "GET":
            # A form was posted: after the password, go back to the page the form was on.
            referer = request.headers.get("Referer", "")
            same_site = url_has_allowed_host_and_scheme(
                referer, allowed_hosts={request.get_host()}, require_https=request.is_secure()
            )
            target = referer if referer and same_site else reverse("home")
            messages.info(request, _("Confirm your password, then send the form again."))
        query = urlencode({"next": target})
        return HttpResponseRedirect(f"{reverse('sudo')}?{query}")

    return wrapped
