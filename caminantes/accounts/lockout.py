"""What stands between a password guesser and an account.

- One spelling per address: e-mails are compared after `normalize_email_login` (Unicode
  compatibility form NFKC, spaces, case), by the login form, django-axes and the limits
  alike, so `ALICE@…`, ` Alice@…` and full-width letters share one failure count.
- axes locks an e-mail *at one address* after AXES_FAILURE_LIMIT failures: an attacker
  elsewhere cannot lock the owner out (the address is the client's, behind
  TRUSTED_PROXY_HOPS proxies, never a forwarded header the client wrote itself).
- Rate limits bound the rest: attempts from one address over many accounts (spraying) and
  attempts on one account from many addresses, and API calls per token user and address.
"""

from __future__ import annotations

import hashlib
import unicodedata
from typing import Any

from django.conf import settings

from caminantes.lib import ratelimit
from caminantes.lib.client_ip import client_ip


def normalize_email_login(value: Any) -> str:
    """The one spelling of a typed e-mail address used to find and count an account."""
    return unicodedata.normalize("NFKC", str(value or "")).strip().lower()


def request_ip(request: Any) -> str:
    return client_ip(request, trusted_hops=settings.TRUSTED_PROXY_HOPS) or "unknown"


def axes_username(request: Any, credentials: dict[str, Any] | None = None) -> str:
    """AXES_USERNAME_CALLABLE: the normalised e-mail, from the credentials or the form."""
    if credentials and settings.AXES_USERNAME_FORM_FIELD in credentials:
        raw = credentials.get(settings.AXES_USERNAME_FORM_FIELD)
    else:
        data = getattr(request, "POST", None) or {}
        raw = data.get(settings.AXES_USERNAME_FORM_FIELD, "")
    return normalize_email_login(raw)


def axes_client_ip(request: Any) -> str | None:
    """AXES_CLIENT_IP_CALLABLE: the client's address, not the proxy's nor a forged one.

    None when the request carries no valid address (a Unix socket behind a proxy, a login
    made in code): axes stores it in an address column, which PostgreSQL refuses to fill
    with a word such as "unknown"."""
    return client_ip(request, trusted_hops=settings.TRUSTED_PROXY_HOPS)


def _key(*parts: str) -> str:
    """A rate-limit key: typed e-mails and addresses are hashed, so any length and any
    character fits every cache backend (the database cache's keys stop at 255)."""
    digest = hashlib.sha256(parts[-1].encode("utf-8", "surrogatepass")).hexdigest()
    return ":".join([*parts[:-1], digest])


def login_attempt_allowed(request: Any, email: str) -> bool:
    """Count one password attempt; False once this address or this account has had its
    share within LOGIN_RATE_MINUTES (then the password is not even checked)."""
    window = settings.LOGIN_RATE_MINUTES * 60
    by_address = ratelimit.hit(
        _key("login", "addr", request_ip(request)),
        limit=settings.LOGIN_RATE_PER_ADDRESS,
        window=window,
    )
    by_account = ratelimit.hit(
        _key("login", "account", normalize_email_login(email)),
        limit=settings.LOGIN_RATE_PER_ACCOUNT,
        window=window,
    )
    return by_address and by_account


def api_call_allowed_from(request: Any) -> bool:
    """Count one token-authenticated call from this address (valid token or not)."""
    return ratelimit.hit(
        _key("api", "addr", request_ip(request)), limit=settings.API_RATE_PER_ADDRESS, window=60
    )


def api_call_allowed_for(user: Any) -> bool:
    """Count one call with one of `user`'s tokens: a stolen token harvests slowly."""
    return ratelimit.hit(f"api:user:{user.pk}", limit=settings.API_RATE_PER_USER, window=60)
