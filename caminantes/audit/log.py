"""What happened: `log(actor, action, obj=None, outcome="allowed", **context)`.

Append-only and hash-chained (keyed, see audit.chain). Services call it on every write and
every denial; the policy door calls it on every read of personal data and of restricted
records. Never pass field values in `context`: only counts, ids, reasons chosen from a list,
file names and other non-personal facts.

This module and audit.models import no other app (users and organisations are referenced by
name), so that every layer, accounts included, can record what it does.
"""

from __future__ import annotations

import functools
import logging
import uuid as uuid_lib
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.db import connection, models, transaction
from django.db.models import IntegerField, Sum
from django.db.models.fields.json import KT
from django.db.models.functions import Cast, Coalesce
from django.utils import timezone

from caminantes.audit import actions
from caminantes.audit.chain import GENESIS, VerifyResult, event_digest, verify_chain
from caminantes.audit.middleware import current_request
from caminantes.audit.models import Alert, AuditEvent, Outcome
from caminantes.lib.client_ip import client_ip
from caminantes.lib.compiled import insert

logger = logging.getLogger("caminantes.audit")

# Any constant works: it only has to be the same for every process writing the chain.
_PG_LOCK_KEY = 0x43414D494E  # "CAMIN"


def _ip(request: Any) -> str | None:
    if request is None:
        return None
    # The same address lockouts and rate limits see: the client's, behind trusted proxies.
    return client_ip(request, trusted_hops=getattr(settings, "TRUSTED_PROXY_HOPS", 0))


def _clean_context(context: dict[str, Any]) -> dict[str, Any]:
    clean: dict[str, Any] = {}
    for key, value in context.items():
        if value is None or isinstance(value, bool | int | str):
            clean[key] = value
        elif isinstance(value, uuid_lib.UUID):
            clean[key] = str(value)
        elif isinstance(value, list | tuple):
            clean[key] = [str(v) for v in value]
        else:
            clean[key] = str(value)
    return clean


@dataclass(frozen=True)
class Subject:
    """For logging about something that is not a model instance, or no longer exists."""

    object_type: str
    uuid: uuid_lib.UUID | None = None


def _describe(obj: Any) -> tuple[str, uuid_lib.UUID | None]:
    if obj is None:
        return "", None
    if isinstance(obj, Subject):
        return obj.object_type, obj.uuid
    if isinstance(obj, type) and issubclass(obj, models.Model):
        return obj._meta.label_lower, None
    if isinstance(obj, models.Model):
        return obj._meta.label_lower, getattr(obj, "uuid", None)
    return type(obj).__name__, None


@functools.lru_cache(maxsize=8)
def _last_hash_sql(alias: str) -> str:
    """The chain's last hash, compiled once per database (compiling it cost more than reading
    it, on every event)."""
    query = AuditEvent.objects.using(alias).order_by("-id").values_list("hash")[:1].query
    sql, params = query.get_compiler(using=alias).as_sql()
    if params:
        raise ValueError("the last-hash look-up takes no parameter")
    return str(sql)


def _last_hash() -> str | None:
    with connection.cursor() as cursor:
        cursor.execute(_last_hash_sql(connection.alias))
        row = cursor.fetchone()
    return row[0] if row else None


def log(
    actor: Any,
    action: str,
    obj: Any = None,
    outcome: str = Outcome.ALLOWED,
    *,
    organization: Any = None,
    role: str | None = None,
    **context: Any,
) -> AuditEvent:
    """Two context keys are not context: `actor_email` (when there is no user: the account a
    failed login named, a system source) and `object_organization`, the organisation holding
    `obj` when it is not the actor's (a denial, a failed login to one of its accounts), so
    that its auditors see the event too."""
    object_organization = context.pop("object_organization", None)
    request = current_request.get()
    user = actor if getattr(actor, "is_authenticated", False) else None
    if request is not None and user is not None and (organization is None or role is None):
        # Who was acting, as what: the organisation and roles chosen in the switcher.
        ctx = getattr(request, "context", None)
        if ctx is not None and ctx.organization is not None:
            organization = organization or ctx.organization
            if role is None and organization == ctx.organization:
                role = ",".join(sorted(ctx.roles))
    object_type, object_uuid = _describe(obj)
    # No savepoint inside a caller's transaction (two round trips fewer per event): an event
    # that cannot be written must fail the write it records, not let it commit without it.
    with transaction.atomic(savepoint=False):
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_advisory_xact_lock(%s)", [_PG_LOCK_KEY])
        prev = _last_hash()
        event = AuditEvent(
            occurred_at=timezone.now(),
            actor=user,
            actor_email=(user.email if user else str(context.pop("actor_email", "")))[:254],
            organization=organization,
            object_organization=(
                object_organization if object_organization != organization else None
            ),
            role=(role or "")[:40],
            action=action,
            object_type=object_type,
            object_uuid=object_uuid,
            ip_address=_ip(request),
            request_id=getattr(request, "request_id", "") if request is not None else "",
            outcome=outcome,
            context=_clean_context(context),
            prev_hash=prev or GENESIS,
        )
        event.hash = event_digest(event)
        insert(event)  # event.save(force_insert=True), its INSERT written once
    if action in BULK_READ_ACTIONS and user is not None:
        _check_bulk_reads(user, organization)
    return event


