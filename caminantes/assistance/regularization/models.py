"""Schemes and their steps; offices and their appointment slots; a person's enrolment in a
scheme with the history of its steps; appointments and their reminders.

"No double booking" is the database's job as much as the services': a slot's `booked`
count may never pass its `capacity` (a CHECK under the conditional increment the booking
makes, with the slot row locked first), and a person holds at most one booked appointment
per step (a partial unique constraint), so two desks booking at the same moment cannot both
win.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from caminantes.accounts.models import Organization
from caminantes.geo.models import Country, Place
from caminantes.lib.models import PublicIdModel
from caminantes.registry.models import Document, Household, Person

MAX_CAPACITY = 50


class Scheme(PublicIdModel):
    """A country's documentation or regularization scheme (PPT, CPP, VIRTE ...)."""

    country = models.ForeignKey(Country, on_delete=models.PROTECT, related_name="+")
    code = models.SlugField(_("code"), max_length=30)
    name = models.CharField(_("name"), max_length=160)
    description = models.TextField(_("description"), blank=True)
    is_active = models.BooleanField(_("open to new enrolments"), default=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["country__iso2", "name"]
        verbose_name = _("regularization scheme")
        verbose_name_plural = _("regularization schemes")
        constraints = [
            models.UniqueConstraint(fields=["country", "code"], name="regularization_scheme_code")
        ]

    def __str__(self) -> str:
        return self.name


class Step(PublicIdModel):
    """One step of a scheme, in order; it may need an appointment and may produce a document
    (added to the person's documents when the step is completed)."""

    scheme = models.ForeignKey(Scheme, on_delete=models.PROTECT, related_name="steps")
    position = models.PositiveSmallIntegerField(_("order"))
    name = models.CharField(_("name"), max_length=160)
    needs_appointment = models.BooleanField(_("needs an appointment"), default=False)
    document_type = models.CharField(
        _("document produced"), max_length=20, choices=Document.Type.choices, blank=True
    )
    may_skip = models.BooleanField(_("may be skipped"), default=False)

    class Meta:
        ordering = ["scheme", "position"]
        verbose_name = _("step")
        constraints = [
            models.UniqueConstraint(
                fields=["scheme", "position"], name="regularization_step_position"
            ),
            models.CheckConstraint(
                condition=Q(position__gte=1), name="regularization_step_position_positive"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.position}. {self.name}"


class Office(PublicIdModel):
    """Where an organisation accompanies people to their appointments (its own desk or the
    authority's office it books for)."""

    organization = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="+")
    country = models.ForeignKey(Country, on_delete=models.PROTECT, related_name="+")
    place = models.ForeignKey(
        Place,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("place"),
    )
    name = models.CharField(_("name"), max_length=120)
    address = models.CharField(_("address"), max_length=300, blank=True)
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("office")
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "country", "name"], name="regularization_office_name"
            )
        ]

    def __str__(self) -> str:
        return self.name


class Slot(PublicIdModel):
    """An appointment time at an office for one step, for `capacity` people."""

    office = models.ForeignKey(Office, on_delete=models.PROTECT, related_name="slots")
    step = models.ForeignKey(Step, on_delete=models.PROTECT, related_name="slots")
    starts_at = models.DateTimeField(_("starts at"))
    capacity = models.PositiveSmallIntegerField(_("capacity"), default=1)
    booked = models.PositiveSmallIntegerField(default=0)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["starts_at", "pk"]
        verbose_name = _("appointment slot")
        constraints = [
            models.UniqueConstraint(
                fields=["office", "step", "starts_at"], name="regularization_slot_once"
            ),
            models.CheckConstraint(
                condition=Q(capacity__gte=1, capacity__lte=MAX_CAPACITY),
                name="regularization_slot_capacity_range",
            ),
            models.CheckConstraint(
                condition=Q(booked__lte=F("capacity")), name="regularization_slot_not_overbooked"
            ),
        ]
        indexes = [
            models.Index(fields=["office", "starts_at"]),
            # The inbox's appointments nobody marked, latest first, across offices (issue 15:
            # 20 rows without reading every past slot of the organisation).
            models.Index(fields=["starts_at"], name="regularization_slot_starts"),
        ]

    def __str__(self) -> str:
        return f"{self.office_id} {self.starts_at:%Y-%m-%d %H:%M}"

    @property
    def free(self) -> int:
        return max(self.capacity - self.booked, 0)


class EnrolmentStatus(models.TextChoices):
    ACTIVE = "active", _("In progress")
    DONE = "done", _("Done")
    ABANDONED = "abandoned", _("Abandoned")


