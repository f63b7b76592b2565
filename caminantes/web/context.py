from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from caminantes.accounts import policies
from caminantes.accounts.permissions import Perm
from caminantes.audit import selectors as audit_selectors
from caminantes.audit.models import Alert
from caminantes.lib import navigation


def navigation_context(request: HttpRequest) -> dict[str, Any]:
    """Menu entries the person's roles allow, the active context and open alerts."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    held = policies.perms_held(user)
    items = [
        e
        for e in navigation.entries()
        if not e.permissions or any(Perm(p) in held for p in e.permissions)
    ]
    open_alerts = 0
    if Perm.VIEW_ALERTS in held:
        alerts = policies.visible(user, Alert)
        open_alerts = audit_selectors.open_alerts(alerts=alerts).count()
    return {
        "nav_items": items,
        "ctx": getattr(request, "context", None),
        "open_alerts": open_alerts,
    }
