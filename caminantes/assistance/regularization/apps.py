from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RegularizationConfig(AppConfig):
    name = "caminantes.assistance.regularization"
    label = "regularization"
    verbose_name = _("Documentation and regularization")

    def ready(self) -> None:
        import caminantes.assistance.regularization.policies  # noqa: F401 - registers the scopes
        from caminantes.accounts.permissions import Perm
        from caminantes.lib import navigation

        navigation.add("regularization_today", _("Regularization"), Perm.REFER, order=420)
        # Country managers configure the schemes without following people themselves.
        navigation.add(
            "regularization_schemes", _("Regularization schemes"), Perm.MANAGE_SCHEMES, order=421
        )
