"""Family tracing: requests, the candidates found for them, reunification cases, and the
in-app notices that tell a caseworker a new candidate was found."""

from __future__ import annotations

from datetime import date

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from caminantes.geo.models import AdminArea, Country, Place
from caminantes.lib.models import PublicIdModel
from caminantes.registry.models import Relationship, Sex


class TracingRequest(PublicIdModel):
    class Status(models.TextChoices):
        OPEN = "open", _("Searching")
        MATCHED = "matched", _("Relative found")
        CLOSED = "closed", _("Closed")

    organization = models.ForeignKey(
        "accounts.Organization",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("requesting organisation"),
    )
    country = models.ForeignKey(
        Country, on_delete=models.PROTECT, related_name="+", verbose_name=_("country")
    )
    caseworker = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("caseworker"),
    )
    # Either a registered person, or a partner's description of someone not registered.
    requester = models.ForeignKey(
        "registry.Person",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="tracing_requests",
        verbose_name=_("requester"),
    )
    requester_description = models.CharField(
        _("requester (if not registered)"), max_length=300, blank=True
    )
    # For a requester who is not registered: when their consent was recorded, and by whom.
    requester_consent_on = models.DateField(_("consent given on"), null=True, blank=True)
    sought_given_names = models.CharField(_("given names of the relative"), max_length=120)
    sought_family_names = models.CharField(
        _("surnames of the relative"), max_length=160, blank=True
    )
    sought_sex = models.CharField(_("sex"), max_length=1, choices=Sex.choices, blank=True)
    sought_birth_date = models.DateField(_("date of birth"), null=True, blank=True)
    sought_age = models.PositiveSmallIntegerField(_("approximate age"), null=True, blank=True)
    # Evidence a search needs besides the full name (a date of birth, or one of these):
    # what a relative knows and a stranger typing common names does not.
    sought_birth_year = models.PositiveSmallIntegerField(_("year of birth"), null=True, blank=True)
    sought_birth_area = models.ForeignKey(
        AdminArea,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("place of birth"),
    )
    relationship = models.CharField(
        _("relationship to the requester"), max_length=20, choices=Relationship.choices
    )
    last_seen_area = models.ForeignKey(
        AdminArea,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("last seen in (area)"),
    )
    last_seen_place = models.ForeignKey(
        Place,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("last seen at (place)"),
    )
    last_seen_on = models.DateField(_("last seen on"), null=True, blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.OPEN
    )
    created_at = models.DateTimeField(default=timezone.now)
    searched_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("tracing request")
        verbose_name_plural = _("tracing requests")
        indexes = [models.Index(fields=["status"])]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(requester__isnull=False) | ~models.Q(requester_description=""),
                name="identity_tracing_names_requester",
            ),
        ]

    def __str__(self) -> str:
        return self.code

    @property
    def code(self) -> str:
        return "T-" + str(self.uuid)[:6].upper()

    @property
    def sought_name(self) -> str:
        return f"{self.sought_given_names} {self.sought_family_names}".strip()

    def sought_age_on(self, day: date | None = None) -> int | None:
        if self.sought_birth_date is not None:
            day = day or timezone.localdate()
            b = self.sought_birth_date
            return day.year - b.year - ((day.month, day.day) < (b.month, b.day))
        return self.sought_age


class TracingMatch(PublicIdModel):
    """A registered person who may be the relative sought. The requesting organisation
    learns only that a possible match exists until the organisation holding the record
    confirms, and nothing once the person's consent to tracing is withdrawn."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Awaiting confirmation")
        CONFIRMED = "confirmed", _("Confirmed")
        REJECTED = "rejected", _("Not this person")
        WITHDRAWN = "withdrawn", _("Closed: consent withdrawn")

    request = models.ForeignKey(TracingRequest, on_delete=models.CASCADE, related_name="matches")
    person = models.ForeignKey(
        "registry.Person", on_delete=models.PROTECT, related_name="tracing_matches"
    )
    score = models.FloatField(_("score"))
    evidence = models.JSONField(default=dict, blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.PENDING
    )
    found_at = models.DateTimeField(default=timezone.now)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-score", "id"]
        verbose_name = _("tracing match")
        verbose_name_plural = _("tracing matches")
        constraints = [
            models.UniqueConstraint(fields=["request", "person"], name="identity_match_once")
        ]

    def __str__(self) -> str:
        return f"{self.request_id}:{self.person_id}"

    @property
    def percent(self) -> int:
        return round(self.score * 100)


class ReunificationCase(PublicIdModel):
    """After a confirmed match: verification, consent of both sides, best interest when a
    child is involved, travel, and the end (reunified or closed)."""

    class Step(models.TextChoices):
        VERIFICATION = "verification", _("Verify the relationship")
        CONSENT = "consent", _("Consent of both sides")
        BEST_INTEREST = "best_interest", _("Best-interest check")
        TRAVEL = "travel", _("Travel")
        REUNIFIED = "reunified", _("Reunified")
        CLOSED = "closed", _("Closed")

    match = models.OneToOneField(
        TracingMatch, on_delete=models.PROTECT, related_name="reunification"
    )
    status = models.CharField(
        _("step"), max_length=15, choices=Step.choices, default=Step.VERIFICATION
    )
    child_involved = models.BooleanField(_("a child is involved"), default=False)
    verified_at = models.DateTimeField(null=True, blank=True)
    verified_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    verification_note = models.CharField(_("how it was verified"), max_length=300, blank=True)
    requester_consent_on = models.DateField(_("requester consented on"), null=True, blank=True)
    sought_consent_on = models.DateField(_("relative consented on"), null=True, blank=True)
    consent_recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    best_interest_at = models.DateTimeField(null=True, blank=True)
    best_interest_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    best_interest_note = models.CharField(_("best-interest finding"), max_length=300, blank=True)
    travel_note = models.CharField(_("travel arrangements"), max_length=300, blank=True)
    travel_date = models.DateField(_("travel date"), null=True, blank=True)
    reunified_on = models.DateField(_("reunified on"), null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    close_reason = models.CharField(_("reason for closing"), max_length=300, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("reunification case")
        verbose_name_plural = _("reunification cases")

    def __str__(self) -> str:
        return self.code

    @property
    def code(self) -> str:
        return "R-" + str(self.uuid)[:6].upper()


class Notification(PublicIdModel):
    """An in-app notice for one user; `message` is an English msgid with `params`."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="identity_notices"
    )
    message = models.CharField(max_length=300)
    params = models.JSONField(default=dict, blank=True)
    url = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    read_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")

    def __str__(self) -> str:
        return self.message[:40]

    @property
    def text(self) -> str:
        from django.utils.translation import gettext

        try:
            return gettext(self.message) % self.params if self.params else gettext(self.message)
        except (KeyError, TypeError, ValueError):
            return self.message
