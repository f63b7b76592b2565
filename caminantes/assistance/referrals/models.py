"""The service directory and the referrals sent to its services.

A `Service` is what a partner offers in a country (and optionally one admin area), with the
fields a referral to it must carry (`referral_fields`, keys of `FIELD_CATALOGUE`). A
`Referral` sends a household or one of its people to a service; what the service asked for
is copied once, when it is sent, into an encrypted snapshot (`fields_encrypted`): the
receiving organisation reads that snapshot and nothing else of the household. A referral to
a protection service (GBV, trafficking) keeps no snapshot and no household here at all: its
fields went to protection through the restricted path (`registry.hooks`).
"""

from __future__ import annotations

import json
from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from caminantes.accounts.models import Organization
from caminantes.assistance.models import ServiceDelivery
from caminantes.geo.models import AdminArea, Country
from caminantes.lib import crypto
from caminantes.lib.models import PublicIdModel
from caminantes.registry.models import Household, Person


class ServiceType(models.TextChoices):
    PSYCHOSOCIAL = "psychosocial", _("Psychosocial support")
    GBV = "gbv", _("Gender-based violence response")
    TRAFFICKING = "trafficking", _("Anti-trafficking")
    HEALTH = "health", _("Health")
    LEGAL = "legal", _("Legal aid")
    DOCUMENTATION = "documentation", _("Documentation and regularization")
    SHELTER = "shelter", _("Shelter")
    FOOD = "food", _("Food")
    WASH = "wash", _("Water, sanitation and hygiene")
    LIVELIHOODS = "livelihoods", _("Livelihoods and employment")
    EDUCATION = "education", _("Education")
    CHILD_PROTECTION = "child_protection", _("Child protection")
    CASH = "cash", _("Cash and vouchers")
    TRANSPORT = "transport", _("Humanitarian transport")
    OTHER = "other", _("Other")


# Referrals to these go through protection's restricted path and keep nothing here.
RESTRICTED_TYPES = frozenset({ServiceType.GBV, ServiceType.TRAFFICKING})

# The R4V sector (assistance.delivery.SECTORS codes) a service of each type reports under.
SECTOR_BY_TYPE: dict[str, str] = {
    ServiceType.PSYCHOSOCIAL: "protection",
    ServiceType.GBV: "protection",
    ServiceType.TRAFFICKING: "protection",
    ServiceType.HEALTH: "health",
    ServiceType.LEGAL: "protection",
    ServiceType.DOCUMENTATION: "protection",
    ServiceType.SHELTER: "shelter",
    ServiceType.FOOD: "food_security",
    ServiceType.WASH: "wash",
    ServiceType.LIVELIHOODS: "integration",
    ServiceType.EDUCATION: "education",
    ServiceType.CHILD_PROTECTION: "protection",
    ServiceType.CASH: "multipurpose_cash",
    ServiceType.TRANSPORT: "humanitarian_transportation",
    ServiceType.OTHER: "protection",
}

# What a referral form may ask for. The reason and the urgency always travel.
FIELD_CATALOGUE: dict[str, Any] = {
    "name": _("Full name"),
    "birth_date": _("Date of birth"),
    "age": _("Age"),
    "sex": _("Sex"),
    "nationality": _("Nationality"),
    "phone": _("Phone"),
    "document": _("Identity document"),
    "household_size": _("Household size"),
    "address": _("Address"),
    "languages": _("Languages"),
    "specific_needs": _("Specific needs"),
}
ALWAYS_CARRIED: dict[str, Any] = {
    "reason": _("Reason for the referral"),
    "urgency": _("Urgency"),
}


def field_label(key: str) -> str:
    return str({**FIELD_CATALOGUE, **ALWAYS_CARRIED}.get(key, key))


