from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "caminantes.accounts"
    label = "accounts"
    verbose_name = _("Accounts")

    def ready(self) -> None:
        from django.db.models import Q

        from caminantes.accounts import checks  # noqa: F401 - registers the system checks
        from caminantes.accounts.models import ApiToken, Membership, Organization, User
        from caminantes.accounts.permissions import Perm
        from caminantes.accounts.policies import Grant, Scope, register
        from caminantes.geo.models import AdminArea, Country, Place
        from caminantes.lib import navigation

        # Reference data: every person with an active membership may read it.
        for model in (Country, AdminArea, Place):
            register(model, Scope(any_member=True))
        # One's own organisations (all of them for a platform administrator).
        register(Organization, Scope(organization="pk"))

        def membership_countries(grant: Grant) -> Q:
            q = Q(countries__in=grant.country_ids)
            return q | Q(countries__isnull=True) if grant.org_wide else q

        register(
            Membership,
            Scope(
                permission=Perm.VIEW_MEMBERS,
                organization="organization",
                country_rule=membership_countries,
                distinct=True,
            ),
        )
        register(
            User,
            Scope(
                permission=Perm.VIEW_MEMBERS,
                organization="memberships__organization",
                distinct=True,
            ),
        )
        register(ApiToken, Scope(owner="user"))

        navigation.add("organizations", _("Organisations"), Perm.VIEW_MEMBERS, order=900)
        navigation.add("tokens", _("API tokens"), Perm.USE_API, order=950)
