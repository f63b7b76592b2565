from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FivewConfig(AppConfig):
    name = "caminantes.coordination.fivew"
    label = "fivew"
    verbose_name = _("5W reporting")
