"""Protection cases and their child rows.

A row keeps in clear only its structure (ids, organisation, country, kind, survivor code,
status, timestamps); everything about the survivor and the incident is one JSON object in
`sealed`, encrypted under the protection keys (sealing.py). The layout of each blob is in
PROTECTION_DESIGN.md. The survivor code is random and names nobody; the link from code to
person or name exists only inside the sealed blob.
"""

from __future__ import annotations

import secrets
from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from caminantes.accounts.models import Organization
from caminantes.geo.models import Country
from caminantes.lib.models import PublicIdModel
from caminantes.protection import sealing
from caminantes.protection.choices import AssignmentRole, Kind, Status

# No 0/O, 1/I/L: a code read over the phone is not misheard.
CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
CODE_PREFIX = {Kind.GBV: "VBG-", Kind.TRAFFICKING: "TdP-"}


def new_survivor_code(kind: str) -> str:
    return CODE_PREFIX[Kind(kind)] + "".join(secrets.choice(CODE_ALPHABET) for _ in range(8))


class Sealed(models.Model):
    """A row whose contents are one sealed JSON object."""

    sealed = models.TextField(blank=True, default="")

    class Meta:
        abstract = True

    def contents(self) -> dict[str, Any]:
        cached = getattr(self, "_contents", None)
        if cached is None:
            cached = sealing.unseal(self.sealed)
            self._contents = cached
        return dict(cached)

    def set_contents(self, data: dict[str, Any]) -> None:
        self.sealed = sealing.seal(data)
        self._contents = dict(data)


class ProtectionCase(PublicIdModel, Sealed):
    organization = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="+")
    country = models.ForeignKey(Country, on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices)
    survivor_code = models.CharField(_("survivor code"), max_length=16, unique=True)
    status = models.CharField(
        _("status"), max_length=12, choices=Status.choices, default=Status.OPEN
    )
    opened_at = models.DateTimeField(_("opened"), default=timezone.now)
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-opened_at"]
        verbose_name = _("protection case")
        verbose_name_plural = _("protection cases")
        constraints = [
            models.CheckConstraint(
                condition=Q(kind__in=Kind.values), name="protection_case_kind_valid"
            ),
            models.CheckConstraint(
                condition=Q(status__in=Status.values), name="protection_case_status_valid"
            ),
            # Open means not closed; closed or transferred carries the moment it ended.
            models.CheckConstraint(
                condition=(Q(status=Status.OPEN) & Q(closed_at__isnull=True))
                | (~Q(status=Status.OPEN) & Q(closed_at__isnull=False)),
                name="protection_case_closed_at_with_status",
            ),
        ]

    def __str__(self) -> str:
        return self.survivor_code

    @property
    def is_open(self) -> bool:
        return self.status == Status.OPEN


class CaseChild(PublicIdModel, Sealed):
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        abstract = True

    def __str__(self) -> str:
        return str(self.uuid)


class CaseService(CaseChild):
    """A service offered or received (type, status, consent, date, provider: all sealed)."""

    case = models.ForeignKey(ProtectionCase, on_delete=models.CASCADE, related_name="services")

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name = _("case service")


class ActionItem(CaseChild):
    """A step of the action plan or a follow-up: the text is sealed; due date and done are
    the bare structure a caseworker's list needs."""

    case = models.ForeignKey(ProtectionCase, on_delete=models.CASCADE, related_name="actions")
    due_on = models.DateField(_("due"), null=True, blank=True)
    done = models.BooleanField(_("done"), default=False)
    done_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["done", "due_on", "pk"]
        verbose_name = _("action item")


class PsychosocialSession(CaseChild):
    """A session (date, type, number, wellbeing 0-10, optional note: all sealed)."""

    case = models.ForeignKey(ProtectionCase, on_delete=models.CASCADE, related_name="sessions")

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name = _("psychosocial session")


class Assignment(PublicIdModel):
    """Who works on a case. Only an active assignment opens the case to its user."""

    case = models.ForeignKey(ProtectionCase, on_delete=models.CASCADE, related_name="assignments")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    role = models.CharField(_("role"), max_length=12, choices=AssignmentRole.choices)
    started_at = models.DateTimeField(default=timezone.now)
    ended_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["started_at", "pk"]
        verbose_name = _("case assignment")
        constraints = [
            models.UniqueConstraint(
                fields=["case", "user"],
                condition=Q(ended_at__isnull=True),
                name="protection_assignment_one_active",
            ),
            models.CheckConstraint(
                condition=Q(role__in=AssignmentRole.values),
                name="protection_assignment_role_valid",
            ),
        ]

    @property
    def is_active(self) -> bool:
        return self.ended_at is None


# Transfers and referrals (their own module, so this one stays about cases).
from caminantes.protection.models_xfer import (  # noqa: E402, F401
    IncomingReferral,
    OutgoingReferral,
    Transfer,
)