class Service(PublicIdModel):
    organization = models.ForeignKey(
        Organization, on_delete=models.PROTECT, related_name="+", verbose_name=_("organisation")
    )
    country = models.ForeignKey(
        Country, on_delete=models.PROTECT, related_name="+", verbose_name=_("country")
    )
    admin_area = models.ForeignKey(
        AdminArea, on_delete=models.PROTECT, null=True, blank=True, related_name="+",
        verbose_name=_("area"),
    )  # fmt: skip
    type = models.CharField(_("type of service"), max_length=20, choices=ServiceType.choices)
    sector = models.CharField(_("sector"), max_length=40)
    name = models.CharField(_("name"), max_length=160)
    address = models.CharField(_("address"), max_length=300, blank=True)
    hours = models.CharField(_("opening hours"), max_length=200, blank=True)
    contact = models.CharField(_("contact"), max_length=200, blank=True)
    eligibility = models.TextField(_("who may use it"), max_length=2000, blank=True)
    languages = models.CharField(_("languages"), max_length=120, blank=True)
    accepts_referrals = models.BooleanField(_("takes referrals"), default=True)
    capacity = models.PositiveIntegerField(
        _("capacity"), null=True, blank=True, help_text=_("People a month; empty if not known.")
    )
    referral_fields = models.JSONField(_("fields a referral carries"), default=list, blank=True)
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["country", "name"]
        verbose_name = _("service")
        verbose_name_plural = _("services")
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "country", "name"],
                name="referrals_service_unique_name",
            )
        ]
        indexes = [models.Index(fields=["country", "type", "is_active"])]

    def __str__(self) -> str:
        return f"{self.name} ({self.organization.acronym})"

    @property
    def restricted(self) -> bool:
        return self.type in RESTRICTED_TYPES

    @property
    def field_labels(self) -> list[str]:
        return [field_label(k) for k in self.referral_fields]


class Status(models.TextChoices):
    # A context of their own: Spanish and Portuguese agree them with "remisión" and
    # "encaminhamento", not with whatever else is received or closed.
    SENT = "sent", pgettext_lazy("referral status", "Sent")
    RECEIVED = "received", pgettext_lazy("referral status", "Received")
    ACCEPTED = "accepted", pgettext_lazy("referral status", "Accepted")
    DECLINED = "declined", pgettext_lazy("referral status", "Declined")
    IN_PROGRESS = "in_progress", pgettext_lazy("referral status", "In progress")
    COMPLETED = "completed", pgettext_lazy("referral status", "Completed")
    CLOSED = "closed", pgettext_lazy("referral status", "Closed")


# Where a referral may go from each status; `closed` ends one that will not be completed.
TRANSITIONS: dict[str, tuple[str, ...]] = {
    Status.SENT: (Status.RECEIVED, Status.ACCEPTED, Status.DECLINED, Status.CLOSED),
    Status.RECEIVED: (Status.ACCEPTED, Status.DECLINED, Status.CLOSED),
    Status.ACCEPTED: (Status.IN_PROGRESS, Status.COMPLETED, Status.CLOSED),
    Status.IN_PROGRESS: (Status.COMPLETED, Status.CLOSED),
    Status.DECLINED: (),
    Status.COMPLETED: (),
    Status.CLOSED: (),
}
OPEN = (Status.SENT, Status.RECEIVED, Status.ACCEPTED, Status.IN_PROGRESS)
# As plain strings, for the partial indexes' conditions (the migration stores them).
OPEN_STATUSES = ["sent", "received", "accepted", "in_progress"]


