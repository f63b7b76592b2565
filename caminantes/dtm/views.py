"""DTM reference pages (operations, rounds, points, sites) and the enumerator's tally page."""

from __future__ import annotations

import uuid as uuid_lib
from typing import Any

import pycountry
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
from caminantes.dtm import selectors, services
from caminantes.dtm.choices import (
    AGE_GROUPS,
    FLOW_TYPES_ASKED,
    CountDimension,
    Direction,
    FlowType,
    Source,
    TransportMode,
)
from caminantes.dtm.decorators import dtm_perm_required
from caminantes.dtm.forms import OperationForm, PointForm, RoundForm, SiteForm
from caminantes.dtm.intake import Conflict, submit_flow_count
from caminantes.dtm.models import (
    CollectiveSite,
    FlowCount,
    FlowMonitoringPoint,
    Operation,
    Round,
)
from caminantes.geo.models import Country
from caminantes.lib.form_errors import apply_errors, posted
from caminantes.lib.undo import UNDO_MINUTES, undo_until

# Countries offered as tally rows; anything else goes under "other".
TALLY_COUNTRIES: dict[str, tuple[str, ...]] = {
    CountDimension.NATIONALITY: ("VE", "CO", "EC", "PE", "other"),
    CountDimension.DESTINATION: ("CO", "EC", "PE", "CL", "BR", "AR", "other"),
}


def _is_analyst(request: AuthenticatedRequest, org_id: int, country_id: int | None = None) -> bool:
    return policies.has_perm(request.user, Perm.DTM_ANALYSE, organization_id=org_id,
                             country_id=country_id)  # fmt: skip


@dtm_perm_required
def home(request: AuthenticatedRequest) -> HttpResponse:
    user = request.user
    return render(request, "dtm/home.html", {
        "operations": selectors.operations_for_user(user=user),
        "points": selectors.points_for_user(user=user).filter(is_active=True),
        "can_manage": policies.has_perm(user, Perm.DTM_ANALYSE),
    })  # fmt: skip


def _saved(request: AuthenticatedRequest, form: Any, **kwargs: Any) -> Any:
    """The saved object, or None with the service's problems shown on the form."""
    try:
        return services.reference_save(actor=request.user, **kwargs)
    except ValidationError as exc:
        apply_errors(exc, form)
        return None


# --- operations and rounds ---------------------------------------------------------------


def _org_countries(request: AuthenticatedRequest) -> Any:
    ctx = request.context
    if ctx.organization is None:
        return Country.objects.none()
    return ctx.organization.countries.all()


@perm_required(Perm.DTM_ANALYSE)
def operation_new(request: AuthenticatedRequest) -> HttpResponse:
    ctx = request.context
    form = OperationForm(posted(request), countries=_org_countries(request))
    if request.method == "POST" and form.is_valid():
        op = form.save(commit=False)
        op.organization = ctx.organization
        if _saved(request, form, obj=op, m2m={"countries": form.cleaned_data["countries"]}):
            messages.success(request, _("Operation saved."))
            return redirect("dtm_operation", uuid=op.uuid)
    return render(request, "dtm/form.html", {"form": form, "title": _("New operation")})


@dtm_perm_required
def operation_detail(request: AuthenticatedRequest, uuid: uuid_lib.UUID) -> HttpResponse:
    user = request.user
    op = selectors.get_dtm_for_user(user, Operation, uuid)
    return render(request, "dtm/operation.html", {
        "operation": op,
        "rounds": op.rounds.all(),
        "points": selectors.points_for_user(user=user, operation=op),
        "can_manage": _is_analyst(request, op.organization_id),
    })  # fmt: skip


@perm_required(Perm.DTM_ANALYSE)
def operation_edit(request: AuthenticatedRequest, uuid: uuid_lib.UUID) -> HttpResponse:
    op = policies.get_for_user(request.user, Operation, uuid)
    form = OperationForm(posted(request), instance=op,
                         countries=op.organization.countries.all())  # fmt: skip
    if request.method == "POST" and form.is_valid():
        if _saved(request, form, obj=form.save(commit=False),
                  m2m={"countries": form.cleaned_data["countries"]}):  # fmt: skip
            messages.success(request, _("Operation saved."))
            return redirect("dtm_operation", uuid=op.uuid)
    return render(request, "dtm/form.html", {"form": form, "title": op.name})


@perm_required(Perm.DTM_ANALYSE)
def round_new(request: AuthenticatedRequest, uuid: uuid_lib.UUID) -> HttpResponse:
    op = policies.get_for_user(request.user, Operation, uuid)
    last = op.rounds.order_by("-number").first()
    form = RoundForm(
        posted(request),
        initial={"number": (last.number + 1) if last else 1},
    )
    form.instance.operation = op
    if request.method == "POST" and form.is_valid():
        if _saved(request, form, obj=form.save(commit=False)):
            messages.success(request, _("Round saved."))
            return redirect("dtm_operation", uuid=op.uuid)
    return render(request, "dtm/form.html", {"form": form, "title": _("New round"), "back": op})