def log_many(
    actor: Any,
    action: str,
    objects: list[Any],
    outcome: str = Outcome.ALLOWED,
    **context: Any,
) -> list[AuditEvent]:
    """One event per object, as `log` would write them one by one, chained under a single
    lock (a household of five: one round trip instead of fifteen)."""
    if not objects:
        return []
    if len(objects) == 1 or action in BULK_READ_ACTIONS:
        return [log(actor, action, obj, outcome, **context) for obj in objects]
    request = current_request.get()
    user = actor if getattr(actor, "is_authenticated", False) else None
    organization: Any = None
    role = ""
    if request is not None and user is not None:
        ctx = getattr(request, "context", None)
        if ctx is not None and ctx.organization is not None:
            organization = ctx.organization
            role = ",".join(sorted(ctx.roles))
    events = []
    with transaction.atomic(savepoint=False):  # as in `log`
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_advisory_xact_lock(%s)", [_PG_LOCK_KEY])
        prev = _last_hash()
        now = timezone.now()
        for obj in objects:
            object_type, object_uuid = _describe(obj)
            event = AuditEvent(
                occurred_at=now,
                actor=user,
                actor_email=(user.email if user else "")[:254],
                organization=organization,
                role=role[:40],
                action=action,
                object_type=object_type,
                object_uuid=object_uuid,
                ip_address=_ip(request),
                request_id=getattr(request, "request_id", "") if request is not None else "",
                outcome=outcome,
                context=_clean_context(dict(context)),
                prev_hash=prev or GENESIS,
            )
            event.hash = event_digest(event)
            prev = event.hash
            events.append(event)
        AuditEvent.objects.bulk_create(events)
    return events


BULK_READ_ACTIONS = frozenset(
    {
        actions.READ_PERSONAL,
        actions.READ_RESTRICTED,
        actions.PROTECTION_REVEAL,
        actions.PROTECTION_PRINT,
        actions.PROTECTION_EXPORT,
    }
)


def _check_bulk_reads(user: Any, organization: Any) -> None:
    """Alert when the user read more records than the limit within the window. An event
    for a page of records says how many (`count`); one for a single record counts one."""
    limit = settings.AUDIT_BULK_READ_LIMIT
    minutes = settings.AUDIT_BULK_READ_MINUTES
    since = timezone.now() - timedelta(minutes=minutes)
    count = AuditEvent.objects.filter(
        actor=user, action__in=BULK_READ_ACTIONS, occurred_at__gte=since
    ).aggregate(n=Coalesce(Sum(Coalesce(Cast(KT("context__count"), IntegerField()), 1)), 0))["n"]
    if count <= limit:
        return
    if Alert.objects.filter(user=user, kind=Alert.Kind.BULK_READ, created_at__gte=since).exists():
        return
    alert = Alert.objects.create(
        kind=Alert.Kind.BULK_READ,
        user=user,
        organization=organization,
        count=count,
        window_minutes=minutes,
    )
    logger.warning(
        "ALERT bulk read: user %s read %d personal-data records within %d minutes (alert %s)",
        user.email,
        count,
        minutes,
        alert.uuid,
    )
    log(None, actions.ALERT_RAISED, alert, organization=organization, count=count)


__all__ = [
    "GENESIS",
    "Subject",
    "VerifyResult",
    "event_digest",
    "log",
    "log_many",
    "verify_chain",
]
