"""Sites, rooms and beds; stays and the beds they hold; the waiting list; nightly headcounts.

"One person never holds two beds" is the database's job: a `BedAssignment` row per person
and bed, and two partial unique constraints on the rows not yet released (one per person,
one per bed). Services also lock the beds (select_for_update) before they read them, so the
constraint is the last guard, not the first.
"""

from __future__ import annotations

from datetime import date

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from caminantes.accounts.models import Organization
from caminantes.geo.models import Country, Place
from caminantes.lib.models import PublicIdModel
from caminantes.registry.models import Household, Person

MAX_NIGHTS_LIMIT = 365


class SiteKind(models.TextChoices):
    COLLECTIVE = "collective", _("Collective shelter")
    TRANSIT = "transit", _("Transit centre")
    HOTEL = "hotel", _("Hotel vouchers")


class Site(PublicIdModel):
    organization = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="+")
    country = models.ForeignKey(Country, on_delete=models.PROTECT, related_name="+")
    place = models.ForeignKey(
        Place, on_delete=models.PROTECT, null=True, blank=True, related_name="+",
        verbose_name=_("place"),
    )  # fmt: skip
    name = models.CharField(_("name"), max_length=120)
    kind = models.CharField(_("kind"), max_length=12, choices=SiteKind.choices)
    max_nights = models.PositiveSmallIntegerField(_("maximum nights"), default=7)
    rules = models.TextField(_("house rules"), blank=True)
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("shelter")
        verbose_name_plural = _("shelters")
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "country", "name"], name="shelter_site_unique_name"
            ),
            models.CheckConstraint(
                condition=Q(max_nights__gte=1, max_nights__lte=MAX_NIGHTS_LIMIT),
                name="shelter_site_max_nights_range",
            ),
        ]

    def __str__(self) -> str:
        return self.name


class Room(PublicIdModel):
    site = models.ForeignKey(Site, on_delete=models.PROTECT, related_name="rooms")
    name = models.CharField(_("name"), max_length=60)
    women_only = models.BooleanField(_("women only"), default=False)
    families = models.BooleanField(_("families"), default=False)
    accessible = models.BooleanField(_("accessible"), default=False)

    class Meta:
        ordering = ["name"]
        verbose_name = _("room")
        constraints = [
            models.UniqueConstraint(fields=["site", "name"], name="shelter_room_unique_name")
        ]

    def __str__(self) -> str:
        return self.name


class BedKind(models.TextChoices):
    ADULT = "adult", _("Adult bed")
    CHILD = "child", _("Child bed")
    COT = "cot", _("Cot")
    VOUCHER = "voucher", _("Voucher place")


class Bed(PublicIdModel):
    room = models.ForeignKey(Room, on_delete=models.PROTECT, related_name="beds")
    label = models.CharField(_("bed"), max_length=30)
    kind = models.CharField(_("kind"), max_length=10, choices=BedKind.choices, default="adult")
    is_active = models.BooleanField(_("in use"), default=True)
    created_at = models.DateTimeField(auto_now_add=True)
    # When the bed was taken out of use: not counted in the capacity from that night on.
    deactivated_at = models.DateTimeField(_("out of use since"), null=True, blank=True)

    class Meta:
        ordering = ["room__name", "label"]
        verbose_name = _("bed")
        constraints = [
            models.UniqueConstraint(fields=["room", "label"], name="shelter_bed_unique_label"),
            models.CheckConstraint(
                condition=Q(is_active=False) | Q(deactivated_at__isnull=True),
                name="shelter_bed_active_not_deactivated",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.room.name} · {self.label}"


class StayStatus(models.TextChoices):
    RESERVED = "reserved", _("Reserved")
    CHECKED_IN = "checked_in", _("Checked in")
    CHECKED_OUT = "checked_out", _("Checked out")
    NO_SHOW = "no_show", _("No-show")


class Stay(PublicIdModel):
    """A household's stay at a site: reserved, then checked in, then out (or a no-show)."""

    site = models.ForeignKey(Site, on_delete=models.PROTECT, related_name="stays")
    household = models.ForeignKey(Household, on_delete=models.PROTECT, related_name="+")
    status = models.CharField(_("status"), max_length=12, choices=StayStatus.choices)
    arrives_on = models.DateField(_("arrives on"))
    leaves_on = models.DateField(_("due out on"))
    reserved_until = models.DateTimeField(_("reservation held until"), null=True, blank=True)
    checked_in_at = models.DateTimeField(null=True, blank=True)
    checked_out_at = models.DateTimeField(null=True, blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["leaves_on", "pk"]
        verbose_name = _("stay")
        constraints = [
            models.CheckConstraint(
                condition=Q(leaves_on__gt=models.F("arrives_on")), name="shelter_stay_leaves_after"
            ),
            models.UniqueConstraint(
                fields=["site", "household"],
                condition=Q(status__in=["reserved", "checked_in"]),
                name="shelter_stay_one_open_per_household",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.household} {self.arrives_on:%Y-%m-%d}"

    @property
    def nights(self) -> int:
        return (self.leaves_on - self.arrives_on).days

    @property
    def is_open(self) -> bool:
        return self.status in (StayStatus.RESERVED, StayStatus.CHECKED_IN)

    def is_overdue(self, today: date) -> bool:
        return self.status == StayStatus.CHECKED_IN and self.leaves_on < today


class BedAssignment(models.Model):
    """One person on one bed for (part of) a stay; `released_at` set when the bed is free."""

    stay = models.ForeignKey(Stay, on_delete=models.PROTECT, related_name="assignments")
    bed = models.ForeignKey(Bed, on_delete=models.PROTECT, related_name="assignments")
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="+")
    assigned_at = models.DateTimeField()
    released_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["person"], condition=Q(released_at__isnull=True),
                name="shelter_one_bed_per_person",
            ),
            models.UniqueConstraint(
                fields=["bed"], condition=Q(released_at__isnull=True),
                name="shelter_one_person_per_bed",
            ),
        ]  # fmt: skip
        indexes = [models.Index(fields=["bed", "assigned_at"])]

    def __str__(self) -> str:
        return f"{self.bed_id}:{self.person_id}"


