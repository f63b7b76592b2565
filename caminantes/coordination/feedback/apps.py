from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FeedbackConfig(AppConfig):
    name = "caminantes.coordination.feedback"
    label = "feedback"
    verbose_name = _("Community feedback and complaints")
