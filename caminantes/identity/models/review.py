"""Deduplication review: runs, tickets (one per suspected cluster), decisions and merges."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from caminantes.geo.models import Country
from caminantes.lib.models import PublicIdModel

DEFAULT_REVIEW_THRESHOLD = 0.5


class Thresholds(PublicIdModel):
    """Per country: from which score a pair is put to a reviewer, and from which (if any)
    it merges by itself. No auto-merge threshold means nothing ever merges by itself."""

    country = models.OneToOneField(
        Country, on_delete=models.PROTECT, related_name="+", verbose_name=_("country")
    )
    review_threshold = models.FloatField(
        _("review from score"),
        default=DEFAULT_REVIEW_THRESHOLD,
        help_text=_("Pairs scoring at least this (0 to 1) open a review ticket."),
    )
    auto_merge_threshold = models.FloatField(
        _("merge automatically from score"),
        null=True,
        blank=True,
        help_text=_("Empty: never merge without a reviewer. Otherwise 0 to 1."),
    )
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("duplicate thresholds")
        verbose_name_plural = _("duplicate thresholds")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(review_threshold__gte=0, review_threshold__lte=1),
                name="identity_thresholds_review_0_1",
            ),
            models.CheckConstraint(
                condition=models.Q(auto_merge_threshold__isnull=True)
                | models.Q(
                    auto_merge_threshold__lte=1,
                    auto_merge_threshold__gte=models.F("review_threshold"),
                ),
                name="identity_thresholds_auto_above_review",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.country.iso2}: {self.review_threshold}/{self.auto_merge_threshold}"


class DedupeRun(PublicIdModel):
    class Status(models.TextChoices):
        QUEUED = "queued", _("Queued")
        RUNNING = "running", _("Running")
        DONE = "done", _("Done")
        FAILED = "failed", _("Failed")

    country = models.ForeignKey(Country, on_delete=models.PROTECT, related_name="+")
    # None: started from the command line or by the system.
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    finished_at = models.DateTimeField(null=True, blank=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.QUEUED)
    records = models.PositiveIntegerField(default=0)
    clusters = models.PositiveIntegerField(default=0)
    tickets_opened = models.PositiveIntegerField(default=0)
    auto_merged = models.PositiveIntegerField(default=0)
    already_decided = models.PositiveIntegerField(default=0)
    # Suspected clusters whose records are held by more than one organisation: each
    # organisation reviews its own records; the link between them is counted, not shown,
    # since no organisation may see another's people without a sharing agreement.
    cross_organisation = models.PositiveIntegerField(default=0)
    engine = models.CharField(max_length=20, blank=True)
    error = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("deduplication run")
        verbose_name_plural = _("deduplication runs")

    def __str__(self) -> str:
        return f"{self.country.iso2} {self.created_at:%Y-%m-%d %H:%M}"


class ReviewTicket(PublicIdModel):
    """One suspected cluster of records of the same person, waiting for a reviewer."""

    class Status(models.TextChoices):
        OPEN = "open", _("Open")
        MERGED = "merged", _("Merged")
        NOT_SAME = "not_same", _("Not the same person")
        LATER = "later", _("Decide later")

    country = models.ForeignKey(
        Country, on_delete=models.PROTECT, related_name="+", verbose_name=_("country")
    )
    run = models.ForeignKey(
        DedupeRun, on_delete=models.SET_NULL, null=True, blank=True, related_name="tickets"
    )
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.OPEN
    )
    score = models.FloatField(_("score"))
    created_at = models.DateTimeField(default=timezone.now)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    # The status a "not the same person" decision replaced (open or later): what its undo,
    # offered for a few minutes (lib.undo), puts back.
    status_before = models.CharField(max_length=10, choices=Status.choices, blank=True)

    class Meta:
        ordering = ["-score", "created_at", "id"]
        verbose_name = _("review ticket")
        verbose_name_plural = _("review tickets")
        indexes = [models.Index(fields=["country", "status"])]

    def __str__(self) -> str:
        return str(self.uuid)[:8]

    @property
    def code(self) -> str:
        return str(self.uuid)[:8].upper()

    @property
    def percent(self) -> int:
        return round(self.score * 100)


class TicketRecord(PublicIdModel):
    """A record in a ticket, with how it compared with each other record of the ticket:
    `evidence` = {other person pk: {"probability": p, "match_weight": w, "fields": {...}}}."""

    ticket = models.ForeignKey(ReviewTicket, on_delete=models.CASCADE, related_name="records")
    person = models.ForeignKey(
        "registry.Person", on_delete=models.PROTECT, related_name="review_records"
    )
    evidence = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["ticket", "id"]
        verbose_name = _("ticket record")
        verbose_name_plural = _("ticket records")
        constraints = [
            models.UniqueConstraint(fields=["ticket", "person"], name="identity_ticket_person")
        ]

    def __str__(self) -> str:
        return f"{self.ticket_id}:{self.person_id}"


class PairDecision(PublicIdModel):
    """'These two records are not the same person': remembered, so never asked again."""

    # person_a has the lower primary key, so a pair has one row whichever way it was found.
    person_a = models.ForeignKey("registry.Person", on_delete=models.PROTECT, related_name="+")
    person_b = models.ForeignKey("registry.Person", on_delete=models.PROTECT, related_name="+")
    ticket = models.ForeignKey(
        ReviewTicket, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    decided_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-decided_at"]
        verbose_name = _("not-the-same decision")
        verbose_name_plural = _("not-the-same decisions")
        constraints = [
            models.UniqueConstraint(fields=["person_a", "person_b"], name="identity_pair_once"),
            models.CheckConstraint(
                condition=models.Q(person_a__lt=models.F("person_b")),
                name="identity_pair_ordered",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.person_a_id}≠{self.person_b_id}"


class MergeRecord(PublicIdModel):
    """`merged` was found to be `survivor`: merged.merged_into = survivor. Nothing else is
    changed or deleted, so undoing it restores the state in `snapshot`."""

    ticket = models.ForeignKey(
        ReviewTicket, on_delete=models.SET_NULL, null=True, blank=True, related_name="merges"
    )
    survivor = models.ForeignKey("registry.Person", on_delete=models.PROTECT, related_name="+")
    merged = models.ForeignKey("registry.Person", on_delete=models.PROTECT, related_name="+")
    automatic = models.BooleanField(default=False)
    # None with automatic=True: merged by a run above the country's auto-merge threshold.
    merged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    merged_at = models.DateTimeField(default=timezone.now)
    undone_at = models.DateTimeField(null=True, blank=True)
    undone_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    # What the merge changed, as it was before: {"merged_into": pk or None, "ticket_status": …}
    snapshot = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["-merged_at", "-id"]
        verbose_name = _("merge")
        verbose_name_plural = _("merges")

    def __str__(self) -> str:
        return f"{self.merged_id}→{self.survivor_id}"