class Enrolment(PublicIdModel):
    """A registered person following a scheme, at one step at a time."""

    organization = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="+")
    country = models.ForeignKey(Country, on_delete=models.PROTECT, related_name="+")
    scheme = models.ForeignKey(Scheme, on_delete=models.PROTECT, related_name="enrolments")
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="+")
    household = models.ForeignKey(Household, on_delete=models.PROTECT, related_name="+")
    step = models.ForeignKey(Step, on_delete=models.PROTECT, related_name="+")
    status = models.CharField(
        _("status"), max_length=10, choices=EnrolmentStatus.choices, default="active"
    )
    started_at = models.DateTimeField()
    step_since = models.DateTimeField()
    closed_at = models.DateTimeField(null=True, blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )

    class Meta:
        ordering = ["-started_at", "pk"]
        verbose_name = _("regularization enrolment")
        constraints = [
            models.UniqueConstraint(
                fields=["scheme", "person"],
                condition=Q(status="active"),
                name="regularization_one_active_enrolment",
            ),
        ]
        indexes = [models.Index(fields=["scheme", "status", "step"])]

    def __str__(self) -> str:
        return f"{self.scheme_id}:{self.person_id}"

    @property
    def is_active(self) -> bool:
        return self.status == EnrolmentStatus.ACTIVE


class StepChange(models.Model):
    """One move of an enrolment: started, advanced, skipped to, sent back, done, abandoned."""

    class Kind(models.TextChoices):
        STARTED = "started", _("Started")
        ADVANCED = "advanced", _("Step completed")
        SKIPPED = "skipped", _("Steps skipped")
        BACK = "back", _("Sent back")
        DONE = "done", _("Done")
        ABANDONED = "abandoned", _("Abandoned")

    enrolment = models.ForeignKey(Enrolment, on_delete=models.PROTECT, related_name="changes")
    kind = models.CharField(max_length=10, choices=Kind.choices)
    from_step = models.ForeignKey(Step, on_delete=models.PROTECT, null=True, related_name="+")
    to_step = models.ForeignKey(Step, on_delete=models.PROTECT, null=True, related_name="+")
    reason = models.CharField(_("reason"), max_length=300, blank=True)
    document = models.ForeignKey(Document, on_delete=models.PROTECT, null=True, related_name="+")
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    at = models.DateTimeField()

    class Meta:
        ordering = ["at", "pk"]

    def __str__(self) -> str:
        return f"{self.enrolment_id} {self.kind}"


class AppointmentStatus(models.TextChoices):
    BOOKED = "booked", _("Booked")
    CANCELLED = "cancelled", _("Cancelled")
    ATTENDED = "attended", _("Attended")
    NO_SHOW = "no_show", _("Did not come")


class Appointment(PublicIdModel):
    slot = models.ForeignKey(Slot, on_delete=models.PROTECT, related_name="appointments")
    enrolment = models.ForeignKey(Enrolment, on_delete=models.PROTECT, related_name="appointments")
    # The person and the step again, for the constraint: one booked appointment per step.
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="+")
    step = models.ForeignKey(Step, on_delete=models.PROTECT, related_name="+")
    status = models.CharField(
        _("status"), max_length=10, choices=AppointmentStatus.choices, default="booked"
    )
    booked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    booked_at = models.DateTimeField()
    closed_at = models.DateTimeField(null=True, blank=True)
    reason = models.CharField(_("reason"), max_length=300, blank=True)

    class Meta:
        ordering = ["slot__starts_at", "pk"]
        verbose_name = _("appointment")
        constraints = [
            models.UniqueConstraint(
                fields=["person", "step"],
                condition=Q(status="booked"),
                name="regularization_one_booked_per_step",
            ),
        ]
        indexes = [
            models.Index(fields=["slot", "status"]),
            # Booked appointments only: as many as the book holds ahead, not every one ever
            # attended, so counting the unmarked ones stays cheap as the years pass.
            models.Index(
                fields=["slot"], condition=Q(status="booked"), name="regularization_appt_booked"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.slot_id}:{self.person_id}"


class Reminder(models.Model):
    """The day-before notice of an appointment, for the caseworker who booked it (and, when
    the person agreed to messages, the cue to call or write to them)."""

    appointment = models.OneToOneField(
        Appointment, on_delete=models.PROTECT, related_name="reminder"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, null=True, related_name="+"
    )
    may_message = models.BooleanField(_("the person agreed to messages"))
    created_at = models.DateTimeField()
    read_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "pk"]

    def __str__(self) -> str:
        return f"{self.appointment_id}"


class RegularizationRequest(models.Model):
    """A write made with a client's request id: the id (unique), the digest of what was
    asked, and what it made, so a re-send answers the same and a reuse is refused."""

    uuid = models.UUIDField(unique=True)
    sha256 = models.CharField(max_length=64)
    enrolment = models.ForeignKey(Enrolment, on_delete=models.PROTECT, null=True, related_name="+")
    appointment = models.ForeignKey(
        Appointment, on_delete=models.PROTECT, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return str(self.uuid)
