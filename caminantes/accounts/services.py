"""Writes for organisations, memberships, API tokens and second factors.

Each is permission check -> change -> audit event, in one transaction.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from caminantes.accounts import notices, policies
from caminantes.accounts.lockout import normalize_email_login
from caminantes.accounts.models import ApiToken, Membership, Organization, User
from caminantes.accounts.permissions import Perm, Role
from caminantes.accounts.twofactor import demo_user_refused
from caminantes.audit import actions
from caminantes.audit.log import log
from caminantes.audit.models import Outcome
from caminantes.geo.models import AdminArea, Country
from caminantes.lib.compiled import Compiled


@dataclass(frozen=True)
class IssuedToken:
    token: ApiToken
    secret: str  # shown once, never stored


def api_token_create(
    *, user: User, name: str, scopes: list[str], days: int | None = None
) -> IssuedToken:
    if not policies.has_perm(user, Perm.USE_API):
        log(user, actions.TOKEN_CREATED, ApiToken, Outcome.DENIED)
        raise PermissionDenied(_("Your roles do not allow API access."))
    valid = {s.value for s in ApiToken.Scope}
    if not scopes or any(s not in valid for s in scopes):
        raise ValidationError(_("Choose at least one valid scope."))
    days = days or settings.API_TOKEN_DEFAULT_DAYS
    if not 1 <= days <= settings.API_TOKEN_MAX_DAYS:
        raise ValidationError(
            _("A token may last between 1 and %(max)d days.") % {"max": settings.API_TOKEN_MAX_DAYS}
        )
    prefix = secrets.token_hex(4)
    secret_part = secrets.token_urlsafe(32)
    secret = f"cam_{prefix}_{secret_part}"
    with transaction.atomic():
        token = ApiToken.objects.create(
            user=user,
            name=name.strip()[:100] or "API",
            prefix=prefix,
            key_hash=ApiToken.hash_secret(secret),
            scopes=sorted(set(scopes)),
            expires_at=timezone.now() + timedelta(days=days),
        )
        log(user, actions.TOKEN_CREATED, token, scopes=token.scopes, days=days)
    return IssuedToken(token=token, secret=secret)


def api_token_revoke(*, user: User, token: ApiToken) -> None:
    if token.user_id != user.pk:
        raise PermissionDenied
    with transaction.atomic():
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at"])
        log(user, actions.TOKEN_REVOKED, token)


# The token of an API call, on every call: its SQL compiled once (the ORM compiled it anew
# each time, more than the database spent answering it).
_TOKEN_BY_PREFIX: Compiled[ApiToken] = Compiled(
    lambda prefix: ApiToken.objects.select_related("user").filter(prefix=prefix).order_by("pk"),
    prefix=str,
)


def api_token_authenticate(secret: str) -> ApiToken | None:
    """The usable token behind `secret`, or None. Constant-time comparison of the hash."""
    parts = secret.split("_", 2)
    if len(parts) != 3 or parts[0] != "cam":
        return None
    token = _TOKEN_BY_PREFIX.first(prefix=parts[1])
    if token is None or not secrets.compare_digest(token.key_hash, ApiToken.hash_secret(secret)):
        return None
    if not token.is_usable or not token.user.is_active or demo_user_refused(token.user):
        return None
    # Touch at most once a minute: a busy client should not write on every call.
    now = timezone.now()
    if token.last_used_at is None or now - token.last_used_at > timedelta(minutes=1):
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    return token


def organization_create(
    *,
    actor: User | None,
    name: str,
    acronym: str,
    type: str,
    countries: list[Country],
) -> Organization:
    if actor is not None and not policies.has_perm(actor, Perm.MANAGE_ORGANIZATIONS):
        log(actor, actions.CREATE, Organization, Outcome.DENIED)
        raise PermissionDenied
    with transaction.atomic():
        org = Organization.objects.create(name=name, acronym=acronym, type=type)
        org.countries.set(countries)
        log(actor, actions.CREATE, org)
    return org


def _refuse_grant_outside_scope(
    actor: User,
    organization: Organization,
    role: Role,
    countries: list[Country],
    grantee_email: str,
) -> None:
    """Nobody grants a role to themselves, a role beyond their own (see
    policies.grantable_roles) or a country they do not manage; a membership for all the
    organisation's countries needs an organisation-wide manager. Refusals are audited."""
    allowed = policies.manageable_country_ids(actor, organization)
    requested = {c.pk for c in countries}
    reason = ""
    if normalize_email_login(grantee_email) == normalize_email_login(actor.email):
        reason = "self_grant"
    elif allowed is not None and not allowed:
        reason = "not_a_manager_here"
    elif role not in policies.grantable_roles(actor, organization):
        reason = "platform_role" if role == Role.PLATFORM_ADMIN else "role_outside_scope"
    elif allowed is not None and (not requested or requested - allowed):
        reason = "country_outside_scope"
    if reason:
        log(actor, actions.MEMBERSHIP_ADDED, Membership, Outcome.DENIED, reason=reason)
        explain = {
            "self_grant": _("Nobody can grant a role to themselves: ask another manager."),
            "platform_role": _("Only a platform administrator can grant that role."),
            "role_outside_scope": _(
                "You cannot grant a role with powers you do not hold yourself."
            ),
            "country_outside_scope": _(
                "You can grant roles only in the countries you manage: tick them."
            ),
        }
        raise PermissionDenied(explain.get(reason, _("Not allowed.")))


