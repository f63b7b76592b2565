from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CollectConfig(AppConfig):
    name = "caminantes.collect"
    label = "collect"
    verbose_name = _("Field collection")
