"""API authentication: personal tokens (Bearer), or a browser session that passed 2FA."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja.errors import HttpError
from ninja.security import APIKeyCookie, HttpBearer

from caminantes.accounts import lockout, policies
from caminantes.accounts.models import ApiToken
from caminantes.accounts.permissions import Perm
from caminantes.accounts.services import api_token_authenticate
from caminantes.accounts.twofactor import is_verified, requires_two_factor

_READ_METHODS = {"GET", "HEAD", "OPTIONS"}


def _check_scope(request: HttpRequest, token: ApiToken | None) -> None:
    if token is None:
        return
    needed = ApiToken.Scope.READ if request.method in _READ_METHODS else ApiToken.Scope.WRITE
    if needed.value not in token.scopes:
        raise HttpError(403, f"This token lacks the '{needed.value}' scope.")


def _too_many_calls() -> HttpError:
    return HttpError(429, _("Too many calls. Wait a minute and try again."))


class TokenAuth(HttpBearer):
    def authenticate(self, request: HttpRequest, token: str) -> Any:
        # Counted before the token is looked at: one address cannot try token after token.
        if not lockout.api_call_allowed_from(request):
            raise _too_many_calls()
        api_token = api_token_authenticate(token)
        if api_token is None:
            return None
        user = api_token.user
        if not policies.has_perm(user, Perm.USE_API):
            return None
        if not lockout.api_call_allowed_for(user):
            raise _too_many_calls()
        request.user = user
        request.api_token = api_token  # type: ignore[attr-defined]
        _check_scope(request, api_token)
        return user


class VerifiedSessionAuth(APIKeyCookie):
    """The logged-in browser session, only once its second factor (if needed) is verified."""

    param_name = "sessionid"

    def authenticate(self, request: HttpRequest, key: str | None) -> Any:
        user = request.user
        if not user.is_authenticated:
            return None
        if requires_two_factor(user) and not is_verified(user):
            return None
        return user


api_auth = [TokenAuth(), VerifiedSessionAuth()]


def require_scope(request: HttpRequest, scope: ApiToken.Scope) -> None:
    token = getattr(request, "api_token", None)
    if token is not None and scope.value not in token.scopes:
        raise HttpError(403, f"This token lacks the '{scope.value}' scope.")