def member_invite(
    *,
    actor: User,
    email: str,
    full_name: str,
    organization: Organization,
    role: Role,
    countries: list[Country],
    ends_on: date | None = None,
) -> tuple[Membership, str | None]:
    """Grant a role to a colleague, creating their account if new (checked first, so a
    refused grant leaves no account behind). Returns the one-time password of a new account."""
    _refuse_grant_outside_scope(actor, organization, role, countries, email)
    with transaction.atomic():
        user = User.objects.filter(email__iexact=normalize_email_login(email)).first()
        temporary = None
        if user is None:
            temporary = secrets.token_urlsafe(12)
            user = user_create(actor=actor, email=email, full_name=full_name, password=temporary)
        membership = membership_add(
            actor=actor,
            user=user,
            organization=organization,
            role=role,
            countries=countries,
            ends_on=ends_on,
        )
    return membership, temporary


def membership_add(
    *,
    actor: User | None,
    user: User,
    organization: Organization,
    role: Role,
    countries: list[Country] | None = None,
    areas: list[AdminArea] | None = None,
    starts_on: date | None = None,
    ends_on: date | None = None,
) -> Membership:
    """Grant a role. Actor None is the system (demo loader, command line)."""
    if actor is not None:
        _refuse_grant_outside_scope(actor, organization, role, countries or [], user.email)
    starts_on = starts_on or timezone.localdate()
    if ends_on is not None and ends_on < starts_on:
        raise ValidationError(
            {"ends_on": [_("The membership would end before it starts (%(d)s).")
                         % {"d": starts_on.isoformat()}]}
        )  # fmt: skip
    org_countries = set(organization.countries.values_list("pk", flat=True))
    for country in countries or []:
        if country.pk not in org_countries:
            raise ValidationError(
                _("%(org)s does not work in %(country)s.")
                % {"org": organization.acronym, "country": country.name}
            )
    with transaction.atomic():
        m = Membership.objects.create(
            user=user,
            organization=organization,
            role=role,
            starts_on=starts_on,
            ends_on=ends_on,
        )
        m.countries.set(countries or [])
        m.areas.set(areas or [])
        log(actor, actions.MEMBERSHIP_ADDED, m, organization=organization, role_granted=role)
    policies.forget_grants(user)
    return m


def membership_end(*, actor: User, membership: Membership, on: date | None = None) -> Membership:
    """End a role. By default at once: the last day it counted is yesterday."""
    allowed = policies.manageable_country_ids(actor, membership.organization)
    held = set(membership.countries.values_list("pk", flat=True))
    if allowed is not None and (not allowed or not held or held - allowed):
        log(actor, actions.MEMBERSHIP_ENDED, membership, Outcome.DENIED)
        raise PermissionDenied
    with transaction.atomic():
        last_day = on or timezone.localdate() - timedelta(days=1)
        membership.ends_on = last_day
        membership.starts_on = min(membership.starts_on, last_day)
        membership.save(update_fields=["ends_on", "starts_on"])
        log(actor, actions.MEMBERSHIP_ENDED, membership)
    return membership


def totp_device_start(*, user: User) -> TOTPDevice:
    """An unconfirmed authenticator; it counts only once the person types a code from it."""
    TOTPDevice.objects.filter(user=user, confirmed=False).delete()
    return TOTPDevice.objects.create(user=user, name="Authenticator", confirmed=False)


def totp_device_confirm(*, user: User, device: TOTPDevice, token: str) -> list[str] | None:
    """Confirm the authenticator with a code; returns fresh backup codes, or None if wrong.

    It replaces any earlier authenticator and backup codes, so the view asks for sudo mode
    (password and current code) when there was one; the owner is told by e-mail."""
    if device.user_id != user.pk or not device.verify_token(token.strip().replace(" ", "")):
        log(user, actions.OTP_FAILED, outcome=Outcome.DENIED)
        return None
    with transaction.atomic():
        device.confirmed = True
        device.save(update_fields=["confirmed"])
        TOTPDevice.objects.filter(user=user).exclude(pk=device.pk).delete()
        codes = _backup_codes_replace(user)
        log(user, actions.OTP_DEVICE_ADDED)
        transaction.on_commit(lambda: notices.second_factor_changed(user, notices.AUTHENTICATOR))
    return codes


def backup_codes_regenerate(*, user: User) -> list[str]:
    """New backup codes for `user`, shown once; the old ones stop working. The view asks
    for sudo mode first; the owner is told by e-mail."""
    with transaction.atomic():
        codes = _backup_codes_replace(user)
        log(user, actions.UPDATE, user, field="backup_codes")
        transaction.on_commit(lambda: notices.second_factor_changed(user, notices.BACKUP_CODES))
    return codes


def _backup_codes_replace(user: User) -> list[str]:
    static, _created = StaticDevice.objects.get_or_create(user=user, name="Backup codes")
    static.token_set.all().delete()
    codes = [StaticToken.random_token() for _ in range(10)]
    StaticToken.objects.bulk_create([StaticToken(device=static, token=c) for c in codes])
    return codes


def user_create(
    *,
    actor: User | None,
    email: str,
    full_name: str,
    password: str | None,
    language: str = "es",
    is_demo: bool = False,
    **extra: Any,
) -> User:
    with transaction.atomic():
        user = User.objects.create_user(
            email, password, full_name=full_name, language=language, is_demo=is_demo, **extra
        )
        log(actor, actions.CREATE, user)
    return user
