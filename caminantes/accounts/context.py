"""The organisation and country a person is working in right now (the switcher's choice).

It narrows pages to one organisation and country; it never widens access: the policy module
still decides from all active memberships.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.http import HttpRequest

from caminantes.accounts import policies
from caminantes.accounts.models import Organization, User
from caminantes.accounts.permissions import Perm, Role
from caminantes.geo.models import Country

SESSION_ORG = "ctx_org"
SESSION_COUNTRY = "ctx_country"


@dataclass
class Context:
    organization: Organization | None = None
    country: Country | None = None
    roles: set[str] = field(default_factory=set)
    organizations: list[Organization] = field(default_factory=list)
    countries: list[Country] = field(default_factory=list)
    all_countries_allowed: bool = False

    def can(self, perm: Perm) -> bool:
        return any(perm in policies.permissions_for(r) for r in self.roles)

    @property
    def role_labels(self) -> list[str]:
        return [str(Role(r).label) for r in sorted(self.roles)]


class AuthenticatedRequest(HttpRequest):
    """The request a page behind login receives, typed: `user` is a logged-in User (the
    login and permission decorators have checked) and `context` is the switcher's choice,
    set by ActiveContextMiddleware on every request. Only for annotations: Django builds
    the request, this class is never instantiated."""

    user: User
    context: Context


def build_context(request: HttpRequest) -> Context:
    user = request.user
    user_grants = policies.grants(user)
    if not user_grants:
        return Context()
    org_ids = list(dict.fromkeys(g.organization_id for g in user_grants))
    organizations = list(Organization.objects.filter(pk__in=org_ids).order_by("acronym"))
    by_uuid = {str(o.uuid): o for o in organizations}
    organization = by_uuid.get(request.session.get(SESSION_ORG, "")) or organizations[0]
    org_grants = [g for g in user_grants if g.organization_id == organization.pk]
    country_ids: set[int] = set()
    for g in org_grants:
        country_ids |= g.country_ids
    countries = sorted(Country.objects.filter(pk__in=country_ids), key=lambda c: c.name)
    org_wide = any(g.org_wide for g in org_grants)
    chosen = request.session.get(SESSION_COUNTRY, "")
    # Someone who works for the whole organisation starts with all its countries at once.
    fallback = None if org_wide or not countries else countries[0]
    country = next((c for c in countries if c.iso2 == chosen), fallback)
    roles = {
        g.role.value
        for g in org_grants
        if country is None or not g.country_ids or country.pk in g.country_ids
    }
    return Context(
        organization=organization,
        country=country,
        roles=roles,
        organizations=organizations,
        countries=countries,
        all_countries_allowed=org_wide,
    )