class Referral(PublicIdModel):
    service = models.ForeignKey(Service, on_delete=models.PROTECT, related_name="referrals")
    # The service's organisation and country, kept on the row for the inbox and the policy.
    receiving_organization = models.ForeignKey(
        Organization, on_delete=models.PROTECT, related_name="+"
    )
    country = models.ForeignKey(Country, on_delete=models.PROTECT, related_name="+")
    sender_organization = models.ForeignKey(
        Organization, on_delete=models.PROTECT, related_name="+"
    )
    sent_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                related_name="+")  # fmt: skip
    # Empty for a restricted referral: nothing here links it to a family.
    household = models.ForeignKey(
        Household, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    person = models.ForeignKey(
        Person, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    restricted = models.BooleanField(default=False)
    urgent = models.BooleanField(_("urgent"), default=False)
    status = models.CharField(
        _("status"), max_length=12, choices=Status.choices, default=Status.SENT
    )
    due_on = models.DateField(_("answer due by"))
    field_keys = models.JSONField(default=list, blank=True)
    fields_encrypted = models.TextField(blank=True)
    decline_reason = models.CharField(_("reason for declining"), max_length=500, blank=True)
    request_id = models.UUIDField(null=True, blank=True, unique=True)
    request_sha256 = models.CharField(max_length=64, blank=True)
    sent_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)
    reminded_on = models.DateField(null=True, blank=True)
    delivery = models.OneToOneField(
        ServiceDelivery, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["-sent_at", "-id"]
        verbose_name = _("referral")
        verbose_name_plural = _("referrals")
        indexes = [
            models.Index(fields=["receiving_organization", "status", "due_on"]),
            models.Index(fields=["sent_by", "-sent_at"]),
            models.Index(fields=["status", "due_on"]),
            # The inboxes (issue 15: 200,000 open referrals): the open ones a side receives
            # in the inbox's order (urgent, due, sent), so the first page is read off the
            # index; the columns the policy and the counts test ride along, so counting the
            # open ones never touches the table.
            models.Index(
                fields=["receiving_organization", "-urgent", "due_on", "sent_at"],
                include=["country", "sender_organization", "sent_by", "restricted"],
                condition=Q(status__in=OPEN_STATUSES, restricted=False),
                name="referrals_inbox_open",
            ),
            models.Index(
                fields=["sent_by", "due_on", "sent_at"],
                include=["country", "sender_organization", "receiving_organization", "restricted"],
                condition=Q(status__in=OPEN_STATUSES),
                name="referrals_sent_open",
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(restricted=False)
                | (Q(household__isnull=True) & Q(person__isnull=True) & Q(fields_encrypted="")),
                name="referrals_restricted_keeps_nothing",
            ),
            models.CheckConstraint(
                condition=~Q(status="declined") | ~Q(decline_reason=""),
                name="referrals_declined_with_reason",
            ),
        ]

    def __str__(self) -> str:
        return self.code

    @property
    def code(self) -> str:
        return "REF-" + str(self.uuid)[:8].upper()

    @property
    def is_open(self) -> bool:
        return self.status in OPEN

    @property
    def overdue(self) -> bool:
        return self.is_open and self.due_on < timezone.localdate()

    def set_fields(self, values: dict[str, str]) -> None:
        self.field_keys = list(values)
        self.fields_encrypted = crypto.encrypt(json.dumps(values, ensure_ascii=False))

    def decrypted_fields(self) -> list[tuple[str, str]]:
        """(label, value) in the order the form asks; read through `selectors.snapshot`,
        which audits the read."""
        if not self.fields_encrypted:
            return []
        values: dict[str, str] = json.loads(crypto.decrypt(self.fields_encrypted))
        return [(field_label(k), v) for k, v in values.items()]


class ReferralEvent(models.Model):
    """A step of a referral (sent, received, accepted …) with the note that came with it;
    the note is encrypted (feedback may speak of the person)."""

    referral = models.ForeignKey(Referral, on_delete=models.CASCADE, related_name="events")
    status = models.CharField(max_length=12, choices=Status.choices)
    at = models.DateTimeField(default=timezone.now)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
        related_name="+",
    )  # fmt: skip
    organization = models.ForeignKey(
        Organization, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    note_encrypted = models.TextField(blank=True)

    class Meta:
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.referral_id} {self.status}"

    @property
    def note(self) -> str:
        return crypto.decrypt(self.note_encrypted)


class Notice(PublicIdModel):
    """An in-app notice about a referral for one user; `message` is an English msgid
    (marked with gettext_noop) filled with `params` in the reader's language."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="referral_notices"
    )
    referral = models.ForeignKey(Referral, on_delete=models.CASCADE, related_name="notices")
    message = models.CharField(max_length=300)
    params = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    read_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["user", "read_at"])]

    def __str__(self) -> str:
        return self.message[:40]

    @property
    def text(self) -> str:
        from django.utils.translation import gettext

        try:
            return gettext(self.message) % self.params if self.params else gettext(self.message)
        except (KeyError, TypeError, ValueError):
            return self.message
