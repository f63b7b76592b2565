from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FeedbackConfig(AppConfig):
    name = "caminantes.coordination.feedback"
    label = "feedback"
    verbose_name = _("Community feedback and complaints")

    def ready(self) -> None:
        import caminantes.coordination.feedback.policies  # noqa: F401 - registers the scope
        from caminantes.accounts.permissions import Perm
        from caminantes.lib import navigation

        navigation.add("feedback_list", _("Feedback and complaints"), Perm.HANDLE_FEEDBACK,
                       order=620)  # fmt: skip
