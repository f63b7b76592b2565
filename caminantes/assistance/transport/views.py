"""Transport pages: routes, trips, a trip's manifest (printable), the booking form, and
small POST forms for documents, boarding, arrival, cancelling and the trip's status. Thin:
reads through `selectors`, writes through `services`."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from caminantes.accounts.context import AuthenticatedRequest
from caminantes.accounts.decorators import perm_required
from caminantes.accounts.permissions import Perm
from caminantes.assistance.transport import forms, selectors, services
from caminantes.assistance.transport.models import Trip
from caminantes.geo.models import Place
from caminantes.lib.form_errors import apply_errors, posted

PERM = Perm.MANAGE_TRANSPORT


def _places(request: AuthenticatedRequest) -> Any:
    organization = request.context.organization
    if organization is None:
        return Place.objects.none()
    return (
        Place.objects.filter(country__in=organization.countries.all())
        .order_by("-population", "name")
        .values_list("name", flat=True)[:500]
    )


@perm_required(PERM)
def routes(request: AuthenticatedRequest) -> HttpResponse:
    organization = request.context.organization
    form = None
    if organization is not None:
        form = forms.RouteForm(
            posted(request),
            countries=organization.countries.all(),
        )
    if request.method == "POST" and organization is not None and form and form.is_valid():
        d = form.cleaned_data
        if d.get("origin_place") and d.get("destination_place") and all(d["stop_places"]):
            try:
                services.route_create(
                    actor=request.user,
                    organization=organization,
                    country=d["country"],
                    name=d["name"],
                    origin=d["origin_place"],
                    destination=d["destination_place"],
                    stops=d["stop_places"],
                )
            except ValidationError as exc:
                apply_errors(exc, form)
            else:
                messages.success(request, _("Route saved."))
                return redirect("transport_routes")
    return render(
        request,
        "transport/routes.html",
        {
            "routes": selectors.routes_for_user(user=request.user),
            "form": form,
            "places": _places(request),
        },
    )


@perm_required(PERM)
def trips(request: AuthenticatedRequest) -> HttpResponse:
    routes = selectors.routes_for_user(user=request.user).filter(is_active=True)
    form = forms.TripForm(posted(request), routes=routes)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            trip = services.trip_create(
                actor=request.user,
                route=d["route"],
                departs_on=d["departs_on"],
                departs_at=d["departs_at"],
                vehicle=d["vehicle"],
                seats=d["seats"],
                escort=d["escort"],
            )
        except ValidationError as exc:
            apply_errors(exc, form)
        else:
            return redirect("transport_trip", trip.uuid)
    return render(
        request,
        "transport/trips.html",
        {
            "trips": selectors.trips_for_user(user=request.user)[:200],
            "form": form,
            "has_routes": routes.exists(),
        },
    )


@perm_required(PERM)
def trip_detail(request: AuthenticatedRequest, uuid: Any) -> HttpResponse:
    trip = selectors.get_trip_for_user(user=request.user, uuid=uuid)
    seats = selectors.manifest(user=request.user, trip=trip)
    return render(
        request,
        "transport/trip.html",
        {
            "trip": trip,
            "seats": seats,
            "free": trip.seats - len(seats),
            "boarded": sum(1 for s in seats if s.boarding == "boarded"),
            "arrived": sum(1 for s in seats if s.arrived_at),
            "stops": trip.route.stops.select_related("place"),
            "next_statuses": _next_statuses(trip),
        },
    )


def _next_statuses(trip: Trip) -> list[tuple[str, str]]:
    from caminantes.assistance.transport.models import TripStatus as S

    labels = {
        S.BOARDING: _("Start boarding"),
        S.DEPARTED: _("Mark departed"),
        S.ARRIVED: _("Confirm arrival of the whole trip"),
        S.CANCELLED: _("Cancel trip"),
    }
    return [(s.value, labels[s]) for s in labels if trip.status in services.ALLOWED_FROM[s]]


@perm_required(PERM)
def book(request: AuthenticatedRequest, uuid: Any) -> HttpResponse:
    trip = selectors.get_trip_for_user(user=request.user, uuid=uuid)
    search = forms.SearchForm(request.GET or None)
    found = []
    if search.is_valid() and search.cleaned_data["q"].strip():
        found = selectors.find_households(
            user=request.user, trip=trip, text=search.cleaned_data["q"]
        )
    household = None
    form = None
    travellers: list[selectors.Traveller] = []
    key = request.GET.get("household") or request.POST.get("household")
    if key:
        household = selectors.household_for_booking(user=request.user, uuid=key, trip=trip)
        travellers = selectors.travellers(household)
        choices = [(str(t.person.uuid), t.person.full_name) for t in travellers]
        form = forms.BookingForm(posted(request), choices=choices)
    if request.method == "POST" and household is not None and form and form.is_valid():
        chosen = set(form.cleaned_data["people"])
        people = [t.person for t in travellers if str(t.person.uuid) in chosen]
        try:
            result = services.booking_create(
                actor=request.user,
                trip=trip,
                household=household,
                people=people,
                request_id=form.cleaned_data["request_id"],
            )
        except ValidationError as exc:
            apply_errors(exc, form)
        else:
            if result.replayed:
                messages.info(request, _("This booking was already recorded."))
            else:
                messages.success(request, _("Booked."))
            return redirect("transport_trip", trip.uuid)
    return render(
        request,
        "transport/book.html",
        {
            "trip": trip,
            "search": search,
            "found": found,
            "household": household,
            "travellers": travellers,
            "form": form,
            "free": selectors.free_seats(trip),
            "searched": bool(search.is_bound and search.data.get("q")),
        },
    )


# --- small POST forms -----------------------------------------------------------------


def _done(request: AuthenticatedRequest, trip: Trip, action: Any, success: str) -> HttpResponse:
    try:
        action()
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, success)
    return redirect("transport_trip", trip.uuid)


@perm_required(PERM)
@require_POST
def trip_status(request: AuthenticatedRequest, uuid: Any) -> HttpResponse:
    trip = selectors.get_trip_for_user(user=request.user, uuid=uuid)
    form = forms.StatusForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose a valid status."))
        return redirect("transport_trip", trip.uuid)
    status = form.cleaned_data["status"]
    return _done(
        request,
        trip,
        lambda: services.trip_set_status(actor=request.user, trip=trip, status=status),
        _("Trip updated."),
    )


@perm_required(PERM)
@require_POST
def seat_documents(request: AuthenticatedRequest, uuid: Any) -> HttpResponse:
    seat = selectors.get_seat_for_user(user=request.user, uuid=uuid)
    checked = request.POST.get("checked") != "0"
    return _done(
        request,
        seat.trip,
        lambda: services.seat_check_documents(actor=request.user, seat=seat, checked=checked),
        _("Documents marked checked.") if checked else _("Documents mark removed."),
    )


@perm_required(PERM)
@require_POST
def seat_board(request: AuthenticatedRequest, uuid: Any) -> HttpResponse:
    seat = selectors.get_seat_for_user(user=request.user, uuid=uuid)
    boarded = request.POST.get("boarded") != "0"
    return _done(
        request,
        seat.trip,
        lambda: services.seat_board(actor=request.user, seat=seat, boarded=boarded),
        _("Marked boarded.") if boarded else _("Marked no-show."),
    )


@perm_required(PERM)
@require_POST
def seat_arrive(request: AuthenticatedRequest, uuid: Any) -> HttpResponse:
    seat = selectors.get_seat_for_user(user=request.user, uuid=uuid)
    return _done(
        request,
        seat.trip,
        lambda: services.seat_arrive(actor=request.user, seat=seat),
        _("Arrival confirmed."),
    )


@perm_required(PERM)
@require_POST
def booking_cancel(request: AuthenticatedRequest, uuid: Any) -> HttpResponse:
    booking = selectors.get_booking_for_user(user=request.user, uuid=uuid)
    return _done(
        request,
        booking.trip,
        lambda: services.booking_cancel(actor=request.user, booking=booking),
        _("Booking cancelled: the seats are free again."),
    )
