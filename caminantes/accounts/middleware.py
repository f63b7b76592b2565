from __future__ import annotations

import time
from collections.abc import Callable
from typing import cast
from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import Resolver404, resolve, reverse
from django.utils.functional import SimpleLazyObject
from django.utils.translation import gettext as _

from caminantes.accounts.context import AuthenticatedRequest, Context, build_context
from caminantes.accounts.twofactor import has_confirmed_device, is_verified, requires_two_factor

LAST_SEEN = "last_seen"
SESSION_LEFT_HEADER = "X-Session-Left"
# Pages a half-logged-in person must still reach.
_OPEN_URL_NAMES = {
    "login",
    "logout",
    "otp_verify",
    "otp_setup",
    "sudo",  # otp_setup may ask for the password (and current code) again first
    "set_language",
    "healthz",
}


def _url_name(request: HttpRequest) -> str | None:
    try:
        return resolve(request.path_info).url_name
    except Resolver404:
        return None


def idle_seconds_left(request: HttpRequest) -> int | None:
    """Seconds before this session ends for inactivity (None when no one is logged in).

    Counted from the last request that was written down (IdleTimeoutMiddleware writes at most
    every 30 seconds), which is the moment the server itself counts from.
    """
    if not request.user.is_authenticated or not hasattr(request, "session"):
        return None
    last = request.session.get(LAST_SEEN)
    if last is None:
        return int(settings.SESSION_IDLE_TIMEOUT)
    return max(0, int(settings.SESSION_IDLE_TIMEOUT) - (int(time.time()) - int(last)))


def touch_session(request: HttpRequest) -> None:
    """Counts this moment as activity: the idle timeout starts again from now."""
    request.session[LAST_SEEN] = int(time.time())


class IdleTimeoutMiddleware:
    """Logs a session out after SESSION_IDLE_TIMEOUT seconds without a request."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.user.is_authenticated and hasattr(request, "session"):
            now = int(time.time())
            last = request.session.get(LAST_SEEN)
            if last is not None and now - int(last) > settings.SESSION_IDLE_TIMEOUT:
                logout(request)
                messages.info(request, _("Your session ended after a period of inactivity."))
                query = urlencode({"next": request.get_full_path()})
                return HttpResponseRedirect(f"{reverse('login')}?{query}")
            # Write the session at most every 30 seconds, not on every request.
            if last is None or now - int(last) >= 30:
                request.session[LAST_SEEN] = now
        response = self.get_response(request)
        left = idle_seconds_left(request)
        if left is not None:
            # For the page's idle warning (session.js) after an htmx request.
            response[SESSION_LEFT_HEADER] = str(left)
        return response


class TwoFactorRequiredMiddleware:
    """Sends anyone whose roles need a second factor to verify (or set one up) first."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = request.user
        if (
            user.is_authenticated
            and not request.path_info.startswith((settings.STATIC_URL, "/api/"))
            and not is_verified(user)
            and _url_name(request) not in _OPEN_URL_NAMES
            and requires_two_factor(user)
        ):
            target = "otp_verify" if has_confirmed_device(user) else "otp_setup"
            query = urlencode({"next": request.get_full_path()})
            return HttpResponseRedirect(f"{reverse(target)}?{query}")
        return self.get_response(request)


class ActiveContextMiddleware:
    """request.context: the organisation and country chosen in the switcher (lazy)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        lazy = SimpleLazyObject(lambda: build_context(request))
        cast(AuthenticatedRequest, request).context = cast(Context, lazy)
        return self.get_response(request)
