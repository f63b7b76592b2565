from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReferralsConfig(AppConfig):
    name = "caminantes.assistance.referrals"
    label = "referrals"
    verbose_name = _("Referrals")

    def ready(self) -> None:
        import caminantes.assistance.referrals.policies  # noqa: F401 - registers the scopes
        from caminantes.accounts.permissions import Perm
        from caminantes.assistance.referrals import links
        from caminantes.lib import navigation
        from caminantes.registry import links as person_links

        navigation.add("referrals_directory", _("Service directory"), None, order=430)
        navigation.add("referrals_sent", _("Referrals"), Perm.REFER, order=431)
        person_links.register(links.refer_link)
