"""Django's model backend, minus demo users outside demo mode."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.backends import ModelBackend

from caminantes.accounts.twofactor import demo_user_refused


class AccountBackend(ModelBackend):
    """Checked at every login and on every request of a session (`get_user`), so a demo
    session left open when a server leaves demo mode ends too."""

    def user_can_authenticate(self, user: Any) -> bool:
        return super().user_can_authenticate(user) and not demo_user_refused(user)
