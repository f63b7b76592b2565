"""Transfers of a case to another organisation, referrals out of a case, and referrals that
arrived through the restricted path (registry.hooks). Imported at the end of models.py.

As for cases, a row keeps in clear only its structure; consent, who explained it, reasons,
the fields shared or received and any link to a person are sealed (PROTECTION_DESIGN.md).
An incoming referral keeps the link to the case it opened inside its sealed blob, so that
nothing in clear ties the referring side's referral to a survivor code.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from caminantes.accounts.models import Organization
from caminantes.geo.models import Country
from caminantes.lib.models import PublicIdModel
from caminantes.protection.choices import Kind
from caminantes.protection.models import CaseChild, ProtectionCase, Sealed


class TransferStatus(models.TextChoices):
    PROPOSED = "proposed", _("Proposed")
    ACCEPTED = "accepted", _("Accepted")
    DECLINED = "declined", _("Declined")


class Transfer(PublicIdModel, Sealed):
    """A proposal to hand a case to another organisation working in the case's country.
    Sealed: consent (bool), consent_date, explained_by, note, decline_reason."""

    case = models.ForeignKey(ProtectionCase, on_delete=models.CASCADE, related_name="transfers")
    from_organization = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="+")
    to_organization = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="+")
    status = models.CharField(
        _("status"), max_length=12, choices=TransferStatus.choices,
        default=TransferStatus.PROPOSED,
    )  # fmt: skip
    proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    proposed_at = models.DateTimeField(default=timezone.now)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True,
        blank=True,
    )  # fmt: skip
    answered_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-proposed_at", "pk"]
        verbose_name = _("case transfer")
        constraints = [
            models.UniqueConstraint(
                fields=["case"],
                condition=Q(status="proposed"),
                name="protection_transfer_one_pending",
            ),
            models.CheckConstraint(
                condition=Q(status__in=TransferStatus.values),
                name="protection_transfer_status_valid",
            ),
            models.CheckConstraint(
                condition=~Q(from_organization=models.F("to_organization")),
                name="protection_transfer_to_another_org",
            ),
        ]

    def __str__(self) -> str:
        return str(self.uuid)


class ReferralStatus(models.TextChoices):
    SENT = "sent", _("Sent")
    ACCEPTED = "accepted", _("Accepted")
    DECLINED = "declined", _("Declined")
    COMPLETED = "completed", _("Completed")


class OutgoingReferral(CaseChild):
    """A survivor referred from a case to a service through the minimal form. Sealed:
    service (ServiceType), provider, shared {field: value}, consent, consent_date."""

    case = models.ForeignKey(ProtectionCase, on_delete=models.CASCADE, related_name="referrals")
    status = models.CharField(
        _("status"), max_length=12, choices=ReferralStatus.choices, default=ReferralStatus.SENT
    )

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name = _("referral from a case")
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=ReferralStatus.values),
                name="protection_outgoing_referral_status_valid",
            ),
        ]


class InboxStatus(models.TextChoices):
    WAITING = "waiting", _("Waiting")
    ACCEPTED = "accepted", _("Accepted")
    DECLINED = "declined", _("Declined")


class IncomingReferral(PublicIdModel, Sealed):
    """A GBV or trafficking referral that arrived through the restricted path; its uuid is
    the referring side's referral uuid. Sealed: fields {label: value}, person (uuid str or
    null), urgent, sender (name and organisation, for a call back), decline_reason, case
    (the uuid of the case it opened)."""

    organization = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="+")
    country = models.ForeignKey(Country, on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices)
    status = models.CharField(
        _("status"), max_length=12, choices=InboxStatus.choices, default=InboxStatus.WAITING
    )
    received_at = models.DateTimeField(default=timezone.now)
    answered_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-received_at", "pk"]
        verbose_name = _("incoming protection referral")
        constraints = [
            models.CheckConstraint(
                condition=Q(kind__in=Kind.values), name="protection_incoming_kind_valid"
            ),
            models.CheckConstraint(
                condition=Q(status__in=InboxStatus.values),
                name="protection_incoming_status_valid",
            ),
        ]

    def __str__(self) -> str:
        return str(self.uuid)
