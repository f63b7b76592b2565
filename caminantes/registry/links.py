"""Buttons other modules add under each member on the household page.

`register(provider)`: a provider gets (request, household, person) and returns a
{"url", "label"} dict or None (not allowed, not relevant). The registry does not import the
modules that add them (tracing a relative, a referral …); they register from `ready()`.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

Provider = Callable[[Any, Any, Any], dict[str, str] | None]
_PROVIDERS: list[Provider] = []


def register(provider: Provider) -> Provider:
    if provider not in _PROVIDERS:
        _PROVIDERS.append(provider)
    return provider


def for_person(request: Any, household: Any, person: Any) -> list[dict[str, str]]:
    return [link for provider in _PROVIDERS if (link := provider(request, household, person))]