class StayExtension(models.Model):
    stay = models.ForeignKey(Stay, on_delete=models.PROTECT, related_name="extensions")
    previous_leaves_on = models.DateField()
    leaves_on = models.DateField()
    reason = models.CharField(_("reason"), max_length=300)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at"]

    def __str__(self) -> str:
        return f"{self.previous_leaves_on} -> {self.leaves_on}"


class WaitingEntry(PublicIdModel):
    """A household waiting for a place at a site; closed when it checks in or withdraws."""

    class Closed(models.TextChoices):
        CHECKED_IN = "checked_in", _("Checked in")
        WITHDRAWN = "withdrawn", _("Withdrawn")

    site = models.ForeignKey(Site, on_delete=models.PROTECT, related_name="waiting")
    household = models.ForeignKey(Household, on_delete=models.PROTECT, related_name="+")
    size = models.PositiveSmallIntegerField(_("people"))
    needs = models.CharField(_("needs"), max_length=300, blank=True)
    priority = models.PositiveSmallIntegerField(_("priority"), default=2)
    added_on = models.DateField(_("added on"))
    closed_at = models.DateTimeField(null=True, blank=True)
    closed_reason = models.CharField(max_length=12, choices=Closed.choices, blank=True)
    stay = models.ForeignKey(Stay, on_delete=models.PROTECT, null=True, related_name="+")
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )

    class Meta:
        ordering = ["priority", "added_on", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["site", "household"], condition=Q(closed_at__isnull=True),
                name="shelter_waiting_once_per_site",
            ),
            models.CheckConstraint(
                condition=Q(priority__gte=1, priority__lte=3), name="shelter_waiting_priority"
            ),
        ]  # fmt: skip

    def __str__(self) -> str:
        return f"{self.household} ({self.size})"


class Headcount(PublicIdModel):
    """Who was present on one night at a site: one per site and night."""

    site = models.ForeignKey(Site, on_delete=models.PROTECT, related_name="headcounts")
    night = models.DateField(_("night"))
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    recorded_at = models.DateTimeField()

    class Meta:
        ordering = ["-night"]
        constraints = [
            models.UniqueConstraint(fields=["site", "night"], name="shelter_headcount_per_night")
        ]

    def __str__(self) -> str:
        return f"{self.site_id} {self.night}"


class HeadcountLine(models.Model):
    headcount = models.ForeignKey(Headcount, on_delete=models.CASCADE, related_name="lines")
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="+")
    stay = models.ForeignKey(Stay, on_delete=models.PROTECT, related_name="+")
    present = models.BooleanField()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["headcount", "person"], name="shelter_headcount_line_once"
            )
        ]

    def __str__(self) -> str:
        return f"{self.person_id} {self.present}"


class ShelterRequest(models.Model):
    """A write made with a client's request id: the id (unique), the digest of what was
    asked, and what it made, so a re-send answers the same and a reuse is refused."""

    uuid = models.UUIDField(unique=True)
    sha256 = models.CharField(max_length=64)
    site = models.ForeignKey(Site, on_delete=models.PROTECT, related_name="+")
    stay = models.ForeignKey(Stay, on_delete=models.PROTECT, null=True, related_name="+")
    waiting = models.ForeignKey(WaitingEntry, on_delete=models.PROTECT, null=True, related_name="+")
    headcount = models.ForeignKey(Headcount, on_delete=models.PROTECT, null=True, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return str(self.uuid)
