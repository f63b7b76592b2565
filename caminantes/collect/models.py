"""Field collection: XLSForms served to ODK Collect / KoboCollect over OpenRosa, and what
the devices send back.

A `Form` belongs to one organisation and has `FormVersion`s (each the uploaded XLSForm, the
XForm pyxform made of it, and the md5 OpenRosa lists). `AppUser`s are ODK Central's app
users: a token in the URL is their only credential, and it reaches only the forms they were
given. A `Submission` is one device instance, unique per form by its `instanceID`; its
processing into domain records (households, DTM counts, receipts) is `collect.processing`'s,
and a submission that fails it stays here, in the review queue, never dropped.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from caminantes.accounts.models import Organization
from caminantes.geo.models import Country
from caminantes.lib.models import TimestampedModel


class FormKind(models.TextChoices):
    """What a form's submissions become (the mapping `collect.processing` applies)."""

    HOUSEHOLD_REGISTRATION = "household_registration", _("Household registration")
    FLOW_COUNT = "flow_count", _("DTM flow count")
    FLOW_SURVEY = "flow_survey", _("DTM flow monitoring survey")
    DISTRIBUTION_RECEIPT = "distribution_receipt", _("Distribution receipt")
    OTHER = "other", _("Other (kept, not mapped)")


class Form(TimestampedModel):
    organization = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="+")
    country = models.ForeignKey(Country, on_delete=models.PROTECT, null=True, blank=True)
    # The XForm's id (settings sheet `form_id`): what devices name the form by.
    form_id = models.CharField(max_length=100)
    title = models.CharField(max_length=255)
    kind = models.CharField(max_length=32, choices=FormKind.choices, default=FormKind.OTHER)
    is_open = models.BooleanField(default=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "form_id"], name="collect_form_id_per_org"
            )
        ]

    def __str__(self) -> str:
        return f"{self.title} ({self.form_id})"


class FormVersion(TimestampedModel):
    form = models.ForeignKey(Form, on_delete=models.CASCADE, related_name="versions")
    version = models.CharField(max_length=100)
    xlsform = models.BinaryField()
    xlsform_name = models.CharField(max_length=255, blank=True)
    xform = models.TextField()  # the XForm XML pyxform made
    md5 = models.CharField(max_length=32)  # of `xform`, listed as "md5:<hex>"
    # The questions as pyxform describes them (name, type, path, choices, constraint,
    # required, relevant), for processing, validation and the record's extra answers.
    questions = models.JSONField(default=list)
    is_current = models.BooleanField(default=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["form", "version"], name="collect_version_once"),
            models.UniqueConstraint(
                fields=["form"],
                condition=models.Q(is_current=True),
                name="collect_one_current_version",
            ),
        ]


class AppUser(TimestampedModel):
    """ODK Central's app user: a device's identity, its token in the server URL."""

    organization = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="+")
    name = models.CharField(max_length=100)
    token_hash = models.CharField(max_length=64, unique=True)  # sha256 of the token
    forms = models.ManyToManyField(Form, related_name="app_users", blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    revoked_at = models.DateTimeField(null=True, blank=True)


class SubmissionStatus(models.TextChoices):
    RECEIVED = "received", _("Received")
    PROCESSED = "processed", _("Processed")
    REVIEW = "review", _("In the review queue")
    REPLACED = "replaced", _("Replaced by an edit")


class Submission(TimestampedModel):
    form = models.ForeignKey(Form, on_delete=models.PROTECT, related_name="submissions")
    form_version = models.ForeignKey(FormVersion, on_delete=models.PROTECT, related_name="+")
    instance_id = models.CharField(max_length=255)  # meta/instanceID, "uuid:..."
    deprecated_id = models.CharField(max_length=255, blank=True)  # meta/deprecatedID of an edit
    xml = models.TextField()
    xml_sha256 = models.CharField(max_length=64)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    app_user = models.ForeignKey(AppUser, on_delete=models.PROTECT, null=True, blank=True)
    device_id = models.CharField(max_length=255, blank=True)
    status = models.CharField(
        max_length=16, choices=SubmissionStatus.choices, default=SubmissionStatus.RECEIVED
    )
    # Why it is in the review queue (translatable message, shown to the reviewer).
    review_reason = models.TextField(blank=True)
    # Server-side re-check of the form's constraints: [{"question": ..., "message": ...}].
    flags = models.JSONField(default=list, blank=True)
    # The answers flattened to {question path: value}, and those of the organisation's own
    # questions that no mapping consumes (kept with the record and shown on it).
    answers = models.JSONField(default=dict, blank=True)
    extra_answers = models.JSONField(default=dict, blank=True)
    # The domain record it became ("registry.household", uuid), once processed.
    record_type = models.CharField(max_length=64, blank=True)
    record_uuid = models.UUIDField(null=True, blank=True)
    processed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["form", "instance_id"], name="collect_instance_once")
        ]
        indexes = [models.Index(fields=["form", "status"])]


class SubmissionAttachment(TimestampedModel):
    submission = models.ForeignKey(Submission, on_delete=models.CASCADE, related_name="attachments")
    name = models.CharField(max_length=255)
    content_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField()
    sha256 = models.CharField(max_length=64)
    content = models.BinaryField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["submission", "name"], name="collect_attachment_once")
        ]


class FormMedia(TimestampedModel):
    """A media file a form version needs on the device (an image, a CSV for
    `select_one_from_file`), listed in the version's OpenRosa manifest."""

    form_version = models.ForeignKey(FormVersion, on_delete=models.CASCADE, related_name="media")
    name = models.CharField(max_length=255)
    content_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField()
    md5 = models.CharField(max_length=32)
    content = models.BinaryField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["form_version", "name"], name="collect_media_once")
        ]
