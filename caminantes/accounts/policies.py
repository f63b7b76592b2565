"""Who may see what: the one door for listing and fetching records.

A model declares once how it is scoped (`register(Model, Scope(...))`). Then
`visible(user, Model)` is the queryset the user may see and `get_for_user(user, Model, uuid)`
the one object, or Http404 exactly as for an id that does not exist. Unregistered models are
invisible to everyone: access is denied by default.

Scope comes from active memberships: organisation x countries x admin areas x role. A
membership contributes only if its role grants the permission the scope asks for.
Restricted models are visible only by assignment; reading one is reported to the audit
trail. So is reading a record of personal data (`Scope(personal_data=True)`: people,
households, documents, tracing, cases): one event per record opened here, one event naming
the count and ids for a page of them (`record_reads`, which the API's pages and the places
that list such records call). Every attempt to fetch an object the user may not see is
reported too, to the auditors of the object's organisation as well as the user's.
"""

from __future__ import annotations

import functools
import uuid as uuid_lib
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date
from typing import Any, TypeVar

from django.contrib.auth.models import AnonymousUser
from django.db import connections, models, router
from django.db.models import Q, QuerySet
from django.http import Http404
from django.utils import timezone

from caminantes.accounts.models import ApiToken, Membership, Organization, User
from caminantes.accounts.permissions import PLATFORM_ROLES, Perm, Role, permissions_for
from caminantes.audit import actions
from caminantes.audit.log import Subject, log
from caminantes.audit.middleware import current_request
from caminantes.audit.models import Alert, AuditEvent, hidden_events
from caminantes.geo.models import AdminArea, Country, Place

