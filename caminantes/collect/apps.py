from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CollectConfig(AppConfig):
    name = "caminantes.collect"
    label = "collect"
    verbose_name = _("Field collection")

    def ready(self) -> None:
        import caminantes.collect.policies  # noqa: F401 - registers the scopes
        from caminantes.accounts.permissions import Perm
        from caminantes.lib import navigation

        navigation.add(
            "collect_forms",
            _("Field forms"),
            Perm.MANAGE_FORMS,
            order=470,
            alternatives=(Perm.REVIEW_SUBMISSIONS,),
        )
        navigation.add(
            "collect_review", _("Submissions to review"), Perm.REVIEW_SUBMISSIONS, order=471
        )
