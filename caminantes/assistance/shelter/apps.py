from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ShelterConfig(AppConfig):
    name = "caminantes.assistance.shelter"
    label = "shelter"
    verbose_name = _("Shelter")

    def ready(self) -> None:
        import caminantes.assistance.shelter.policies  # noqa: F401 - registers the scopes
        from caminantes.accounts.permissions import Perm
        from caminantes.lib import navigation

        navigation.add("shelter_sites", _("Shelters"), Perm.MANAGE_SHELTER, order=410)
