"""What is recorded about households and people: needs, consent, timeline, history, data
requests, retention, imports."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from caminantes.geo.models import Country
from caminantes.lib.models import PublicIdModel, TimestampedModel
from caminantes.registry import lookups  # noqa: F401  (registers JSONField.has_any_token)
from caminantes.registry.models.people import Household, Person


class Sector(models.TextChoices):
    SHELTER = "shelter", _("Shelter")
    FOOD = "food", _("Food")
    HEALTH = "health", _("Health")
    NFI = "nfi", _("Non-food items")
    DOCUMENTATION = "documentation", _("Documentation")
    LIVELIHOODS = "livelihoods", _("Livelihoods")
    TRANSPORT = "transport", _("Transport")
    PROTECTION = "protection", _("Protection")


class Severity(models.IntegerChoices):
    NONE = 0, _("No need")
    LOW = 1, _("Low")
    MEDIUM = 2, _("Medium")
    HIGH = 3, _("High")
    CRITICAL = 4, _("Critical")


class NeedsAssessment(TimestampedModel):
    household = models.ForeignKey(Household, on_delete=models.PROTECT, related_name="assessments")
    assessed_on = models.DateField(_("assessed on"), default=timezone.localdate)
    assessed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    # {sector: severity} for the sectors assessed; a sector not asked is absent.
    severities = models.JSONField(_("severity by sector"), default=dict)
    # Bumped on every change, so an update based on an old copy is refused (HTTP 409).
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["-assessed_on", "-id"]
        verbose_name = _("needs assessment")
        verbose_name_plural = _("needs assessments")

    def __str__(self) -> str:
        return f"{self.household} {self.assessed_on}"

    def rows(self) -> list[tuple[Any, Any]]:
        return [
            (Sector(s).label, Severity(v).label)
            for s, v in self.severities.items()
            if s in Sector.values
        ]


class Consent(PublicIdModel):
    class Purpose(models.TextChoices):
        REGISTRATION = "registration", _("Registration")
        SHARING = "sharing", _("Sharing with a named partner")
        FAMILY_TRACING = "family_tracing", _("Family tracing")
        MESSAGING = "messaging", _("Messages and reminders")
        AGGREGATE_REPORTING = "aggregate_reporting", _("Counting in aggregate reports")
        RELOCATION = "relocation", _("Voluntary relocation")

    class LegalBasis(models.TextChoices):
        CONSENT = "consent", _("Consent")
        VITAL_INTEREST = "vital_interest", _("Vital interest")
        PUBLIC_INTEREST = "public_interest", _("Public interest / mandate")
        LEGITIMATE_INTEREST = "legitimate_interest", _("Legitimate interest")
        LEGAL_OBLIGATION = "legal_obligation", _("Legal obligation")

    class GivenBy(models.TextChoices):
        PERSON = "person", _("The person")
        GUARDIAN = "guardian", _("A parent or guardian")

    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="consents")
    purpose = models.CharField(_("purpose"), max_length=30, choices=Purpose.choices)
    recipient = models.ForeignKey(
        "accounts.Organization",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("partner it may be shared with"),
    )
    legal_basis = models.CharField(
        _("legal basis"), max_length=30, choices=LegalBasis.choices, default=LegalBasis.CONSENT
    )
    given_by = models.CharField(
        _("given by"), max_length=10, choices=GivenBy.choices, default=GivenBy.PERSON
    )
    guardian_name = models.CharField(_("guardian's name"), max_length=200, blank=True)
    child_assent = models.BooleanField(_("the child agrees"), null=True, blank=True)
    language = models.CharField(_("language of the explanation"), max_length=10, default="es")
    # None: recorded by the system (a command-line import), not by a staff member.
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    given_on = models.DateField(_("given on"), default=timezone.localdate)
    withdrawn_on = models.DateField(_("withdrawn on"), null=True, blank=True)
    withdrawn_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    # The moment of the withdrawal: it can be undone for a few minutes (`lib.undo`).
    withdrawn_at = models.DateTimeField(null=True, blank=True)
    # Bumped on every change, so an update based on an old copy is refused (HTTP 409).
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["person", "purpose", "-given_on"]
        verbose_name = _("consent")
        verbose_name_plural = _("consents")
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(purpose="sharing") | models.Q(recipient__isnull=False),
                name="registry_consent_sharing_names_recipient",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_purpose_display()} ({self.given_on})"

    @property
    def is_active(self) -> bool:
        return self.withdrawn_on is None


class TimelineEntry(PublicIdModel):
    """One thing that happened to a family, written by whichever module did it."""

    household = models.ForeignKey(Household, on_delete=models.CASCADE, related_name="timeline")
    kind = models.CharField(max_length=40)
    ref_type = models.CharField(max_length=100, blank=True)
    ref_uuid = models.UUIDField(null=True, blank=True)
    occurred_at = models.DateTimeField(db_index=True)
    # The English source message (a msgid) and its parameters: rendered in the reader's
    # language by `text`, never stored translated.
    summary = models.CharField(max_length=300)
    params = models.JSONField(default=dict, blank=True)
    restricted = models.BooleanField(default=False)
    organization = models.ForeignKey(
        "accounts.Organization", on_delete=models.PROTECT, null=True, related_name="+"
    )
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )

    class Meta:
        ordering = ["-occurred_at", "-id"]
        verbose_name = _("timeline entry")
        verbose_name_plural = _("timeline entries")

    def __str__(self) -> str:
        return f"{self.occurred_at:%Y-%m-%d} {self.kind}"

    @property
    def text(self) -> str:
        """The summary in the active language. A list parameter holds msgids (field or
        choice labels), each translated and joined with commas."""
        from django.utils.translation import gettext

        params = {
            k: ", ".join(gettext(str(v)) for v in value) if isinstance(value, list) else value
            for k, value in (self.params or {}).items()
        }
        message = gettext(self.summary)
        if not params:
            return message
        try:
            return message % params
        except (KeyError, TypeError, ValueError):
            return self.summary


class FieldChange(PublicIdModel):
    """Who changed which field of a household, person or document, when, why, old → new."""

    household = models.ForeignKey(Household, on_delete=models.CASCADE, related_name="changes")
    object_type = models.CharField(max_length=60)
    object_uuid = models.UUIDField(db_index=True)
    field = models.CharField(max_length=60)
    old_value = models.TextField(blank=True)
    new_value = models.TextField(blank=True)
    encrypted = models.BooleanField(default=False)
    reason = models.CharField(_("reason"), max_length=300)
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    changed_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-changed_at", "-id"]
        verbose_name = _("field change")
        verbose_name_plural = _("field changes")

    def __str__(self) -> str:
        return f"{self.object_type}.{self.field}"

    @property
    def old_shown(self) -> str:
        return self._shown(self.old_value)

    @property
    def new_shown(self) -> str:
        return self._shown(self.new_value)

    def _shown(self, value: str) -> str:
        """A number's history shows its last four digits, as the pages show numbers."""
        if not (self.encrypted and value):
            return value
        from caminantes.lib.crypto import decrypt

        return "…" + decrypt(value)[-4:]

    @property
    def field_label(self) -> str:
        """The field's name in the reader's language (the code if it is no longer known)."""
        from django.apps import apps
        from django.core.exceptions import FieldDoesNotExist

        try:
            model = apps.get_model("registry", self.object_type)
        except LookupError:
            return self.field
        for name in (self.field, f"{self.field}_encrypted"):  # a number is kept encrypted
            try:
                return str(getattr(model._meta.get_field(name), "verbose_name", self.field))
            except FieldDoesNotExist:
                continue
        return self.field


