from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

# Events about objects of these types are shown nowhere in the trail (pages, API, exports):
# only on the record itself, to the people assigned to it (the protection case's "who opened
# this"). By object-type prefix, since audit imports no app. Sensitive complaints (sexual
# exploitation and abuse, fraud, staff misconduct) are logged as "feedback.sensitive" by the
# feedback app: only their focal points see those events, on the complaint.
HIDDEN_OBJECT_TYPE_PREFIXES: tuple[str, ...] = ("protection.", "feedback.sensitive")


def hidden_events() -> models.Q:
    """The events the general trail never shows (see HIDDEN_OBJECT_TYPE_PREFIXES)."""
    q = models.Q(pk__in=[])
    for prefix in HIDDEN_OBJECT_TYPE_PREFIXES:
        q |= models.Q(object_type__startswith=prefix)
    return q


class Outcome(models.TextChoices):
    ALLOWED = "allowed", _("Allowed")
    DENIED = "denied", _("Denied")


class AuditEvent(models.Model):
    """One thing that happened. Never field values: who, what kind of object, which one.

    The database refuses UPDATE and DELETE on this table (triggers, see migrations), and
    each row carries a keyed hash over the previous one (audit.chain), so a change made
    behind the triggers' back shows up in `caminantes audit verify`.
    """

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    occurred_at = models.DateTimeField(_("time (UTC)"), db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("user"),
    )
    actor_email = models.CharField(_("user e-mail"), max_length=254, blank=True)
    organization = models.ForeignKey(
        "accounts.Organization",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("organisation"),
    )
    role = models.CharField(_("role"), max_length=40, blank=True)
    # The organisation that holds the object, when not the actor's: its auditors see the
    # attempt too (a partner probing its records, failed logins to one of its accounts).
    object_organization = models.ForeignKey(
        "accounts.Organization",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("organisation of the object"),
    )
    action = models.CharField(_("action"), max_length=60, db_index=True)
    object_type = models.CharField(_("object type"), max_length=100, blank=True)
    object_uuid = models.UUIDField(_("object id"), null=True, blank=True, db_index=True)
    ip_address = models.GenericIPAddressField(_("IP address"), null=True, blank=True)
    request_id = models.CharField(_("request id"), max_length=64, blank=True)
    outcome = models.CharField(
        _("outcome"), max_length=10, choices=Outcome.choices, default=Outcome.ALLOWED
    )
    context = models.JSONField(_("context"), default=dict, blank=True)
    prev_hash = models.CharField(max_length=64)
    hash = models.CharField(max_length=64, unique=True)

    class Meta:
        ordering = ["-id"]
        verbose_name = _("audit event")
        verbose_name_plural = _("audit events")
        indexes = [models.Index(fields=["actor", "action", "occurred_at"])]

    def __str__(self) -> str:
        return f"{self.occurred_at:%Y-%m-%d %H:%M:%S} {self.actor_email} {self.action}"


class Alert(models.Model):
    class Kind(models.TextChoices):
        BULK_READ = "bulk_read", _("Many restricted records read")
        TRACING_SEARCHES = "tracing_searches", _("Many family tracing searches")

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    kind = models.CharField(_("kind"), max_length=30, choices=Kind.choices)
    created_at = models.DateTimeField(_("raised"), auto_now_add=True)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    organization = models.ForeignKey(
        "accounts.Organization", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    count = models.PositiveIntegerField(_("records read"))
    window_minutes = models.PositiveIntegerField(_("within minutes"))
    acknowledged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    acknowledged_at = models.DateTimeField(_("acknowledged"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("alert")
        verbose_name_plural = _("alerts")

    def __str__(self) -> str:
        return f"{self.get_kind_display()} · {self.user}"
