from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class IdentityConfig(AppConfig):
    name = "caminantes.identity"
    label = "identity"
    verbose_name = _("Identity")