class DataRequest(PublicIdModel):
    """The register of requests by registered people: access, correction, erasure."""

    class Kind(models.TextChoices):
        ACCESS = "access", _("Access / copy of the data")
        CORRECTION = "correction", _("Correction")
        ERASURE = "erasure", _("Erasure")

    class Status(models.TextChoices):
        OPEN = "open", _("Open")
        DONE = "done", _("Done")
        REFUSED = "refused", _("Refused")

    organization = models.ForeignKey(
        "accounts.Organization", on_delete=models.PROTECT, related_name="+"
    )
    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices)
    # Kept after erasure: it no longer leads to a person, it proves the request was handled.
    person_uuid = models.UUIDField(_("person id"))
    received_on = models.DateField(_("received on"), default=timezone.localdate)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.OPEN
    )
    note = models.CharField(_("note"), max_length=300, blank=True)
    handled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    completed_at = models.DateTimeField(_("completed"), null=True, blank=True)

    class Meta:
        ordering = ["-received_on", "-id"]
        verbose_name = _("data request")
        verbose_name_plural = _("data requests")

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.received_on}"


class RetentionPolicy(models.Model):
    """How long an inactive household's personal data is kept, per country."""

    country = models.OneToOneField(Country, on_delete=models.PROTECT, related_name="+")
    months_inactive = models.PositiveIntegerField(_("months without activity"), default=36)

    class Meta:
        verbose_name = _("retention policy")
        verbose_name_plural = _("retention policies")

    def __str__(self) -> str:
        return f"{self.country.iso2}: {self.months_inactive}"


