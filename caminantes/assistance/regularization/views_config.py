"""Regularization pages for the set-up: the schemes and their steps (read by caseworkers,
changed by country managers), the offices, an office's slot calendar by day, and opening
slots."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from caminantes.accounts import policies
from caminantes.accounts.context import AuthenticatedRequest
from caminantes.accounts.decorators import perm_required
from caminantes.accounts.permissions import Perm
from caminantes.assistance.regularization import forms, selectors, services, services_setup
from caminantes.assistance.regularization.views import chosen_day
from caminantes.geo.models import Country
from caminantes.lib.form_errors import apply_errors, posted
from caminantes.registry.models import Person


@perm_required(Perm.REFER, Perm.MANAGE_SCHEMES)
def schemes(request: AuthenticatedRequest) -> HttpResponse:
    """The schemes of the user's countries; `?scheme=<uuid>` one scheme and its steps,
    `?step=<uuid>` a step's form (country managers). Schemes are public reference, not a
    record of anyone, so they are named in the query rather than the path."""
    if request.GET.get("step"):
        return _step(request, request.GET["step"])
    if request.GET.get("scheme"):
        return _scheme(request, request.GET["scheme"])
    found = list(selectors.schemes_for_user(user=request.user))
    return render(
        request,
        "regularization/schemes.html",
        {
            "schemes": [(s, services.may_configure(request.user, s.country)) for s in found],
        },
    )


def _scheme_url(scheme: Any) -> str:
    return f"{reverse('regularization_schemes')}?scheme={scheme.uuid}"


def _scheme(request: AuthenticatedRequest, uuid: Any) -> HttpResponse:
    """A scheme and its steps; a country manager of its country edits them here."""
    found = selectors.get_scheme_for_user(user=request.user, uuid=uuid)
    can_edit = services.may_configure(request.user, found.country)
    form = step_form = None
    if can_edit:
        which = request.POST.get("form") if request.method == "POST" else None
        form = forms.SchemeForm(
            request.POST if which == "scheme" else None,
            initial={
                "name": found.name,
                "description": found.description,
                "is_active": found.is_active,
            },
        )
        step_form = forms.StepForm(request.POST if which == "new_step" else None)
        try:
            if which == "scheme" and form.is_valid():
                d = form.cleaned_data
                services_setup.scheme_update(
                    actor=request.user,
                    scheme=found,
                    name=d["name"],
                    description=d["description"],
                    is_active=d["is_active"],
                )
                messages.success(request, _("Scheme saved."))
                return redirect(_scheme_url(found))
            if which == "new_step" and step_form.is_valid():
                services_setup.step_add(actor=request.user, scheme=found, **step_form.cleaned_data)
                messages.success(request, _("Step added."))
                return redirect(_scheme_url(found))
        except ValidationError as exc:
            apply_errors(exc, form if which == "scheme" else step_form)
    steps = list(found.steps.order_by("position"))
    return render(
        request,
        "regularization/scheme.html",
        {
            "scheme": found,
            "can_edit": can_edit,
            "form": form,
            "step_form": step_form,
            "steps": steps,
        },
    )


def _step(request: AuthenticatedRequest, uuid: Any) -> HttpResponse:
    found = selectors.get_step_for_user(user=request.user, uuid=uuid)
    if not services.may_configure(request.user, found.scheme.country):
        raise PermissionDenied
    form = forms.StepForm(
        posted(request),
        initial={
            "name": found.name,
            "needs_appointment": found.needs_appointment,
            "document_type": found.document_type,
            "may_skip": found.may_skip,
        },
    )
    if request.method == "POST" and form.is_valid():
        try:
            services_setup.step_update(actor=request.user, step=found, **form.cleaned_data)
        except ValidationError as exc:
            apply_errors(exc, form)
        else:
            messages.success(request, _("Step saved."))
            return redirect(_scheme_url(found.scheme))
    return render(request, "regularization/step.html", {"step": found, "form": form})


@perm_required(Perm.REFER)
def offices(request: AuthenticatedRequest) -> HttpResponse:
    organization = request.context.organization
    form = None
    if organization is not None:
        countries = [
            c
            for c in organization.countries.all()
            if services.may_follow(request.user, organization.pk, c.pk)
        ]
        form = forms.OfficeForm(
            posted(request), countries=Country.objects.filter(pk__in=[c.pk for c in countries])
        )
        if request.method == "POST" and form.is_valid():
            d = form.cleaned_data
            try:
                office = services_setup.office_create(
                    actor=request.user,
                    organization=organization,
                    country=d["country"],
                    name=d["name"],
                    address=d["address"],
                )
            except ValidationError as exc:
                apply_errors(exc, form)
            else:
                messages.success(request, _("Office added."))
                return redirect("regularization_office", office.uuid)
    return render(
        request,
        "regularization/offices.html",
        {
            "offices": selectors.offices_for_user(user=request.user),
            "form": form,
        },
    )


@perm_required(Perm.REFER)
def office(request: AuthenticatedRequest, uuid: Any) -> HttpResponse:
    """An office's calendar: the next two weeks at a glance, and the chosen day's slots with
    who is booked in each."""
    found = selectors.get_office_for_user(user=request.user, uuid=uuid)
    day = chosen_day(request.GET.get("day"))
    slots = selectors.slots_on(user=request.user, office=found, day=day)
    people = [a.person for s in slots for a in s.appointments.all()]
    policies.record_reads(request.user, Person, people)
    return render(
        request,
        "regularization/office.html",
        {
            "office": found,
            "day": day,
            "slots": slots,
            "days": selectors.days_with_slots(found, day - timedelta(days=day.weekday())),
            "previous": day - timedelta(days=1),
            "next": day + timedelta(days=1),
        },
    )


@perm_required(Perm.REFER)
def slots(request: AuthenticatedRequest, uuid: Any) -> HttpResponse:
    found = selectors.get_office_for_user(user=request.user, uuid=uuid)
    form = forms.SlotsForm(posted(request), office=found)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            made = services_setup.slots_open(
                actor=request.user,
                office=found,
                step=d["step"],
                first_day=d["first_day"],
                last_day=d["last_day"],
                start=d["start"],
                end=d["end"],
                every_minutes=d["every_minutes"],
                capacity=d["capacity"],
            )
        except ValidationError as exc:
            apply_errors(exc, form)
        else:
            messages.success(request, _("%(n)s slots opened.") % {"n": len(made)})
            where = reverse("regularization_office", args=[found.uuid])
            return redirect(f"{where}?day={d['first_day'].isoformat()}")
    return render(request, "regularization/slots.html", {"office": found, "form": form})
