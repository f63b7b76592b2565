"""One object of every organisation-scoped model, owned by a given organisation.

The cross-organisation test builds this "foreign world" for FFS and asks every route for
each object as IOM's staff. A new scoped model without a builder here fails that test, so
the test grows with the apps.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Any

from django.db import models
from django.utils import timezone

from caminantes.accounts.models import ApiToken, Membership, Organization, User
from caminantes.audit import actions
from caminantes.audit.log import log
from caminantes.audit.models import Alert, AuditEvent

Builder = Callable[[Organization, User], models.Model]
BUILDERS: dict[type[models.Model], Builder] = {}


def builder(model: type[models.Model]) -> Callable[[Builder], Builder]:
    def register(fn: Builder) -> Builder:
        BUILDERS[model] = fn
        return fn

    return register


@builder(Organization)
def _organization(org: Organization, member: User) -> models.Model:
    return org


@builder(User)
def _user(org: Organization, member: User) -> models.Model:
    return member


@builder(Membership)
def _membership(org: Organization, member: User) -> models.Model:
    return Membership.objects.filter(
        organization=org, user=member
    ).first() or Membership.objects.create(
        user=member, organization=org, role="partner_focal_point"
    )


@builder(ApiToken)
def _token(org: Organization, member: User) -> models.Model:
    return ApiToken.objects.create(
        user=member, name="foreign", prefix=f"f{org.pk:07d}"[:8], key_hash="0" * 64,
        scopes=["read"], expires_at=timezone.now() + timedelta(days=1),
    )  # fmt: skip


@builder(AuditEvent)
def _event(org: Organization, member: User) -> models.Model:
    return log(member, actions.UPDATE, member, organization=org)


@builder(Alert)
def _alert(org: Organization, member: User) -> models.Model:
    return Alert.objects.create(
        kind=Alert.Kind.BULK_READ, user=member, organization=org, count=99, window_minutes=10
    )


def build_foreign_world(org: Organization, member: User) -> dict[type[models.Model], Any]:
    return {model: fn(org, member) for model, fn in BUILDERS.items()}