@perm_required(Perm.DTM_ANALYSE)
def round_edit(request: AuthenticatedRequest, uuid: uuid_lib.UUID) -> HttpResponse:
    rnd = policies.get_for_user(request.user, Round, uuid)
    form = RoundForm(posted(request), instance=rnd)
    if request.method == "POST" and form.is_valid():
        if _saved(request, form, obj=form.save(commit=False)):
            messages.success(request, _("Round saved."))
            return redirect("dtm_operation", uuid=rnd.operation.uuid)
    return render(request, "dtm/form.html", {"form": form, "title": str(rnd),
                                             "back": rnd.operation})  # fmt: skip


# --- points ------------------------------------------------------------------------------


@perm_required(Perm.DTM_ANALYSE)
def point_new(request: AuthenticatedRequest, uuid: uuid_lib.UUID) -> HttpResponse:
    op = policies.get_for_user(request.user, Operation, uuid)
    form = PointForm(posted(request), operation=op)
    if request.method == "POST" and form.is_valid():
        point = _saved(request, form, obj=form.save(commit=False))
        if point:
            messages.success(request, _("Point saved."))
            return redirect("dtm_point", uuid=point.uuid)
    return render(request, "dtm/form.html", {"form": form, "title": _("New flow monitoring point"),
                                             "back": op})  # fmt: skip


@perm_required(Perm.DTM_ANALYSE)
def point_edit(request: AuthenticatedRequest, uuid: uuid_lib.UUID) -> HttpResponse:
    point = policies.get_for_user(request.user, FlowMonitoringPoint, uuid)
    form = PointForm(
        posted(request),
        instance=point,
        operation=point.operation,
    )
    if request.method == "POST" and form.is_valid():
        if _saved(request, form, obj=form.save(commit=False)):
            messages.success(request, _("Point saved."))
            return redirect("dtm_point", uuid=point.uuid)
    return render(request, "dtm/form.html", {"form": form, "title": point.name,
                                             "back": point.operation})  # fmt: skip


@dtm_perm_required
def point_detail(request: AuthenticatedRequest, uuid: uuid_lib.UUID) -> HttpResponse:
    user = request.user
    point = selectors.get_dtm_for_user(user, FlowMonitoringPoint, uuid)
    return render(request, "dtm/point.html", {
        "point": point,
        "recent": selectors.recent_counts(user=user, point=point),
        "can_manage": _is_analyst(request, point.organization_id, point.country_id),
        "can_collect": policies.has_perm(user, Perm.DTM_COLLECT,
                                         organization_id=point.organization_id,
                                         country_id=point.country_id),
    })  # fmt: skip


# --- the tally page ----------------------------------------------------------------------


def _tally_rows(point: FlowMonitoringPoint) -> dict[str, list[tuple[str, str]]]:
    """(field name, label) per section of the tally sheet."""
    modes = point.transport_modes or list(TransportMode.values)
    labels = dict(TransportMode.choices)
    countries = {c.iso2: c.name for c in Country.objects.all()}
    girls, women, boys, men = _("Girls"), _("Women"), _("Boys"), _("Men")
    words = {"female": (girls, women), "male": (boys, men)}

    def name(code: str) -> str:
        if code == "other":
            return _("Other")
        found = pycountry.countries.get(alpha_2=code)
        return countries.get(code) or (found.name if found else code)

    def country_rows(dimension: str) -> list[tuple[str, str]]:
        return [(f"{dimension}_{code}", name(code)) for code in TALLY_COUNTRIES[dimension]]

    return {
        "sex_age": [
            (f"{sex}_{age}", f"{words[sex][age in ('18_59', '60_plus')]} {label}")
            for sex in ("female", "male")
            for age, label in AGE_GROUPS
        ],
        "other": [("groups", _("Groups")), ("unaccompanied_children", _("Unaccompanied children")),
                  ("pregnant_lactating", _("Pregnant or lactating women")),
                  ("with_disabilities", _("Persons with disabilities"))],
        "nationality": country_rows(CountDimension.NATIONALITY),
        "transport": [(f"transport_{m}", str(labels.get(m, m))) for m in modes],
        "destination": country_rows(CountDimension.DESTINATION),
    }  # fmt: skip


def _blank_sheet() -> dict[str, Any]:
    now = timezone.localtime()
    return {
        "uuid": str(uuid_lib.uuid4()),
        "date": now.date().isoformat(),
        "shift_start": f"{now.hour:02d}:00",
        "shift_end": f"{min(now.hour + 4, 23):02d}:59",
        "direction": Direction.INCOMING,
    }


