from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DtmConfig(AppConfig):
    name = "caminantes.dtm"
    label = "dtm"
    verbose_name = _("Displacement Tracking Matrix")
