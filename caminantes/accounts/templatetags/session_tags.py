"""What the page's scripts need to know about the session (idle warning, drafts' owner)."""

from __future__ import annotations

from django import template
from django.conf import settings
from django.http import HttpRequest

from caminantes.accounts.middleware import idle_seconds_left

register = template.Library()


@register.simple_tag
def session_seconds_left(request: HttpRequest) -> str:
    """Seconds before the idle timeout ends this session, or "" when no one is logged in."""
    left = idle_seconds_left(request)
    return "" if left is None else str(left)


@register.simple_tag
def session_idle_timeout() -> int:
    """SESSION_IDLE_TIMEOUT: how long a session may stay idle, in seconds."""
    return int(settings.SESSION_IDLE_TIMEOUT)