def _apply_step(values: dict[str, Any], step: str) -> None:
    """A +/- button without JavaScript: "female_18_59:+1" changes one cell on the server."""
    name, _sep, delta = step.partition(":")
    try:
        current = int(values.get(name) or 0)
        values[name] = str(max(0, current + int(delta)))
    except ValueError:
        return


@perm_required(Perm.DTM_COLLECT)
def tally(request: AuthenticatedRequest, uuid: uuid_lib.UUID) -> HttpResponse:
    """Count people at a point for one shift; the hidden submission id makes a resend harmless."""
    user = request.user
    point = policies.get_for_user(user, FlowMonitoringPoint, uuid, Perm.DTM_COLLECT)
    errors: dict[str, list[str]] = {}
    values = _blank_sheet()
    if request.method == "POST":
        values = request.POST.dict()
        values.pop("csrfmiddlewaretoken", None)
        step = values.pop("step", "")
        if step:
            _apply_step(values, step)
        else:
            try:
                result = submit_flow_count({**values, "point": point}, source=Source.TALLY,
                                           user=user)  # fmt: skip
            except Conflict as exc:
                errors = {"__all__": exc.messages}
            except ValidationError as exc:
                errors = exc.message_dict
            else:
                if result.created:
                    messages.success(request, _("Shift saved: %(n)d people.")
                                     % {"n": result.obj.individuals})  # fmt: skip
                else:
                    messages.info(
                        request, _("This shift was already saved; nothing counted twice.")
                    )
                return redirect("dtm_tally", uuid=point.uuid)
    template = "dtm/_tally_form.html" if request.headers.get("HX-Request") else "dtm/tally.html"
    return render(request, template, {
        "point": point,
        "values": values,
        "errors": errors,
        "rows": _tally_rows(point),
        "directions": Direction.choices,
        "flow_types": [(code, FlowType(code).label) for code in FLOW_TYPES_ASKED],
        "recent": selectors.recent_counts(user=user, point=point, limit=5),
    })  # fmt: skip


@dtm_perm_required
def count_void(request: AuthenticatedRequest, uuid: uuid_lib.UUID) -> HttpResponse:
    """Asks first (GET, or a POST without `confirm`: works without JavaScript), then takes
    the sheet out of every figure; a voided sheet's page offers the undo for a while."""
    user = request.user
    count = selectors.get_dtm_for_user(user, FlowCount, uuid)
    may_void = services.flow_count_may_void(user, count)
    if request.method == "POST" and request.POST.get("confirm"):
        services.flow_count_void(actor=user, count=count)
        done = _(
            "The sheet no longer counts in any figure. You can undo this for %(minutes)d minutes."
        )
        messages.success(request, done % {"minutes": UNDO_MINUTES})
        return redirect("dtm_point", uuid=count.point.uuid)
    return render(request, "dtm/count_void.html", {
        "count": count,
        "may_void": may_void,
        "minutes": UNDO_MINUTES,
        "undo_until": undo_until(count.voided_at) if may_void else None,
    })  # fmt: skip


@require_POST
@dtm_perm_required
def count_void_undo(request: AuthenticatedRequest, uuid: uuid_lib.UUID) -> HttpResponse:
    user = request.user
    count = selectors.get_dtm_for_user(user, FlowCount, uuid)
    try:
        services.flow_count_void_undo(actor=user, count=count)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("Undone: the sheet counts again."))
    return redirect("dtm_point", uuid=count.point.uuid)


# --- collective sites --------------------------------------------------------------------


@dtm_perm_required
def sites(request: AuthenticatedRequest) -> HttpResponse:
    user = request.user
    return render(request, "dtm/sites.html", {
        "sites": selectors.sites_for_user(user=user),
        "can_manage": policies.has_perm(user, Perm.DTM_ANALYSE),
    })  # fmt: skip


@perm_required(Perm.DTM_ANALYSE)
def site_new(request: AuthenticatedRequest) -> HttpResponse:
    ctx = request.context
    form = SiteForm(posted(request), countries=_org_countries(request))
    if request.method == "POST" and form.is_valid():
        site = form.save(commit=False)
        site.organization = ctx.organization
        if _saved(request, form, obj=site):
            messages.success(request, _("Site saved."))
            return redirect("dtm_sites")
    return render(request, "dtm/form.html", {"form": form, "title": _("New collective site")})


@perm_required(Perm.DTM_ANALYSE)
def site_edit(request: AuthenticatedRequest, uuid: uuid_lib.UUID) -> HttpResponse:
    site = policies.get_for_user(request.user, CollectiveSite, uuid)
    form = SiteForm(posted(request), instance=site,
                    countries=site.organization.countries.all())  # fmt: skip
    if request.method == "POST" and form.is_valid():
        if _saved(request, form, obj=form.save(commit=False)):
            messages.success(request, _("Site saved."))
            return redirect("dtm_sites")
    return render(request, "dtm/form.html", {"form": form, "title": site.name})