class ImportBatch(TimestampedModel):
    class Status(models.TextChoices):
        UPLOADED = "uploaded", _("Uploaded")
        VALIDATING = "validating", _("Validating")
        VALIDATED = "validated", _("Ready for review")
        REJECTED = "rejected", _("Rejected: errors")
        APPROVED = "approved", _("Approved")
        MERGING = "merging", _("Merging")
        MERGED = "merged", _("Merged")
        FAILED = "failed", _("Failed")
        CANCELLED = "cancelled", _("Cancelled")

    organization = models.ForeignKey(
        "accounts.Organization", on_delete=models.PROTECT, related_name="+"
    )
    country = models.ForeignKey(Country, on_delete=models.PROTECT, related_name="+")
    file_name = models.CharField(max_length=255)
    file_sha256 = models.CharField(max_length=64, db_index=True)
    file_path = models.CharField(max_length=500, blank=True)
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.UPLOADED)
    total_rows = models.PositiveIntegerField(default=0)
    processed_rows = models.PositiveIntegerField(default=0)
    error_rows = models.PositiveIntegerField(default=0)
    duplicate_rows = models.PositiveIntegerField(default=0)
    households = models.PositiveIntegerField(default=0)
    file_errors = models.JSONField(default=list, blank=True)
    # Counts and facts found while validating and merging (valid households, columns ignored…).
    summary = models.JSONField(default=dict, blank=True)
    # None: uploaded by the system (the import-households command), not by a staff member.
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    merged_at = models.DateTimeField(null=True, blank=True)
    # Moves with every progress count the background task writes (outside its transaction):
    # a batch in progress whose heartbeat stopped lost its worker (see imports.recovery).
    heartbeat_at = models.DateTimeField(default=timezone.now)
    # Times its step was queued again after the worker died; failed past the limit.
    recovery_attempts = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("import batch")
        verbose_name_plural = _("import batches")

    def __str__(self) -> str:
        return self.file_name

    @property
    def progress(self) -> int:
        return int(100 * self.processed_rows / self.total_rows) if self.total_rows else 0


class ImportRow(models.Model):
    """A staged row: nothing here touches the registry until the batch is merged."""

    batch = models.ForeignKey(ImportBatch, on_delete=models.CASCADE, related_name="rows")
    row_number = models.PositiveIntegerField()
    household_key = models.CharField(max_length=100, blank=True)
    data = models.JSONField(default=dict)
    errors = models.JSONField(default=list, blank=True)
    duplicate_of = models.JSONField(default=list, blank=True)

    class Meta:
        ordering = ["batch", "row_number"]
        indexes = [models.Index(fields=["batch", "household_key"])]
        constraints = [
            models.UniqueConstraint(fields=["batch", "row_number"], name="registry_row_unique")
        ]

    def __str__(self) -> str:
        return f"{self.batch_id}:{self.row_number}"


class SharedDocumentConfirmation(PublicIdModel):
    """A country manager's word that one more person really holds a document number
    already held by someone in the registry (a family sharing a birth certificate number,
    a number reissued): it lets one registration or document through, once, within a week.
    Only the number's keyed hash and last four are kept."""

    organization = models.ForeignKey(
        "accounts.Organization", on_delete=models.PROTECT, related_name="+"
    )
    country = models.ForeignKey(Country, on_delete=models.PROTECT, related_name="+")
    type = models.CharField(_("type"), max_length=20)
    issuing_country = models.ForeignKey(
        Country,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("issuing country"),
    )
    number_hash = models.CharField(max_length=64, db_index=True)
    number_last4 = models.CharField(max_length=4, blank=True)
    reason = models.CharField(_("reason"), max_length=300)
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    confirmed_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()
    used_at = models.DateTimeField(null=True, blank=True)
    used_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["-confirmed_at", "-id"]
        verbose_name = _("shared document confirmation")
        verbose_name_plural = _("shared document confirmations")

    def __str__(self) -> str:
        return f"{self.type} …{self.number_last4}"
