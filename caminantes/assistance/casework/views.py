"""Casework pages: a household's casework (its relocation case, health, food and cash
records, livelihoods, with forms to add them), a relocation case (the eligibility checklist
and the stage buttons), a livelihood activity (its outcome at follow-up) and the follow-ups
due for the caseworker's organisation. Thin: reads through `selectors`, writes through
`services` and `services_records`.

Caseworkers (REFER) use every page; distribution staff (DISTRIBUTE) reach a household's page
to record food and cash or vouchers, and see only those records there.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from caminantes.accounts import policies
from caminantes.accounts.context import AuthenticatedRequest
from caminantes.accounts.decorators import perm_required
from caminantes.accounts.permissions import Perm
from caminantes.assistance.casework import forms, rules, selectors, services, services_records
from caminantes.assistance.casework.models import (
    HEALTH_KINDS,
    LivelihoodActivity,
    RelocationCase,
    ServiceKind,
    ServiceRecord,
    Stage,
)
from caminantes.lib.form_errors import apply_errors, posted
from caminantes.registry.models import Household, Person


def household_link(request: Any, household: Household) -> dict[str, Any] | None:
    """The link the registry's household page shows (registry.hooks.HOUSEHOLD_LINKS)."""
    if not services_records.may_record(request.user, household):
        return None
    return {"url": reverse("casework_household", args=[household.uuid]),
            "label": _("Casework")}  # fmt: skip


def _kinds(request: AuthenticatedRequest, household: Household) -> list[str]:
    return [k for k in ServiceKind.values
            if services_records.may_record(request.user, household, k)]  # fmt: skip


@perm_required(Perm.REFER, Perm.DISTRIBUTE)
def household(request: AuthenticatedRequest, uuid: Any) -> HttpResponse:
    found = selectors.household_for_casework(user=request.user, uuid=uuid)
    caseworker = services.may_work_on(request.user, found.organization_id, found.country_id)
    kinds = _kinds(request, found)
    which = request.POST.get("form") if request.method == "POST" else None
    relocation = forms.RelocationForm(posted(request) if which == "relocation" else None,
                                      household=found, auto_id="relocation-%s")  # fmt: skip
    record = forms.ServiceRecordForm(posted(request) if which == "record" else None,
                                     household=found, kinds=kinds, auto_id="record-%s")  # fmt: skip
    livelihood = forms.LivelihoodForm(posted(request) if which == "livelihood" else None,
                                      household=found, auto_id="livelihood-%s")  # fmt: skip
    if which == "relocation" and caseworker and relocation.is_valid():
        d = relocation.cleaned_data
        try:
            written = services.relocation_open(
                actor=request.user, household=found, modality=d["modality"],
                destination=d["destination_place"], host_name=d["host_name"],
                host_contact=d["host_contact"], request_id=d["request_id"],
            )  # fmt: skip
        except ValidationError as exc:
            apply_errors(exc, relocation)
        else:
            return redirect("casework_relocation", written.case.uuid)
    elif which == "record" and kinds and record.is_valid():
        d = record.cleaned_data
        try:
            services_records.service_record(
                actor=request.user, household=found, kind=d["kind"], person=d["person"],
                served_on=d["served_on"], place=d["place_obj"], quantity=d["quantity"],
                value=d["value"], currency=d["currency"], mechanism=d["mechanism"],
                request_id=d["request_id"],
            )  # fmt: skip
        except ValidationError as exc:
            apply_errors(exc, record)
        else:
            messages.success(request, _("Service recorded."))
            return redirect("casework_household", found.uuid)
    elif which == "livelihood" and caseworker and livelihood.is_valid():
        d = livelihood.cleaned_data
        try:
            services_records.livelihood_enrol(
                actor=request.user, person=d["person"], kind=d["kind"], title=d["title"],
                started_on=d["started_on"], follow_up_on=d["follow_up_on"], value=d["value"],
                currency=d["currency"], mechanism=d["mechanism"], request_id=d["request_id"],
            )  # fmt: skip
        except ValidationError as exc:
            apply_errors(exc, livelihood)
        else:
            messages.success(request, _("Activity recorded."))
            return redirect("casework_household", found.uuid)
    elif which in ("relocation", "livelihood") and not caseworker:
        messages.error(request, _("Your roles do not allow this here."))
    cases = list(selectors.cases_of(user=request.user, household=found))
    records = list(selectors.records_of(user=request.user, household=found)[:100])
    activities = list(selectors.activities_of(user=request.user, household=found))
    policies.record_reads(request.user, Household, [found])
    policies.record_reads(request.user, RelocationCase, cases)
    policies.record_reads(request.user, ServiceRecord, records)
    policies.record_reads(request.user, LivelihoodActivity, activities)
    return render(request, "casework/household.html", {
        "household": found, "caseworker": caseworker, "cases": cases, "records": records,
        "activities": activities, "relocation": relocation, "record": record,
        "livelihood": livelihood, "can_record": bool(kinds),
        "open_case": next((c for c in cases if c.is_open), None),
        "places": selectors.place_names(country_id=found.country_id),
        "health_kinds": HEALTH_KINDS, "today": timezone.localdate(),
    })  # fmt: skip


