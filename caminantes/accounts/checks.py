"""`caminantes check --deploy`: warn while demo users exist on a server that is no demo."""

from __future__ import annotations

from typing import Any

from django.core.checks import CheckMessage, Tags, Warning, register
from django.db import DatabaseError

from caminantes.accounts.twofactor import demo_mode


@register(Tags.security, deploy=True)
def demo_users_on_a_real_server(app_configs: Any = None, **kwargs: Any) -> list[CheckMessage]:
    if demo_mode():
        return []
    from caminantes.accounts.models import User

    try:
        count = User.objects.filter(is_demo=True, is_active=True).count()
    except DatabaseError:  # no database or not migrated yet: nothing to warn about
        return []
    if not count:
        return []
    return [
        Warning(
            f"{count} demo user(s) exist on a server that is not in demo mode.",
            hint=(
                "They cannot log in outside demo mode, but their password is public: "
                "deactivate them (is_active=False) or start from a database that never "
                "held the demo."
            ),
            id="caminantes.W001",
        )
    ]
