"""Routes, trips and their manifest: one booking per household and trip, one seat per
passenger.

"A seat is never given twice" is held by the database: among active seats, (trip, seat
number) and (trip, person) are unique (conditional unique constraints), and the services
lock the trip row (select_for_update) before they count its free seats. A cancelled booking
keeps its seat rows, inactive, for the record; the seat is free again.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from caminantes.accounts.models import Organization
from caminantes.assistance.models import ServiceDelivery
from caminantes.geo.models import Country, Place
from caminantes.lib.models import PublicIdModel
from caminantes.registry.models import Household, Person


class Route(PublicIdModel):
    organization = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="+")
    country = models.ForeignKey(Country, on_delete=models.PROTECT, related_name="+")
    name = models.CharField(_("name"), max_length=120)
    origin = models.ForeignKey(
        Place, on_delete=models.PROTECT, related_name="+", verbose_name=_("origin")
    )
    destination = models.ForeignKey(
        Place, on_delete=models.PROTECT, related_name="+", verbose_name=_("destination")
    )
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("route")
        verbose_name_plural = _("routes")
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "country", "name"], name="transport_route_unique_name"
            )
        ]

    def __str__(self) -> str:
        return self.name


class RouteStop(models.Model):
    """A stop between origin and destination, in order (position 1 first)."""

    route = models.ForeignKey(Route, on_delete=models.CASCADE, related_name="stops")
    position = models.PositiveSmallIntegerField()
    place = models.ForeignKey(Place, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["route", "position"]
        constraints = [
            models.UniqueConstraint(
                fields=["route", "position"], name="transport_stop_unique_position"
            )
        ]

    def __str__(self) -> str:
        return f"{self.position}. {self.place}"


class TripStatus(models.TextChoices):
    PLANNED = "planned", _("Planned")
    BOARDING = "boarding", _("Boarding")
    DEPARTED = "departed", _("Departed")
    ARRIVED = "arrived", _("Arrived")
    CANCELLED = "cancelled", _("Cancelled")


# Bookings and boarding are open until the vehicle leaves.
OPEN = (TripStatus.PLANNED, TripStatus.BOARDING)


class Trip(PublicIdModel):
    route = models.ForeignKey(Route, on_delete=models.PROTECT, related_name="trips")
    departs_on = models.DateField(_("date"))
    departs_at = models.TimeField(_("departure time"))
    vehicle = models.CharField(_("vehicle"), max_length=120, help_text=_("Plate and description"))
    seats = models.PositiveSmallIntegerField(_("seats"))
    escort = models.CharField(_("escort"), max_length=200, blank=True)
    status = models.CharField(
        _("status"), max_length=12, choices=TripStatus.choices, default=TripStatus.PLANNED
    )
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["-departs_on", "-departs_at"]
        verbose_name = _("trip")
        verbose_name_plural = _("trips")
        constraints = [
            models.CheckConstraint(
                condition=Q(seats__gte=1) & Q(seats__lte=500), name="transport_trip_seats_range"
            )
        ]

    def __str__(self) -> str:
        return f"{self.route.name} {self.departs_on:%d/%m/%Y} {self.departs_at:%H:%M}"

    @property
    def is_open(self) -> bool:
        return self.status in OPEN


class Booking(PublicIdModel):
    """A household's places on a trip; the client's request id makes a re-send harmless."""

    class Status(models.TextChoices):
        ACTIVE = "active", _("Booked")
        CANCELLED = "cancelled", _("Cancelled")

    trip = models.ForeignKey(Trip, on_delete=models.PROTECT, related_name="bookings")
    household = models.ForeignKey(Household, on_delete=models.PROTECT, related_name="+")
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.ACTIVE)
    request_id = models.UUIDField(null=True, blank=True, unique=True)
    request_sha256 = models.CharField(max_length=64, blank=True)
    booked_at = models.DateTimeField(auto_now_add=True)
    booked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    cancelled_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["booked_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["trip", "household"],
                condition=Q(status="active"),
                name="transport_booking_one_active_per_household",
            )
        ]


class Seat(PublicIdModel):
    """One passenger on one seat of a trip."""

    class Boarding(models.TextChoices):
        PENDING = "pending", _("Not yet boarded")
        BOARDED = "boarded", _("Boarded")
        NO_SHOW = "no_show", _("No-show")

    booking = models.ForeignKey(Booking, on_delete=models.PROTECT, related_name="seats")
    trip = models.ForeignKey(Trip, on_delete=models.PROTECT, related_name="seat_rows")
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="+")
    seat_no = models.PositiveSmallIntegerField(_("seat"))
    active = models.BooleanField(default=True)
    documents_checked_at = models.DateTimeField(null=True, blank=True)
    documents_checked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    boarding = models.CharField(max_length=10, choices=Boarding.choices, default=Boarding.PENDING)
    boarded_at = models.DateTimeField(null=True, blank=True)
    arrived_at = models.DateTimeField(null=True, blank=True)
    delivery = models.OneToOneField(
        ServiceDelivery, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["trip", "seat_no"]
        constraints = [
            models.UniqueConstraint(
                fields=["trip", "seat_no"],
                condition=Q(active=True),
                name="transport_seat_given_once",
            ),
            models.UniqueConstraint(
                fields=["trip", "person"],
                condition=Q(active=True),
                name="transport_seat_one_per_person",
            ),
            models.CheckConstraint(condition=Q(seat_no__gte=1), name="transport_seat_no_positive"),
            models.CheckConstraint(
                condition=~Q(boarding="boarded") | Q(documents_checked_at__isnull=False),
                name="transport_seat_boarded_with_documents",
            ),
        ]

    @property
    def documents_checked(self) -> bool:
        return self.documents_checked_at is not None
