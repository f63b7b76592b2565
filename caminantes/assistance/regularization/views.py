"""Regularization pages: today's appointments, a person's regularization (enrol, advance,
go back, abandon, book and cancel appointments), the waiting counts (and their CSV).
Thin: reads through `selectors`, writes through `services`. Offices, their slot calendar
and the schemes' configuration are in `views_config`."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from caminantes.accounts import policies
from caminantes.accounts.context import AuthenticatedRequest
from caminantes.accounts.decorators import perm_required
from caminantes.accounts.permissions import Perm
from caminantes.assistance import delivery
from caminantes.assistance.regularization import (
    forms,
    selectors,
    services,
    services_appointments,
)
from caminantes.assistance.regularization.models import Enrolment
from caminantes.audit import actions
from caminantes.audit.log import log
from caminantes.lib.form_errors import apply_errors, posted
from caminantes.lib.safecsv import csv_rows
from caminantes.registry import selectors as registry
from caminantes.registry.inputs import DocumentInput
from caminantes.registry.models import Person

MAX_DAYS_AROUND = 366


def chosen_day(raw: str | None) -> date:
    """The day asked for (YYYY-MM-DD), within a year either side of today; else today."""
    today = timezone.localdate()
    try:
        day = datetime.strptime(raw or "", "%Y-%m-%d").date()
    except ValueError:
        return today
    return day if abs((day - today).days) <= MAX_DAYS_AROUND else today


@perm_required(Perm.REFER)
def today(request: AuthenticatedRequest) -> HttpResponse:
    """The day's appointments at the user's offices, the reminders for tomorrow, and a search
    to open a person's regularization."""
    day = chosen_day(request.GET.get("day"))
    if request.method == "POST" and request.POST.get("read"):
        ids = [
            int(i)
            for i in request.POST.getlist("read")
            if i.isascii() and i.isdigit() and len(i) < 12
        ]
        services_appointments.reminders_mark_read(user=request.user, reminder_ids=ids)
        return redirect("regularization_today")
    appointments = selectors.appointments_on(user=request.user, day=day)
    reminders = selectors.my_reminders(user=request.user)
    query = request.GET.get("q", "")[:100].strip()
    found: list[Person] = []
    if query:
        found = [
            p
            for p in registry.search_people(user=request.user, text=query, limit=20)
            if policies.has_perm(
                request.user,
                Perm.REFER,
                organization_id=p.household.organization_id,
                country_id=p.household.country_id,
            )
        ]
    policies.record_reads(
        request.user,
        Person,
        [a.person for a in appointments] + [r.appointment.person for r in reminders] + found,
    )
    return render(
        request,
        "regularization/today.html",
        {
            "day": day,
            "appointments": appointments,
            "reminders": reminders,
            "q": query,
            "found": found,
            "is_today": day == timezone.localdate(),
        },
    )


@perm_required(Perm.REFER)
def person(request: AuthenticatedRequest, uuid: Any) -> HttpResponse:
    """A person's regularization: the enrolments, and enrolling in a scheme of their country."""
    found = selectors.person_for_user(user=request.user, uuid=uuid)
    schemes = selectors.schemes_for_user(user=request.user).filter(
        country=found.household.country_id, is_active=True
    )
    form = forms.EnrolForm(posted(request), schemes=schemes)
    if request.method == "POST" and form.is_valid():
        try:
            enrolment = services.enrolment_start(
                actor=request.user, person=found, scheme=form.cleaned_data["scheme"]
            )
        except ValidationError as exc:
            apply_errors(exc, form)
        else:
            messages.success(request, _("Enrolled."))
            return redirect("regularization_enrolment", enrolment.uuid)
    return render(
        request,
        "regularization/person.html",
        {
            "person": found,
            "form": form,
            "enrolments": selectors.enrolments_of(user=request.user, person=found),
        },
    )


def _enrolment_page(
    request: AuthenticatedRequest, enrolment: Enrolment, **bound: Any
) -> HttpResponse:
    steps = list(enrolment.scheme.steps.order_by("position"))
    current = enrolment.step
    later = [s for s in steps if s.position > current.position]
    earlier = [s for s in steps if s.position < current.position]
    slots = selectors.slots_for_booking(user=request.user, enrolment=enrolment)
    context: dict[str, Any] = {
        "enrolment": enrolment,
        "person": enrolment.person,
        "steps": steps,
        "changes": enrolment.changes.select_related("from_step", "to_step", "actor", "document"),
        "appointments": selectors.appointments_of(enrolment),
        "advance": bound.get("advance")
        or forms.AdvanceForm(later=later, document=bool(current.document_type)),
        "back": bound.get("back") or (forms.BackForm(earlier=earlier) if earlier else None),
        "abandon": bound.get("abandon") or forms.AbandonForm(),
        "book": bound.get("book") or forms.BookForm(slots=slots),
        "has_slots": bool(slots),
        "cancel": forms.CancelForm(),
    }
    return render(request, "regularization/enrolment.html", context)


@perm_required(Perm.REFER)
def enrolment(request: AuthenticatedRequest, uuid: Any) -> HttpResponse:
    found = selectors.get_enrolment_for_user(user=request.user, uuid=uuid)
    return _enrolment_page(request, found)


def _later(enrolment: Enrolment) -> list[Any]:
    return list(enrolment.scheme.steps.filter(position__gt=enrolment.step.position))


