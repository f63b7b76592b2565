"""Community feedback and complaints.

A `FeedbackItem` is one piece of feedback or one complaint, received through a channel
(hotline, WhatsApp, help desk, suggestion box, e-mail) by an organisation in a country. What
the person said, their name and how to reach them are encrypted; the contact is kept only
when they consented to be contacted (an anonymous item keeps neither). Three categories are
SENSITIVE (sexual exploitation and abuse, fraud, staff misconduct): such an item is seen
only by the organisation's PSEA focal points in its country (see `policies`), and its audit
events are off the general trail (`audit.models.HIDDEN_OBJECT_TYPE_PREFIXES`).

The loop: received -> (sensitive: taken in charge by a focal point) -> response given (text,
date, by whom) -> closed once the complainant acknowledged it (date, channel) or could not
be reached. Closing needs a response first.
"""

from __future__ import annotations

from datetime import date

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from caminantes.accounts.models import Organization
from caminantes.geo.models import AdminArea, Country
from caminantes.lib import crypto
from caminantes.lib.models import PublicIdModel
from caminantes.registry.models import Household


class Channel(models.TextChoices):
    HOTLINE = "hotline", _("Hotline")
    WHATSAPP = "whatsapp", _("WhatsApp")
    HELP_DESK = "help_desk", _("Help desk")
    SUGGESTION_BOX = "suggestion_box", _("Suggestion box")
    EMAIL = "email", _("E-mail")


class Category(models.TextChoices):
    INFORMATION = "information", _("Information request")
    COMPLAINT = "complaint", _("Complaint about assistance")
    FEEDBACK = "feedback", _("Feedback, suggestion or appreciation")
    SEA = "sea", _("Sexual exploitation and abuse (SEA)")
    FRAUD = "fraud", _("Fraud")
    MISCONDUCT = "misconduct", _("Staff misconduct")


SENSITIVE = frozenset({Category.SEA, Category.FRAUD, Category.MISCONDUCT})


def is_sensitive(category: str) -> bool:
    return category in SENSITIVE


class Status(models.TextChoices):
    RECEIVED = "received", _("Received")
    IN_PROGRESS = "in_progress", _("Taken in charge")
    RESPONDED = "responded", _("Response given")
    CLOSED = "closed", _("Closed")


OPEN = (Status.RECEIVED, Status.IN_PROGRESS)


class Reach(models.TextChoices):
    """How the loop was closed with the complainant."""

    ACKNOWLEDGED = "acknowledged", _("Acknowledged by the complainant")
    NOT_REACHED = "not_reached", _("Could not reach the complainant")


class AckChannel(models.TextChoices):
    PHONE = "phone", _("Phone call")
    WHATSAPP = "whatsapp", _("WhatsApp")
    IN_PERSON = "in_person", _("In person")
    EMAIL = "email", _("E-mail")
    SMS = "sms", _("SMS")


class FeedbackItem(PublicIdModel):
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
    channel = models.CharField(_("channel"), max_length=20, choices=Channel.choices)
    category = models.CharField(_("category"), max_length=20, choices=Category.choices)
    # Kept equal to `category in SENSITIVE` by the services (and the constraint below): the
    # policy filters on it.
    sensitive = models.BooleanField(default=False)
    received_on = models.DateField(_("received on"))
    recorded_at = models.DateTimeField(default=timezone.now)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    description_encrypted = models.TextField()
    anonymous = models.BooleanField(_("anonymous"), default=False)
    name_encrypted = models.TextField(blank=True)
    contact_encrypted = models.TextField(blank=True)
    contact_consent = models.BooleanField(_("consents to be contacted"), default=False)
    household = models.ForeignKey(
        Household, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    due_on = models.DateField(_("response due by"))
    # Sensitive items: a focal point takes them in charge within a day.
    take_by = models.DateField(_("to be taken in charge by"), null=True, blank=True)
    taken_at = models.DateTimeField(null=True, blank=True)
    taken_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
        related_name="+",
    )  # fmt: skip
    status = models.CharField(
        _("status"), max_length=12, choices=Status.choices, default=Status.RECEIVED
    )
    response_encrypted = models.TextField(blank=True)
    responded_on = models.DateField(_("response given on"), null=True, blank=True)
    responded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
        related_name="+",
    )  # fmt: skip
    reach = models.CharField(_("outcome"), max_length=20, choices=Reach.choices, blank=True)
    reach_on = models.DateField(_("date"), null=True, blank=True)
    reach_channel = models.CharField(
        _("how"), max_length=20, choices=AckChannel.choices, blank=True
    )
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
        related_name="+",
    )  # fmt: skip
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-received_on", "-id"]
        verbose_name = _("feedback or complaint")
        verbose_name_plural = _("feedback and complaints")
        indexes = [
            models.Index(fields=["organization", "country", "sensitive", "status"]),
            models.Index(fields=["status", "due_on"]),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(sensitive=False, category__in=["information", "complaint", "feedback"])
                | Q(sensitive=True, category__in=["sea", "fraud", "misconduct"]),
                name="feedback_item_sensitive_matches_category",
            ),
            models.CheckConstraint(
                condition=Q(contact_consent=True) | Q(contact_encrypted=""),
                name="feedback_item_contact_only_with_consent",
            ),
            models.CheckConstraint(
                condition=Q(anonymous=False) | (Q(name_encrypted="") & Q(contact_encrypted="")),
                name="feedback_item_anonymous_keeps_no_name",
            ),
            models.CheckConstraint(
                condition=~Q(status="closed") | Q(responded_on__isnull=False),
                name="feedback_item_closed_after_response",
            ),
        ]

    def __str__(self) -> str:
        return self.reference

    @property
    def reference(self) -> str:
        return "FB-" + str(self.uuid)[:8].upper()

    @property
    def is_open(self) -> bool:
        return self.status in OPEN

    def overdue_on(self, today: date) -> bool:
        if self.is_open and self.due_on < today:
            return True
        return bool(self.sensitive and self.taken_at is None and self.take_by
                    and self.take_by < today and self.status != Status.CLOSED)  # fmt: skip

    @property
    def overdue(self) -> bool:
        return self.overdue_on(timezone.localdate())

    @property
    def in_time(self) -> bool | None:
        """Answered by the due date; None while there is no response."""
        return None if self.responded_on is None else self.responded_on <= self.due_on

    @property
    def description(self) -> str:
        return crypto.decrypt(self.description_encrypted)

    @property
    def name(self) -> str:
        return crypto.decrypt(self.name_encrypted) if self.name_encrypted else ""

    @property
    def contact(self) -> str:
        return crypto.decrypt(self.contact_encrypted) if self.contact_encrypted else ""

    @property
    def response(self) -> str:
        return crypto.decrypt(self.response_encrypted) if self.response_encrypted else ""
