"""The sections of a case: survivor, incident, trafficking, assistance and plan; services,
action plan, psychosocial sessions; closure; the team. All behind `protection_page`."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from caminantes.accounts import policies
from caminantes.accounts.context import AuthenticatedRequest
from caminantes.accounts.models import Membership, User
from caminantes.geo.models import AdminArea
from caminantes.lib.form_errors import apply_errors, posted
from caminantes.protection import forms, selectors, services
from caminantes.protection.choices import Kind
from caminantes.protection.models import ActionItem, Assignment, ProtectionCase
from caminantes.protection.views import person_linked, protection_page, survivor_data

# section -> (form, title, kinds it belongs to)
SECTIONS: dict[str, tuple[type[Any], Any, tuple[str, ...]]] = {
    "survivor": (forms.SurvivorForm, gettext_lazy("Survivor"), (Kind.GBV, Kind.TRAFFICKING)),
    "incident": (forms.IncidentForm, gettext_lazy("Incident"), (Kind.GBV,)),
    "trafficking": (forms.TraffickingForm, gettext_lazy("Trafficking"), (Kind.TRAFFICKING,)),
    "assistance": (forms.AssistanceForm, gettext_lazy("Assistance and referral"),
                   (Kind.TRAFFICKING,)),
    "plan": (forms.PlanForm, gettext_lazy("Consent, safety plan and narrative"),
             (Kind.GBV, Kind.TRAFFICKING)),
}  # fmt: skip


def _initial(section: str, contents: dict[str, Any]) -> dict[str, Any]:
    initial = dict(contents)
    initial.pop("name", None)  # the name is never put back on a page unasked
    if section == "trafficking":
        initial["route"] = ", ".join(contents.get("route") or [])
    return initial


def _section_data(section: str, form: Any) -> dict[str, Any]:
    if section == "survivor":
        data = survivor_data(form)
        if not data["person"] and not data["name"]:
            # Neither given: the person or name on file stays.
            del data["person"], data["name"]
        return data
    d = dict(form.cleaned_data)
    if section == "incident":
        area = d.get("incident_area")
        d["incident_area"] = area.uuid if area else None
    return d


@protection_page
def edit_section(request: AuthenticatedRequest, uuid: Any, section: str) -> HttpResponse:
    form_class, title, kinds = SECTIONS[section]
    case = selectors.case_for(request.user, uuid, audit=request.method == "GET")
    if case.kind not in kinds:
        raise Http404
    kwargs: dict[str, Any] = {}
    if section == "incident":
        kwargs["areas"] = AdminArea.objects.filter(country=case.country)
    if section == "survivor":
        kwargs["on_file"] = True
    form = form_class(posted(request), initial=_initial(section, case.contents()), **kwargs)
    if request.method == "POST" and case.status != "open":
        form.is_valid()
        form.add_error(None, _("This case is closed: it can no longer be changed."))
    elif (
        request.method == "POST"
        and form.is_valid()
        and (section != "survivor" or person_linked(request, form))
    ):
        try:
            services.case_update(actor=request.user, case=case,
                                 data=_section_data(section, form))  # fmt: skip
        except ValidationError as exc:
            apply_errors(exc, form)
        else:
            messages.success(request, _("Saved."))
            return redirect("protection_case", case.uuid)
    return render(request, "protection/section.html", {
        "case": case, "form": form, "heading": title,
    })  # fmt: skip


def _child_page(
    request: AuthenticatedRequest, uuid: Any, form_class: type[Any], heading: Any,
    write: Any,
) -> HttpResponse:  # fmt: skip
    case = selectors.case_for(request.user, uuid, audit=request.method == "GET")
    form = form_class(posted(request))
    if request.method == "POST" and form.is_valid():
        try:
            write(case, form.cleaned_data)
        except ValidationError as exc:
            apply_errors(exc, form)
        else:
            messages.success(request, _("Saved."))
            return redirect("protection_case", case.uuid)
    return render(request, "protection/section.html", {
        "case": case, "form": form, "heading": heading,
    })  # fmt: skip


@protection_page
def add_service(request: AuthenticatedRequest, uuid: Any) -> HttpResponse:
    def write(case: ProtectionCase, d: dict[str, Any]) -> None:
        services.service_add(actor=request.user, case=case, data=d)

    return _child_page(request, uuid, forms.ServiceForm, _("Service"), write)


@protection_page
def add_action(request: AuthenticatedRequest, uuid: Any) -> HttpResponse:
    def write(case: ProtectionCase, d: dict[str, Any]) -> None:
        services.action_add(actor=request.user, case=case, text=d["text"], due_on=d["due_on"])

    return _child_page(request, uuid, forms.ActionForm, _("Action plan and follow-up"), write)


@protection_page
def add_session(request: AuthenticatedRequest, uuid: Any) -> HttpResponse:
    def write(case: ProtectionCase, d: dict[str, Any]) -> None:
        services.session_add(actor=request.user, case=case, data=d)

    return _child_page(request, uuid, forms.SessionForm, _("Psychosocial session"), write)


@protection_page
def close(request: AuthenticatedRequest, uuid: Any) -> HttpResponse:
    def write(case: ProtectionCase, d: dict[str, Any]) -> None:
        services.case_close(actor=request.user, case=case, reason=d["reason"], note=d["note"])

    return _child_page(request, uuid, forms.CloseForm, _("Close the case"), write)


@protection_page
@require_POST
def action_done(request: AuthenticatedRequest, uuid: Any) -> HttpResponse:
    item = selectors.child_for(request.user, ActionItem, uuid)
    try:
        services.action_done(actor=request.user, item=item)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    return redirect("protection_case", item.case.uuid)


def candidates(case: ProtectionCase) -> list[tuple[str, str]]:
    """Colleagues who may work on the case: the matching role in its organisation and
    country, not yet on it."""
    on_case = set(case.assignments.filter(ended_at__isnull=True).values_list("user_id", flat=True))
    users = User.objects.filter(
        pk__in=Membership.objects.active().filter(organization=case.organization_id)
        .values("user_id"), is_active=True,
    ).exclude(pk__in=on_case).order_by("full_name", "email")  # fmt: skip
    perm = services.perm_for(case.kind)
    return [
        (str(u.uuid), u.full_name or u.email) for u in users
        if policies.has_perm(u, perm, organization_id=case.organization_id,
                             country_id=case.country_id)
    ]  # fmt: skip


@protection_page
def team(request: AuthenticatedRequest, uuid: Any) -> HttpResponse:
    case = selectors.case_for(request.user, uuid, audit=request.method == "GET")
    choices = candidates(case)
    form = forms.AssignForm(posted(request), candidates=choices)
    if request.method == "POST" and form.is_valid():
        user = User.objects.get(uuid=form.cleaned_data["user"])
        try:
            services.case_assign(actor=request.user, case=case, user=user,
                                 role=form.cleaned_data["role"])  # fmt: skip
        except ValidationError as exc:
            apply_errors(exc, form)
        else:
            messages.success(request, _("Assigned."))
            return redirect("protection_team", case.uuid)
    return render(request, "protection/team.html", {
        "case": case, "form": form,
        "assignments": selectors.assignments_of(case, active_only=True),
    })  # fmt: skip


@protection_page
@require_POST
def unassign(request: AuthenticatedRequest, uuid: Any) -> HttpResponse:
    assignment = selectors.child_for(request.user, Assignment, uuid)
    try:
        services.case_unassign(actor=request.user, assignment=assignment)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    if assignment.user_id == request.user.pk:
        return redirect("protection_cases")
    return redirect("protection_team", assignment.case.uuid)