@perm_required(Perm.REFER)
def relocation(request: AuthenticatedRequest, uuid: Any) -> HttpResponse:
    case = selectors.get_case_for_user(user=request.user, uuid=uuid)
    today = timezone.localdate()
    trips = selectors.trips_for_case(user=request.user, case=case, today=today)
    action = request.POST.get("action") if request.method == "POST" else None
    health = forms.DayForm(posted(request) if action == "health_check" else None,
                           initial={"on": today})  # fmt: skip
    stage = forms.StageForm(posted(request) if action == "advance" else None, trips=trips,
                            initial={"on": today})  # fmt: skip
    if action == "health_check" and health.is_valid():
        try:
            services.relocation_health_check(actor=request.user, case=case,
                                             on=health.cleaned_data["on"])  # fmt: skip
        except ValidationError as exc:
            apply_errors(exc, health)
        else:
            messages.success(request, _("Health check recorded."))
            return redirect("casework_relocation", case.uuid)
    elif action == "advance" and stage.is_valid():
        d = stage.cleaned_data
        try:
            services.relocation_advance(
                actor=request.user, case=case, stage=d["stage"], on=d["on"], trip=d["trip"],
                outcome=d["outcome"], reason=d["reason"], request_id=d["request_id"],
            )  # fmt: skip
        except ValidationError as exc:
            apply_errors(exc, stage)
        else:
            messages.success(request, _("Relocation case updated."))
            return redirect("casework_relocation", case.uuid)
    check = rules.checklist(case, today)
    policies.record_reads(request.user, Person, check.travellers)
    return render(request, "casework/relocation.html", {
        "case": case, "household": case.household, "check": check, "health": health,
        "stage_form": stage, "next": services.NEXT[case.stage], "stages": Stage,
        "trips": trips, "steps": case.steps.select_related("actor"), "today": today,
        "new_request_id": forms.WriteForm().fields["request_id"].initial(),
    })  # fmt: skip


@perm_required(Perm.REFER)
def livelihood(request: AuthenticatedRequest, uuid: Any) -> HttpResponse:
    activity = selectors.get_activity_for_user(user=request.user, uuid=uuid)
    form = forms.OutcomeForm(posted(request), kind=activity.kind,
                             initial={"on": timezone.localdate()})  # fmt: skip
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            services_records.livelihood_follow_up(
                actor=request.user, activity=activity, outcome=d["outcome"], on=d["on"],
                months_employed=d["months_employed"],
            )  # fmt: skip
        except ValidationError as exc:
            apply_errors(exc, form)
        else:
            messages.success(request, _("Outcome recorded."))
            return redirect("casework_household", activity.household.uuid)
    return render(request, "casework/livelihood.html", {
        "activity": activity, "household": activity.household, "form": form,
    })  # fmt: skip


@perm_required(Perm.REFER)
def due(request: AuthenticatedRequest) -> HttpResponse:
    today = timezone.localdate()
    items = selectors.due_follow_ups(user=request.user, today=today,
                                     organization=request.context.organization)  # fmt: skip
    policies.record_reads(request.user, Household, [d.household for d in items])
    return render(request, "casework/due.html", {"items": items, "today": today})