__all__ = [
    "Grant",
    "Scope",
    "by_member_countries",
    "get_for_user",
    "grantable_roles",
    "grants",
    "has_perm",
    "permissions_for",
    "record_reads",
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
    # Rows are someone's personal data: reading one is audited (see `record_reads`).
    personal_data: bool = False
    assigned: Callable[[User], Q] | None = None
    platform_wide: bool = True
    distinct: bool = False
    # For rows whose countries are a set (memberships): a rule from the grant to a Q.
    country_rule: Callable[[Grant], Q] | None = None
    # Rows nobody sees through the door, whatever the grant (platform-wide ones included):
    # the audit events of restricted records, shown only on the record itself.
    hidden: Callable[[], Q] | None = None


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


@functools.cache
def _membership_sql(alias: str) -> str:
    """What `Membership.objects.active().filter(user=..., organization__is_active=True)
    .order_by("pk").values_list("pk", "role", "organization_id", "countries", "areas")`
    asks, written once: compiling it was a millisecond of every request (tested against
    that queryset in accounts/tests/test_policies.py)."""
    qn = connections[alias].ops.quote_name
    meta, org = Membership._meta, Organization._meta
    countries, areas = Membership.countries.field, Membership.areas.field
    m2m = []
    for short, m2m_field in (("mc", countries), ("ma", areas)):
        m2m.append(
            f"LEFT JOIN {qn(m2m_field.m2m_db_table())} {short} "
            f"ON {short}.{qn(m2m_field.m2m_column_name())} = m.{qn(meta.pk.column)}"
        )
    col = {f.name: qn(f.column) for f in meta.concrete_fields}
    select = (
        f"m.{col['id']}, m.{col['role']}, m.{col['organization']}, "
        f"mc.{qn(countries.m2m_reverse_name())}, ma.{qn(areas.m2m_reverse_name())}"
    )
    joins = (
        f"{qn(meta.db_table)} m "
        f"JOIN {qn(org.db_table)} o ON o.{qn(org.pk.column)} = m.{col['organization']} "
        + " ".join(m2m)
    )
    where = (
        f"m.{col['user']} = %s AND o.{qn(org.get_field('is_active').column)} = %s"
        f" AND (m.{col['ends_on']} IS NULL OR m.{col['ends_on']} >= %s)"
        f" AND m.{col['starts_on']} <= %s"
    )
    # Names from the models, values as parameters.
    return f"SELECT {select} FROM {joins} WHERE {where} ORDER BY m.{col['id']}"  # noqa: S608


def _membership_rows(user_id: int, on: date) -> list[tuple[Any, ...]]:
    alias = router.db_for_read(Membership)
    connection = connections[alias]
    day = connection.ops.adapt_datefield_value(on)
    with connection.cursor() as cursor:
        cursor.execute(_membership_sql(alias), [user_id, True, day, day])
        return list(cursor.fetchall())


def grants(user: AnyUser) -> list[Grant]:
    """The user's active memberships as grants, cached on the user object for one request."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return []
    cached = getattr(user, "_caminantes_grants", None)
    if cached is not None:
        return list(cached)
    # One query for the memberships with their countries and areas (a row per pair), and
    # one more only for memberships naming no country: grants are rebuilt on every request,
    # and five round trips were a third of a search's time.
    rows = _membership_rows(user.pk, timezone.localdate())
    found: dict[int, tuple[str, int, set[int], set[int]]] = {}
    for pk, role_name, org_id, country_id, area_id in rows:
        _role, _org, countries, areas = found.setdefault(pk, (role_name, org_id, set(), set()))
        if country_id is not None:
            countries.add(country_id)
        if area_id is not None:
            areas.add(area_id)
    org_countries: dict[int, set[int]] = {}
    org_wide = {org_id for _r, org_id, named, _a in found.values() if not named}
    if org_wide:
        for org_id, country_id in Organization.countries.through.objects.filter(
            organization_id__in=org_wide
        ).values_list("organization_id", "country_id"):
            org_countries.setdefault(org_id, set()).add(country_id)
    result = []
    for role_name, org_id, named, areas in found.values():
        role = Role(role_name)
        result.append(
            Grant(
                role=role,
                organization_id=org_id,
                country_ids=frozenset(named or org_countries.get(org_id, set())),
                area_ids=frozenset(areas),
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


def perms_held(user: AnyUser) -> frozenset[Perm]:
    """Every permission some grant of `user` holds, anywhere: `has_perm(user, p)` with no
    organisation or country is `p in perms_held(user)`."""
    return frozenset(p for g in grants(user) for p in g.perms)


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


# Permissions that oversee others: only someone who holds one may grant a role carrying it
# (a country manager appoints officers, not the auditor who audits her).
OVERSIGHT_PERMS: frozenset[Perm] = frozenset(
    {Perm.MANAGE_ORGANIZATIONS, Perm.MANAGE_MEMBERS, Perm.VIEW_AUDIT}
)


def grantable_roles(user: AnyUser, organization: Any) -> list[Role]:
    """The roles `user` may grant in `organization`: none without MANAGE_MEMBERS there, and
    no role carrying an oversight permission `user` does not hold there."""
    if manageable_country_ids(user, organization) == set():
        return []
    held = {p for p in OVERSIGHT_PERMS if has_perm(user, p, organization_id=organization.pk)}
    return [r for r in Role if (permissions_for(r) & OVERSIGHT_PERMS) <= held]


def by_member_countries(user_field: str) -> Callable[[Grant], Q]:
    """A country rule for records of what a person did (audit events, alerts), whose
    `user_field` names that person: a grant naming countries shows the doings of people who
    hold, or held, a membership of its organisation in one of them; an organisation-wide
    grant, all. So an auditor for Colombia reads Colombia's trail, not Brazil's."""

    def rule(grant: Grant) -> Q:
        if grant.org_wide:
            return Q()
        members = Membership.objects.filter(
            organization_id=grant.organization_id, countries__in=grant.country_ids
        ).values("user_id")
        return Q(**{f"{user_field}__in": members})

    return rule


def visible(user: AnyUser, model: type[M], perm: Perm | None = None) -> QuerySet[M]:
    """The rows of `model` that `user` may see (for `perm`, default: the scope's own)."""
    qs: QuerySet[M] = model._default_manager.all()
    scope = _REGISTRY.get(model)
    user_grants = grants(user)
    if scope is None or not user_grants:
        return qs.none()
    if scope.hidden is not None:
        qs = qs.exclude(scope.hidden())
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
        _record_denial(user, model, key)
        raise Http404 from exc
    scope = _REGISTRY[model]
    if scope.restricted:
        log(user, actions.READ_RESTRICTED, obj)
    elif scope.personal_data:
        record_reads(user, model, [obj])
    return obj


def _record_denial(user: AnyUser, model: type[models.Model], key: uuid_lib.UUID) -> None:
    """An attempt on a hidden record: filed under the user's organisation and, so that its
    auditors see who is probing, the organisation holding the record."""
    scope = _REGISTRY.get(model)
    rows = model._default_manager.filter(uuid=key)
    if scope is not None and scope.organization:
        owner_ids = list(rows.values_list(scope.organization, flat=True)[:1])
    else:
        owner_ids = [None] if rows.exists() else []
    if not owner_ids:
        return  # nothing there: a mistyped link, not a probe
    owner = Organization.objects.filter(pk=owner_ids[0]).first() if owner_ids[0] else None
    subject = Subject(model._meta.label_lower, key)
    log(user, actions.ACCESS_DENIED, subject, "denied", object_organization=owner)


def record_reads(user: AnyUser, model: type[models.Model], objects: Iterable[Any]) -> None:
    """Audit that `user` was shown these records of `model`: one event for a single record,
    one event naming the count and ids for a page of them (a page of 500 people is one row,
    not 500). A record already recorded for this request is not recorded again."""
    request = current_request.get()
    seen: set[tuple[str, Any]] | None = None
    if request is not None:
        seen = request.__dict__.setdefault("_audited_reads", set())
    label = model._meta.label_lower
    fresh = []
    for obj in objects:
        key = (label, getattr(obj, "uuid", obj.pk))
        if seen is not None:
            if key in seen:
                continue
            seen.add(key)
        fresh.append(obj)
    if not fresh:
        return
    if len(fresh) == 1:
        log(user, actions.READ_PERSONAL, fresh[0])
        return
    ids = [str(getattr(obj, "uuid", obj.pk)) for obj in fresh]
    log(user, actions.READ_PERSONAL, model, count=len(fresh), ids=ids)


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


def audit_event_rule(grant: Grant) -> Q:
    """An auditor sees what her organisation's people did in her countries, and (when her
    membership is organisation-wide) what anyone attempted on her organisation's records or
    accounts (denials, failed logins)."""
    own = Q(organization=grant.organization_id) & by_member_countries("actor")(grant)
    if grant.org_wide:
        return own | Q(object_organization=grant.organization_id)
    return own


register(
    AuditEvent,
    Scope(permission=Perm.VIEW_AUDIT, country_rule=audit_event_rule, hidden=hidden_events),
)
register(
    Alert,
    Scope(
        permission=Perm.VIEW_ALERTS,
        organization="organization",
        country_rule=by_member_countries("user"),
    ),
)
