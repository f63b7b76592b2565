"""Who may see what: the one door for listing and fetching records.

A model declares once how it is scoped (`register(Model, Scope(...))`). Then
`visible(user, Model)` is the queryset the user may see and `get_for_user(user, Model, uuid)`
the one object, or Http404 exactly as for an id that does not exist. Unregistered models are
invisible to everyone: access is denied by default.

Scope comes from active memberships: organisation x countries x admin areas x role. A
membership contributes only if its role grants the permission the scope asks for.
Restricted models are visible only by assignment; reading one is reported to the audit
trail, and so is every attempt to fetch an object the user may not see.
"""

from __future__ import annotations

import uuid as uuid_lib
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any, TypeVar

from django.contrib.auth.models import AnonymousUser
from django.db import models
from django.db.models import Q, QuerySet
from django.http import Http404

from caminantes.accounts.models import ApiToken, Membership, Organization, User
from caminantes.accounts.permissions import PLATFORM_ROLES, Perm, Role, permissions_for
from caminantes.audit import actions
from caminantes.audit.log import Subject, log
from caminantes.audit.models import Alert, AuditEvent
from caminantes.geo.models import AdminArea, Country, Place

__all__ = [
    "Grant",
    "Scope",
    "get_for_user",
    "grants",
    "has_perm",
    "permissions_for",
    "register",
    "visible",
]

M = TypeVar("M", bound=models.Model)
AnyUser = User | AnonymousUser


@dataclass(frozen=True)
class Grant:
    role: Role
    organization_id: int
    country_ids: frozenset[int]
    area_ids: frozenset[int]
    perms: frozenset[Perm] = field(default_factory=frozenset)
    org_wide: bool = False  # the membership named no country: all the organisation's


@dataclass(frozen=True)
class Scope:
    """How a model is scoped. Lookup paths are Django field paths from the model."""

    permission: Perm | None = None
    organization: str | None = None
    country: str | None = None
    area: str | None = None
    owner: str | None = None
    any_member: bool = False
    restricted: bool = False
    assigned: Callable[[User], Q] | None = None
    platform_wide: bool = True
    distinct: bool = False
    # For rows whose countries are a set (memberships): a rule from the grant to a Q.
    country_rule: Callable[[Grant], Q] | None = None


_REGISTRY: dict[type[models.Model], Scope] = {}


def register(model: type[M], scope: Scope) -> type[M]:
    if scope.restricted and scope.assigned is None:
        raise ValueError(f"{model.__name__}: a restricted scope needs an `assigned` rule")
    _REGISTRY[model] = scope
    return model


def registered_models() -> dict[type[models.Model], Scope]:
    return dict(_REGISTRY)


def scope_of(model: type[models.Model]) -> Scope | None:
    return _REGISTRY.get(model)


