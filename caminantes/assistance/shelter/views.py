"""Shelter pages: the list of sites, a site's occupancy board, its rooms and beds, check-in,
a stay (extend, check out, arrival, no-show), the waiting list and the nightly headcount.
Thin: reads through `selectors`, writes through `services`."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from caminantes.accounts import policies
from caminantes.accounts.context import AuthenticatedRequest
from caminantes.accounts.decorators import perm_required
from caminantes.accounts.permissions import Perm
from caminantes.assistance.shelter import forms, selectors, services, services_beds
from caminantes.assistance.shelter.models import Room, Site, Stay, StayStatus
from caminantes.lib.form_errors import apply_errors, posted
from caminantes.registry.models import Household, Person

CHART_NIGHTS = 30


@perm_required(Perm.MANAGE_SHELTER)
def sites(request: AuthenticatedRequest) -> HttpResponse:
    organization = request.context.organization
    form = None
    if organization is not None:
        form = forms.SiteForm(
            posted(request),
            countries=organization.countries.all(),
        )
    if request.method == "POST" and organization is not None and form and form.is_valid():
        d = form.cleaned_data
        try:
            site = services.site_create(
                actor=request.user, organization=organization, country=d["country"],
                name=d["name"], kind=d["kind"], max_nights=d["max_nights"], rules=d["rules"],
            )  # fmt: skip
        except ValidationError as exc:
            apply_errors(exc, form)
        else:
            return redirect("shelter_rooms", site.uuid)
    return render(request, "shelter/sites.html", {
        "sites": selectors.sites_for_user(user=request.user), "form": form,
    })  # fmt: skip


@perm_required(Perm.MANAGE_SHELTER)
def site_board(request: AuthenticatedRequest, uuid: Any) -> HttpResponse:
    site = selectors.get_site_for_user(user=request.user, uuid=uuid)
    today = timezone.localdate()
    board = selectors.board(site, today)
    shown: list[Person] = [
        b.assignment.person for r in board.rooms for b in r.beds if b.assignment is not None
    ]
    shown += board.absent
    households = [s.household for s in board.due_today + board.overdue + board.reservations
                  + board.no_shows] + [w.household for w in board.waiting]  # fmt: skip
    policies.record_reads(request.user, Person, shown)
    policies.record_reads(request.user, Household, households)
    nights = selectors.occupancy_by_night(site, today - timedelta(days=CHART_NIGHTS - 1), today)
    return render(request, "shelter/board.html", {
        "site": site, "board": board, "today": today, "nights": nights,
        "bars": selectors.chart_bars(nights), "chart_width": len(nights) * 10,
    })  # fmt: skip


@perm_required(Perm.MANAGE_SHELTER)
def rooms(request: AuthenticatedRequest, uuid: Any) -> HttpResponse:
    site = selectors.get_site_for_user(user=request.user, uuid=uuid)
    form = forms.RoomForm(posted(request))
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            services.room_create(
                actor=request.user, site=site, name=d["name"], women_only=d["women_only"],
                families=d["families"], accessible=d["accessible"], beds=d["beds"],
                bed_kind=d["bed_kind"],
            )  # fmt: skip
        except ValidationError as exc:
            apply_errors(exc, form)
        else:
            messages.success(request, _("Room added."))
            return redirect("shelter_rooms", site.uuid)
    return render(request, "shelter/rooms.html", {
        "site": site, "form": form, "rooms": selectors.rooms_with_beds(site),
    })  # fmt: skip


def _beds_page(request: AuthenticatedRequest, room: Room, form: forms.BedsForm | None = None,
               rename: forms.RoomRenameForm | None = None) -> HttpResponse:  # fmt: skip
    return render(request, "shelter/beds.html", {
        "room": room, "site": room.site, "form": form or forms.BedsForm(),
        "rename": rename or forms.RoomRenameForm(initial={"name": room.name}),
        "beds": selectors.beds_in_room(room),
    })  # fmt: skip


@perm_required(Perm.MANAGE_SHELTER)
def beds(request: AuthenticatedRequest, uuid: Any) -> HttpResponse:
    room = selectors.get_room_for_user(user=request.user, uuid=uuid)
    form = forms.BedsForm(posted(request))
    if request.method == "POST" and form.is_valid():
        try:
            services.beds_add(actor=request.user, room=room, count=form.cleaned_data["count"],
                              kind=form.cleaned_data["kind"])  # fmt: skip
        except ValidationError as exc:
            apply_errors(exc, form)
        else:
            messages.success(request, _("Beds added."))
            return redirect("shelter_rooms", room.site.uuid)
    return _beds_page(request, room, form=form)


@perm_required(Perm.MANAGE_SHELTER)
@require_POST
def room_rename(request: AuthenticatedRequest, uuid: Any) -> HttpResponse:
    room = selectors.get_room_for_user(user=request.user, uuid=uuid)
    rename = forms.RoomRenameForm(request.POST)
    if rename.is_valid():
        try:
            services_beds.room_rename(actor=request.user, room=room,
                                      name=rename.cleaned_data["name"])  # fmt: skip
        except ValidationError as exc:
            apply_errors(exc, rename)
        else:
            messages.success(request, _("Room renamed."))
            return redirect("shelter_beds", room.uuid)
    return _beds_page(request, room, rename=rename)


def _beds_action(request: AuthenticatedRequest, room: Room, action: Any, done: str) -> HttpResponse:
    try:
        action()
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, done)
    return redirect("shelter_beds", room.uuid)


@perm_required(Perm.MANAGE_SHELTER)
@require_POST
def room_deactivate(request: AuthenticatedRequest, uuid: Any) -> HttpResponse:
    room = selectors.get_room_for_user(user=request.user, uuid=uuid)
    return _beds_action(request, room,
                        lambda: services_beds.room_deactivate(actor=request.user, room=room),
                        _("The room's beds are out of use."))  # fmt: skip


@perm_required(Perm.MANAGE_SHELTER)
@require_POST
def bed_deactivate(request: AuthenticatedRequest, uuid: Any) -> HttpResponse:
    bed = selectors.get_bed_for_user(user=request.user, uuid=uuid)
    return _beds_action(request, bed.room,
                        lambda: services_beds.bed_deactivate(actor=request.user, bed=bed),
                        _("Bed %(bed)s is out of use.") % {"bed": bed.label})  # fmt: skip


@perm_required(Perm.MANAGE_SHELTER)
@require_POST
def bed_reactivate(request: AuthenticatedRequest, uuid: Any) -> HttpResponse:
    bed = selectors.get_bed_for_user(user=request.user, uuid=uuid)
    return _beds_action(request, bed.room,
                        lambda: services_beds.bed_reactivate(actor=request.user, bed=bed),
                        _("Bed %(bed)s is in use again.") % {"bed": bed.label})  # fmt: skip


def _chosen_household(request: AuthenticatedRequest, site: Site) -> Household | None:
    key = request.POST.get("household") or request.GET.get("household")
    if not key:
        return None
    return selectors.get_household_for_site(user=request.user, site=site, uuid=key)


def _search(request: AuthenticatedRequest, site: Site) -> dict[str, Any]:
    query = request.GET.get("q", "")[:100]
    found = list(selectors.households_for_site(user=request.user, site=site, query=query))
    policies.record_reads(request.user, Household, found)
    return {"q": query, "found": found}


@perm_required(Perm.MANAGE_SHELTER)
def check_in(request: AuthenticatedRequest, uuid: Any) -> HttpResponse:
    site = selectors.get_site_for_user(user=request.user, uuid=uuid)
    household = _chosen_household(request, site)
    if household is None:
        return render(request, "shelter/check_in.html", {"site": site, **_search(request, site)})
    people = list(selectors.members(household))
    free = [b.bed for r in selectors.rooms_with_beds(site) for b in r.beds if b.assignment is None]
    form = forms.CheckInForm(posted(request), people=people, beds=free,
                             max_nights=site.max_nights)  # fmt: skip
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        hours = d.get("reserve_hours")
        try:
            written = services.stay_check_in(
                actor=request.user, site=site, household=household,
                placements=form.placements(), nights=d["nights"], request_id=d["request_id"],
                reserved_until=timezone.now() + timedelta(hours=hours) if hours else None,
            )  # fmt: skip
        except ValidationError as exc:
            apply_errors(exc, form)
        else:
            messages.success(request, _("Checked in.") if written.stay.status ==
                             StayStatus.CHECKED_IN else _("Beds reserved."))  # fmt: skip
            return redirect("shelter_stay", written.stay.uuid)
    return render(request, "shelter/check_in.html", {
        "site": site, "household": household, "form": form, "people": people,
    })  # fmt: skip


@perm_required(Perm.MANAGE_SHELTER)
def stay_detail(request: AuthenticatedRequest, uuid: Any) -> HttpResponse:
    stay: Stay = selectors.get_stay_for_user(user=request.user, uuid=uuid)
    form = forms.ExtendForm(posted(request))
    if request.method == "POST" and form.is_valid():
        try:
            services.stay_extend(actor=request.user, stay=stay, nights=form.cleaned_data["nights"],
                                 reason=form.cleaned_data["reason"],
                                 request_id=form.cleaned_data["request_id"])  # fmt: skip
        except ValidationError as exc:
            apply_errors(exc, form)
        else:
            messages.success(request, _("Stay extended."))
            return redirect("shelter_stay", stay.uuid)
    return render(request, "shelter/stay.html", {
        "stay": stay, "site": stay.site, "form": form, "today": timezone.localdate(),
        "assignments": stay.assignments.select_related("person", "bed__room").order_by("pk"),
        "extensions": stay.extensions.all(),
    })  # fmt: skip


def _stay_action(request: AuthenticatedRequest, uuid: Any, action: Any, done: str) -> HttpResponse:
    stay = selectors.get_stay_for_user(user=request.user, uuid=uuid)
    try:
        action(actor=request.user, stay=stay)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect("shelter_stay", stay.uuid)
    messages.success(request, done)
    return redirect("shelter_site", stay.site.uuid)


@perm_required(Perm.MANAGE_SHELTER)
@require_POST
def check_out(request: AuthenticatedRequest, uuid: Any) -> HttpResponse:
    return _stay_action(request, uuid, services.stay_check_out, _("Checked out."))


@perm_required(Perm.MANAGE_SHELTER)
@require_POST
def arrive(request: AuthenticatedRequest, uuid: Any) -> HttpResponse:
    return _stay_action(request, uuid, services.stay_arrive, _("Checked in."))


@perm_required(Perm.MANAGE_SHELTER)
@require_POST
def no_show(request: AuthenticatedRequest, uuid: Any) -> HttpResponse:
    return _stay_action(request, uuid, services.stay_no_show, _("Marked as a no-show."))


@perm_required(Perm.MANAGE_SHELTER)
def waiting(request: AuthenticatedRequest, uuid: Any) -> HttpResponse:
    site = selectors.get_site_for_user(user=request.user, uuid=uuid)
    household = _chosen_household(request, site)
    form = None
    if household is not None:
        initial = {"size": selectors.members(household).count() or 1}
        form = forms.WaitingForm(posted(request), initial=initial)
        if request.method == "POST" and form.is_valid():
            d = form.cleaned_data
            try:
                services.waiting_add(
                    actor=request.user, site=site, household=household, needs=d["needs"],
                    priority=d["priority"], size=d["size"], request_id=d["request_id"],
                )  # fmt: skip
            except ValidationError as exc:
                apply_errors(exc, form)
            else:
                messages.success(request, _("Added to the waiting list."))
                return redirect("shelter_waiting", site.uuid)
    entries = list(selectors.waiting_list(site))
    policies.record_reads(request.user, Household, [e.household for e in entries])
    return render(request, "shelter/waiting.html", {
        "site": site, "entries": entries, "household": household, "form": form,
        **(_search(request, site) if household is None else {}),
    })  # fmt: skip


@perm_required(Perm.MANAGE_SHELTER)
@require_POST
def waiting_remove(request: AuthenticatedRequest, uuid: Any) -> HttpResponse:
    entry = selectors.get_waiting_for_user(user=request.user, uuid=uuid)
    try:
        services.waiting_remove(actor=request.user, entry=entry)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("Removed from the waiting list."))
    return redirect("shelter_waiting", entry.site.uuid)


def _night(raw: str | None, today: date) -> date:
    try:
        night = datetime.strptime(raw or "", "%Y-%m-%d").date()
    except ValueError:
        return today
    return (
        night if today - timedelta(days=services.HEADCOUNT_DAYS_BACK) <= night <= today else today
    )


@perm_required(Perm.MANAGE_SHELTER)
def headcount(request: AuthenticatedRequest, uuid: Any) -> HttpResponse:
    site = selectors.get_site_for_user(user=request.user, uuid=uuid)
    today = timezone.localdate()
    night = _night(request.POST.get("night") or request.GET.get("night"), today)
    guests = [a.person for a in selectors.assignments_on(site, night)]
    recorded = site.headcounts.filter(night=night).first()
    initial: dict[str, Any] = {"night": night}
    if recorded is not None:
        initial["present"] = [str(ln.person.uuid) for ln in recorded.lines.filter(present=True)
                              .select_related("person")]  # fmt: skip
    form = forms.HeadcountForm(posted(request), guests=guests, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.headcount_record(actor=request.user, site=site,
                                      night=form.cleaned_data["night"],
                                      present=form.present_people(),
                                      request_id=form.cleaned_data["request_id"])  # fmt: skip
        except ValidationError as exc:
            apply_errors(exc, form)
        else:
            messages.success(request, _("Headcount recorded."))
            return redirect("shelter_site", site.uuid)
    policies.record_reads(request.user, Person, guests)
    return render(request, "shelter/headcount.html", {
        "site": site, "form": form, "night": night, "recorded": recorded, "guests": guests,
    })  # fmt: skip
