"""Field collection: XLSForms served to ODK Collect / KoboCollect over OpenRosa, and what
the devices send back.

A `Form` belongs to one organisation and has `FormVersion`s (each the uploaded XLSForm, the
XForm pyxform made of it, and the md5 OpenRosa lists). `AppUser`s are ODK Central's app
users: a token in the URL is their only credential, and it reaches only the forms they were
given. A `Submission` is one device instance, unique per form by its `instanceID`; its
processing into domain records (households, DTM counts, receipts) is `collect.processing`'s,
and a submission that fails it stays here, in the review queue, never dropped.

A submission is personal data (a registration holds names, documents, phones): its XML, its
answers, its flags and review reason (their messages quote answers) and its attachments'
bytes are encrypted at rest with the registry's field keys (lib.crypto, `*_encrypted`
columns, so `caminantes reencrypt` rotates them). Code reads and sets them through the plain
names (`xml`, `answers`, `extra_answers`, `flags`, `review_reason`, `content`); a JSON value
read is a copy, to assign back whole, not to change in place. An empty value is stored as ""
(filters test emptiness without a key). `xml_sha256` (of the canonical XML) is what a re-send
is compared by, with no decryption.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from caminantes.accounts.models import Organization
from caminantes.geo.models import Country
from caminantes.lib import crypto
from caminantes.lib.models import TimestampedModel


class _Sealed:
    """Encrypted columns read through a property: each opened once per value loaded (the
    token it came from is kept beside it, so a reload or an update opens the new one)."""

    def _opened(self, column: str, open_: Callable[[str], Any]) -> Any:
        token = getattr(self, column)
        cache: dict[str, tuple[str, Any]] = self.__dict__.setdefault("_sealed", {})
        hit = cache.get(column)
        if hit is not None and hit[0] is token:
            return hit[1]
        value = open_(token)
        cache[column] = (token, value)
        return value

    def _seal(self, column: str, token: str, value: Any) -> None:
        setattr(self, column, token)
        self.__dict__.setdefault("_sealed", {})[column] = (token, value)


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


class Submission(_Sealed, TimestampedModel):
    form = models.ForeignKey(Form, on_delete=models.PROTECT, related_name="submissions")
    form_version = models.ForeignKey(FormVersion, on_delete=models.PROTECT, related_name="+")
    instance_id = models.CharField(max_length=255)  # meta/instanceID, "uuid:..."
    deprecated_id = models.CharField(max_length=255, blank=True)  # meta/deprecatedID of an edit
    xml_encrypted = models.TextField()  # the instance as received (read `xml`)
    xml_sha256 = models.CharField(max_length=64)  # of the canonical XML: re-sends compare it
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    app_user = models.ForeignKey(AppUser, on_delete=models.PROTECT, null=True, blank=True)
    device_id = models.CharField(max_length=255, blank=True)
    status = models.CharField(
        max_length=16, choices=SubmissionStatus.choices, default=SubmissionStatus.RECEIVED
    )
    # Why it is in the review queue (shown to the reviewer), encrypted: the registry's and the
    # checks' messages quote answers (read `review_reason`); "" when none.
    review_reason_encrypted = models.TextField(blank=True, default="")
    # Server-side re-check of the form's constraints: [{"question": ..., "message": ...}],
    # JSON, encrypted (a message quotes the answer; read `flags`); "" when none failed.
    flags_encrypted = models.TextField(blank=True, default="")
    # The answers flattened to {question path: value}, and those of the organisation's own
    # questions that no mapping consumes (kept with the record and shown on it): JSON,
    # encrypted (read `answers` and `extra_answers`); "" when there are none.
    answers_encrypted = models.TextField(blank=True, default="")
    extra_answers_encrypted = models.TextField(blank=True, default="")
    # The domain record it became ("registry.household", uuid), once processed.
    record_type = models.CharField(max_length=64, blank=True)
    record_uuid = models.UUIDField(null=True, blank=True)
    processed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["form", "instance_id"], name="collect_instance_once")
        ]
        indexes = [models.Index(fields=["form", "status"])]

    @property
    def xml(self) -> str:
        return str(self._opened("xml_encrypted", crypto.decrypt))

    @xml.setter
    def xml(self, value: str) -> None:
        self._seal("xml_encrypted", crypto.encrypt(value), value)

    @property
    def review_reason(self) -> str:
        return str(self._opened("review_reason_encrypted", crypto.decrypt))

    @review_reason.setter
    def review_reason(self, value: str) -> None:
        self._seal("review_reason_encrypted", crypto.encrypt(value), value)

    @property
    def answers(self) -> dict[str, Any]:
        return dict(self._opened("answers_encrypted", _open_json))

    @answers.setter
    def answers(self, value: dict[str, Any]) -> None:
        self._seal("answers_encrypted", crypto.json_encrypt(value), dict(value))

    @property
    def extra_answers(self) -> dict[str, Any]:
        return dict(self._opened("extra_answers_encrypted", _open_json))

    @extra_answers.setter
    def extra_answers(self, value: dict[str, Any]) -> None:
        self._seal("extra_answers_encrypted", crypto.json_encrypt(value), dict(value))

    @property
    def flags(self) -> list[dict[str, str]]:
        return list(self._opened("flags_encrypted", _open_list))

    @flags.setter
    def flags(self, value: list[dict[str, str]]) -> None:
        self._seal("flags_encrypted", crypto.json_encrypt(value), list(value))


def _open_json(token: str) -> dict[str, Any]:
    value = crypto.json_decrypt(token, {})
    return value if isinstance(value, dict) else {}


def _open_list(token: str) -> list[Any]:
    value = crypto.json_decrypt(token, [])
    return value if isinstance(value, list) else []


class SubmissionAttachment(_Sealed, TimestampedModel):
    submission = models.ForeignKey(Submission, on_delete=models.CASCADE, related_name="attachments")
    name = models.CharField(max_length=255)
    content_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField()
    sha256 = models.CharField(max_length=64)  # of the bytes
    content_encrypted = models.TextField()  # the bytes, encrypted (read `content`)

    # Values of up to COLLECT_MAX_ATTACHMENT_BYTES: key rotation takes few at a time.
    rotation_batch_size = 10

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["submission", "name"], name="collect_attachment_once")
        ]

    @property
    def content(self) -> bytes:
        return bytes(self._opened("content_encrypted", crypto.decrypt_bytes))

    @content.setter
    def content(self, value: bytes) -> None:
        self._seal("content_encrypted", crypto.encrypt_bytes(value), bytes(value))


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