def grants(user: AnyUser) -> list[Grant]:
    """The user's active memberships as grants, cached on the user object for one request."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return []
    cached = getattr(user, "_caminantes_grants", None)
    if cached is not None:
        return list(cached)
    result = []
    memberships = (
        Membership.objects.active()
        .filter(user=user, organization__is_active=True)
        .prefetch_related("countries", "areas", "organization__countries")
    )
    for m in memberships:
        role = Role(m.role)
        named = frozenset(c.pk for c in m.countries.all())
        country_ids = named or frozenset(c.pk for c in m.organization.countries.all())
        result.append(
            Grant(
                role=role,
                organization_id=m.organization_id,
                country_ids=country_ids,
                area_ids=frozenset(a.pk for a in m.areas.all()),
                perms=permissions_for(role),
                org_wide=not named,
            )
        )
    setattr(user, "_caminantes_grants", result)  # noqa: B010 - a per-request cache
    return list(result)


def forget_grants(user: AnyUser) -> None:
    if hasattr(user, "_caminantes_grants"):
        delattr(user, "_caminantes_grants")


def has_perm(
    user: AnyUser,
    perm: Perm,
    *,
    organization_id: int | None = None,
    country_id: int | None = None,
) -> bool:
    for g in grants(user):
        if perm not in g.perms:
            continue
        if g.role in PLATFORM_ROLES:
            return True
        if organization_id is not None and g.organization_id != organization_id:
            continue
        if country_id is not None and country_id not in g.country_ids:
            continue
        return True
    return False


def manageable_country_ids(user: AnyUser, organization: Any) -> set[int] | None:
    """Countries of `organization` where `user` may manage members; None means all of them."""
    result: set[int] = set()
    for g in grants(user):
        if Perm.MANAGE_MEMBERS not in g.perms:
            continue
        if g.role in PLATFORM_ROLES or (g.organization_id == organization.pk and g.org_wide):
            return None
        if g.organization_id == organization.pk:
            result |= g.country_ids
    return result


def visible(user: AnyUser, model: type[M], perm: Perm | None = None) -> QuerySet[M]:
    """The rows of `model` that `user` may see (for `perm`, default: the scope's own)."""
    qs: QuerySet[M] = model._default_manager.all()
    scope = _REGISTRY.get(model)
    user_grants = grants(user)
    if scope is None or not user_grants:
        return qs.none()
    if scope.owner:
        return qs.filter(**{scope.owner: user})
    perm = perm or scope.permission
    combined: Q | None = None
    for g in user_grants:
        if scope.any_member:
            return qs
        # No permission named: any active membership counts (e.g. one's own organisation).
        if perm is not None and perm not in g.perms:
            continue
        if g.role in PLATFORM_ROLES and scope.platform_wide and not scope.restricted:
            return qs
        q = Q()
        if scope.organization:
            q &= Q(**{scope.organization: g.organization_id})
        if scope.country_rule is not None:
            q &= scope.country_rule(g)
        elif scope.country:
            q &= Q(**{f"{scope.country}__in": g.country_ids})
        if scope.area and g.area_ids:
            q &= Q(**{f"{scope.area}__in": g.area_ids})
        if scope.restricted and scope.assigned is not None:
            q &= scope.assigned(user)  # type: ignore[arg-type]
        combined = q if combined is None else combined | q
    if combined is None:
        return qs.none()
    qs = qs.filter(combined)
    return qs.distinct() if scope.distinct else qs


def get_for_user(user: AnyUser, model: type[M], uuid: Any, perm: Perm | None = None) -> M:
    """The object, or Http404 whether it is missing or hidden: the two look the same."""
    try:
        key = uuid if isinstance(uuid, uuid_lib.UUID) else uuid_lib.UUID(str(uuid))
    except (ValueError, TypeError, AttributeError) as exc:
        raise Http404 from exc
    try:
        obj = visible(user, model, perm).get(uuid=key)
    except model.DoesNotExist as exc:  # type: ignore[attr-defined]
        if model._default_manager.filter(uuid=key).exists():
            log(user, actions.ACCESS_DENIED, Subject(model._meta.label_lower, key), "denied")
        raise Http404 from exc
    if _REGISTRY[model].restricted:
        log(user, actions.READ_RESTRICTED, obj)
    return obj


def record_restricted_reads(user: AnyUser, objects: Iterable[models.Model]) -> None:
    """A page or export that shows several restricted records calls this for what it shows."""
    for obj in objects:
        log(user, actions.READ_RESTRICTED, obj)


# The scopes of the models at and below this layer, registered when the door is imported.
# geo and audit sit below accounts and cannot import this module, so their rules live here.


def membership_countries(grant: Grant) -> Q:
    """Memberships in the grant's countries; an organisation-wide grant also sees those that
    name no country."""
    q = Q(countries__in=grant.country_ids)
    return q | Q(countries__isnull=True) if grant.org_wide else q


# Reference data: every person with an active membership may read it.
register(Country, Scope(any_member=True))
register(AdminArea, Scope(any_member=True))
register(Place, Scope(any_member=True))
# One's own organisations (all of them for a platform administrator).
register(Organization, Scope(organization="pk"))
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
    Scope(permission=Perm.VIEW_MEMBERS, organization="memberships__organization", distinct=True),
)
register(ApiToken, Scope(owner="user"))
register(AuditEvent, Scope(permission=Perm.VIEW_AUDIT, organization="organization"))
register(Alert, Scope(permission=Perm.VIEW_ALERTS, organization="organization"))
