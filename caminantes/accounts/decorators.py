from __future__ import annotations

import time
from collections.abc import Callable
from functools import wraps
from typing import Any
from urllib.parse import urlencode, urlsplit

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


def perm_required(perm: Perm, *alternatives: Perm) -> Callable[[View], View]:
    """Logged in, and some active membership grants `perm` (or one of `alternatives`: a page
    two kinds of staff share); otherwise 403 (and audited)."""
    wanted = (perm, *alternatives)

    def decorator(view: View) -> View:
        @login_required
        @wraps(view)
        def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
            if not any(policies.has_perm(request.user, p) for p in wanted):
                match = request.resolver_match
                page = Subject(f"page:{match.view_name if match else request.path_info}")
                log(request.user, actions.ACCESS_DENIED, page, "denied",
                    permission=",".join(p.value for p in wanted))  # fmt: skip
                raise PermissionDenied
            return view(request, *args, **kwargs)

        return wrapped

    return decorator


def sudo_active(request: HttpRequest) -> bool:
    return float(request.session.get(SUDO_UNTIL, 0)) > time.time()


def grant_sudo(request: HttpRequest) -> None:
    request.session[SUDO_UNTIL] = time.time() + settings.SUDO_MODE_SECONDS


_KEPT = "kept_form"
_NEVER_KEPT = ("csrfmiddlewaretoken", "password", "token", "secret", "code")


def keep_form(request: HttpRequest, target: str) -> None:
    """Remember what was typed in a form refused for want of sudo (never secrets), so the
    page it came from can fill the form again after the password: see `kept_form`."""
    data = {
        key: request.POST.getlist(key)
        for key in request.POST
        if not any(word in key.lower() for word in _NEVER_KEPT)
    }
    request.session[_KEPT] = {"path": urlsplit(target).path, "data": data}


def kept_form(request: HttpRequest) -> dict[str, Any] | None:
    """The values kept for this page (as form `initial`), once; None if there are none."""
    kept = request.session.get(_KEPT)
    if not kept or kept.get("path") != request.path:
        return None
    del request.session[_KEPT]
    return {k: v[0] if len(v) == 1 else v for k, v in kept["data"].items()}


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
            keep_form(request, target)
            messages.info(request, _("Confirm your password, then send the form again."))
        query = urlencode({"next": target})
        return HttpResponseRedirect(f"{reverse('sudo')}?{query}")

    return wrapped
