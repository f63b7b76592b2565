"""Staged DTM imports: a file becomes rows with their errors, then commits in one go."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from caminantes.geo.models import Country
from caminantes.lib.models import TimestampedModel


class DtmImport(TimestampedModel):
    class Kind(models.TextChoices):
        FLOW_COUNTS = "flow_counts", _("Flow counts")
        SURVEY = "survey", _("Flow monitoring survey")
        BASELINE = "baseline", _("Baseline assessments")
        SITES = "sites", _("Site assessments")

    class Status(models.TextChoices):
        QUEUED = "queued", _("Waiting to be checked")
        READING = "reading", _("Checking the file")
        VALIDATED = "validated", _("Ready to import")
        REJECTED = "rejected", _("Rejected: errors")
        COMMITTING = "committing", _("Importing")
        COMMITTED = "committed", _("Imported")
        FAILED = "failed", _("Failed: nothing imported")
        CANCELLED = "cancelled", _("Cancelled")

    organization = models.ForeignKey(
        "accounts.Organization", on_delete=models.PROTECT, related_name="+"
    )
    country = models.ForeignKey(Country, on_delete=models.PROTECT, related_name="+")
    operation = models.ForeignKey("dtm.Operation", on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices)
    file_name = models.CharField(_("file"), max_length=255)
    file_sha256 = models.CharField(max_length=64, db_index=True)
    # The upload waiting to be read by the background task (under VAR_DIR); "" once read.
    file_path = models.CharField(max_length=500, blank=True)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices)
    total_rows = models.PositiveIntegerField(default=0)
    # Rows read and checked so far while the file is being checked (the progress bar).
    processed_rows = models.PositiveIntegerField(default=0)
    error_rows = models.PositiveIntegerField(default=0)
    # Rows whose submission id is already stored with the same content (a resend).
    known_rows = models.PositiveIntegerField(default=0)
    imported_rows = models.PositiveIntegerField(default=0)
    # Survey files: rows of people who declined (consent = no), counted, not interviews.
    refused_rows = models.PositiveIntegerField(default=0)
    file_errors = models.JSONField(default=list, blank=True)
    columns_ignored = models.JSONField(default=list, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    # Who asked for the commit: the commit task acts as them (again, if it is started again).
    committed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    committed_at = models.DateTimeField(null=True, blank=True)
    # Moves with every progress count the background task writes (outside its transaction):
    # a batch in progress whose heartbeat stopped lost its worker (see imports.recovery).
    heartbeat_at = models.DateTimeField(default=timezone.now)
    # Times its step was queued again after the worker died; failed past the limit.
    recovery_attempts = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("DTM import")
        verbose_name_plural = _("DTM imports")

    def __str__(self) -> str:
        return self.file_name


class DtmImportRow(models.Model):
    """A staged row: `data` is the normalised submission the intake will receive."""

    batch = models.ForeignKey(DtmImport, on_delete=models.CASCADE, related_name="rows")
    row_number = models.PositiveIntegerField()
    data = models.JSONField(default=dict)
    errors = models.JSONField(default=list, blank=True)
    known = models.BooleanField(default=False)

    class Meta:
        ordering = ["batch", "row_number"]
        constraints = [
            models.UniqueConstraint(fields=["batch", "row_number"], name="dtm_import_row_unique")
        ]

    def __str__(self) -> str:
        return f"{self.batch_id}:{self.row_number}"
