"""The address of the client behind a known number of trusted reverse proxies.

Each proxy appends the address it received the request from to `X-Forwarded-For`, so with
N trusted proxies the client is the N-th entry from the right; whatever stands left of it
was written by the client and is ignored. With no trusted proxy the header is ignored.
"""

from __future__ import annotations

from ipaddress import ip_address
from typing import Any


def _valid(value: str) -> str | None:
    value = value.strip()
    try:
        return str(ip_address(value))
    except ValueError:
        return None


def client_ip(request: Any, *, trusted_hops: int) -> str | None:
    meta = getattr(request, "META", {})
    remote = _valid(str(meta.get("REMOTE_ADDR") or ""))
    if trusted_hops < 1:
        return remote
    forwarded = [part for part in str(meta.get("HTTP_X_FORWARDED_FOR") or "").split(",")]
    if len(forwarded) < trusted_hops:
        # Fewer entries than proxies: the request did not come through all of them.
        return remote
    return _valid(forwarded[-trusted_hops]) or remote
