"""When a second factor is required, and the demo waiver."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django_otp import devices_for_user

from caminantes.accounts import policies
from caminantes.accounts.permissions import TWO_FACTOR_EXEMPT_ROLES


def demo_mode() -> bool:
    """A demo server: CAMINANTES_DEMO=1, which settings allow only with DEBUG on."""
    return bool(settings.CAMINANTES_DEMO and settings.DEBUG)


def demo_waiver_applies(user: Any) -> bool:
    """Demo users skip two-factor only on a demo server."""
    return demo_mode() and bool(getattr(user, "is_demo", False))


def demo_user_refused(user: Any) -> bool:
    """Demo users, whose password is printed in the README, log in only on a demo server."""
    return bool(getattr(user, "is_demo", False)) and not demo_mode()


def requires_two_factor(user: Any) -> bool:
    if not getattr(user, "is_authenticated", False):
        return False
    if demo_waiver_applies(user):
        return False
    roles = {g.role for g in policies.grants(user)}
    # No membership: nothing to do here, but deny by default rather than wave through.
    return not roles or bool(roles - TWO_FACTOR_EXEMPT_ROLES)


def is_verified(user: Any) -> bool:
    """Whether this session passed its second factor (django-otp adds the method)."""
    check = getattr(user, "is_verified", None)
    return bool(check()) if callable(check) else False


def has_confirmed_device(user: Any) -> bool:
    return any(True for _ in devices_for_user(user, confirmed=True))