@perm_required(Perm.REFER)
@require_POST
def advance(request: AuthenticatedRequest, uuid: Any) -> HttpResponse:
    found = selectors.get_enrolment_for_user(user=request.user, uuid=uuid)
    step = found.step
    form = forms.AdvanceForm(request.POST, later=_later(found), document=bool(step.document_type))
    if form.is_valid():
        d = form.cleaned_data
        document = None
        if step.document_type:
            document = DocumentInput(
                type=step.document_type,
                number=d["number"],
                issued_on=d["issued_on"],
                expires_on=d["expires_on"],
            )
        try:
            written = services.enrolment_advance(
                actor=request.user,
                enrolment=found,
                to_step=d["to_step"],
                document=document,
                request_id=d["request_id"],
            )
        except ValidationError as exc:
            apply_errors(exc, form)
        else:
            if step.document_type:
                messages.success(
                    request, _("Step completed: the document was added to the person's documents.")
                )
            else:
                messages.success(request, _("Step completed."))
            return redirect("regularization_enrolment", written.enrolment.uuid)
    return _enrolment_page(request, found, advance=form)


@perm_required(Perm.REFER)
@require_POST
def back(request: AuthenticatedRequest, uuid: Any) -> HttpResponse:
    found = selectors.get_enrolment_for_user(user=request.user, uuid=uuid)
    earlier = list(found.scheme.steps.filter(position__lt=found.step.position))
    form = forms.BackForm(request.POST, earlier=earlier)
    if form.is_valid():
        try:
            services.enrolment_back(
                actor=request.user,
                enrolment=found,
                to_step=form.cleaned_data["to_step"],
                reason=form.cleaned_data["reason"],
            )
        except ValidationError as exc:
            apply_errors(exc, form)
        else:
            messages.success(request, _("Sent back to an earlier step."))
            return redirect("regularization_enrolment", found.uuid)
    return _enrolment_page(request, found, back=form)


@perm_required(Perm.REFER)
@require_POST
def abandon(request: AuthenticatedRequest, uuid: Any) -> HttpResponse:
    found = selectors.get_enrolment_for_user(user=request.user, uuid=uuid)
    form = forms.AbandonForm(request.POST)
    if form.is_valid():
        try:
            services.enrolment_abandon(
                actor=request.user, enrolment=found, reason=form.cleaned_data["reason"]
            )
        except ValidationError as exc:
            apply_errors(exc, form)
        else:
            messages.success(request, _("The enrolment was closed."))
            return redirect("regularization_enrolment", found.uuid)
    return _enrolment_page(request, found, abandon=form)


@perm_required(Perm.REFER)
@require_POST
def book(request: AuthenticatedRequest, uuid: Any) -> HttpResponse:
    found = selectors.get_enrolment_for_user(user=request.user, uuid=uuid)
    form = forms.BookForm(
        request.POST, slots=selectors.slots_for_booking(user=request.user, enrolment=found)
    )
    if form.is_valid():
        try:
            services_appointments.appointment_book(
                actor=request.user,
                enrolment=found,
                slot=form.cleaned_data["slot"],
                request_id=form.cleaned_data["request_id"],
            )
        except ValidationError as exc:
            apply_errors(exc, form)
        else:
            messages.success(request, _("Appointment booked."))
            return redirect("regularization_enrolment", found.uuid)
    return _enrolment_page(request, found, book=form)


@perm_required(Perm.REFER)
@require_POST
def cancel(request: AuthenticatedRequest, uuid: Any) -> HttpResponse:
    appointment = selectors.get_appointment_for_user(user=request.user, uuid=uuid)
    form = forms.CancelForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("The form was not complete: try again."))
        return redirect("regularization_enrolment", appointment.enrolment.uuid)
    try:
        services_appointments.appointment_cancel(
            actor=request.user,
            appointment=appointment,
            reason=form.cleaned_data["reason"],
            request_id=form.cleaned_data["request_id"],
        )
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("Appointment cancelled: the place is free again."))
    return redirect("regularization_enrolment", appointment.enrolment.uuid)


@perm_required(Perm.REFER)
@require_POST
def attendance(request: AuthenticatedRequest, uuid: Any) -> HttpResponse:
    appointment = selectors.get_appointment_for_user(user=request.user, uuid=uuid)
    came = request.POST.get("attended")
    if came not in ("yes", "no"):
        messages.error(request, _("Say whether the person came."))
    else:
        try:
            services_appointments.appointment_attendance(
                actor=request.user, appointment=appointment, attended=came == "yes"
            )
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(request, _("Attendance recorded."))
    day = timezone.localdate(appointment.slot.starts_at).isoformat()
    return redirect(f"{reverse('regularization_today')}?day={day}")


@perm_required(Perm.REFER, Perm.MANAGE_SCHEMES)
def waiting(request: AuthenticatedRequest) -> HttpResponse:
    """How many people wait at each step of each scheme (counts only, no names)."""
    rows = selectors.waiting_counts(user=request.user)
    return render(
        request,
        "regularization/waiting.html",
        {
            "rows": rows,
            "sector": delivery.sector_label(services.SECTOR),
        },
    )


@perm_required(Perm.REFER, Perm.MANAGE_SCHEMES)
def waiting_csv(request: AuthenticatedRequest) -> StreamingHttpResponse:
    rows = selectors.waiting_counts(user=request.user)
    log(request.user, actions.EXPORT, Enrolment, rows=len(rows), kind="waiting_counts")
    header = [
        "country",
        "scheme",
        "step_order",
        "step",
        "needs_appointment",
        "waiting",
        "with_appointment",
        "waiting_since",
    ]
    lines = (
        [
            r.scheme.country.iso2,
            r.scheme.name,
            r.step.position,
            r.step.name,
            "yes" if r.step.needs_appointment else "no",
            r.waiting,
            r.booked,
            r.oldest.date().isoformat() if r.oldest else "",
        ]
        for r in rows
    )
    response = StreamingHttpResponse(csv_rows(header, lines), content_type="text/csv")
    response["Content-Disposition"] = 'attachment; filename="regularization-waiting.csv"'
    return response
