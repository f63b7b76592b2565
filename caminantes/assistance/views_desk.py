"""Distribution pages: the plans, one plan with its distribution list, the desk where kits
are handed over, and a household's QR card. Thin: reads through `assistance.distribution`,
writes through `assistance.services_distribution`.

The desk works without JavaScript (the forms post here); with it, `desk.js` keeps the day's
list on the device and sends handovers through the API, queued while the link is down.
"""

from __future__ import annotations

import base64
from io import BytesIO
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from caminantes.accounts.context import AuthenticatedRequest
from caminantes.accounts.decorators import perm_required
from caminantes.accounts.permissions import Perm
from caminantes.assistance import distribution as reads
from caminantes.assistance import selectors
from caminantes.assistance import services_distribution as sd
from caminantes.assistance.forms_distribution import HandoverForm, PlanEditForm, PlanForm
from caminantes.assistance.models import DistributionPlan
from caminantes.lib.form_errors import apply_errors, posted
from caminantes.registry import selectors as registry
from caminantes.registry.models import PopulationType, SpecificNeed


@perm_required(Perm.DISTRIBUTE)
def plans(request: AuthenticatedRequest) -> HttpResponse:
    warehouses = selectors.warehouses_for_user(user=request.user).filter(is_active=True)
    form = PlanForm(posted(request), warehouses=warehouses)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            plan = sd.plan_create(
                actor=request.user, warehouse=d["warehouse"], site=d["site"], kit=d["kit"],
                name=d["name"], starts_on=d["starts_on"], ends_on=d["ends_on"],
                population_types=d["population_types"], specific_needs=d["specific_needs"],
                min_household_size=d["min_household_size"],
                max_household_size=d["max_household_size"], area=d["area"],
                interval_days=d["interval_days"], daily_cap=d["daily_cap"],
                bands=[sd.Band(1, d["small_upto"], d["small_kits"]),
                       sd.Band(d["small_upto"] + 1, None, d["large_kits"])],
                status=DistributionPlan.Status.OPEN if d["open_now"]
                else DistributionPlan.Status.DRAFT,
            )  # fmt: skip
        except ValidationError as exc:
            apply_errors(exc, form)
        else:
            messages.success(request, _("Distribution plan created."))
            return redirect("assistance_plan", plan.uuid)
    return render(request, "assistance/plans.html", {
        "plans": reads.plans_for_user(user=request.user), "form": form,
        "has_warehouse": warehouses.exists(),
    })  # fmt: skip


@perm_required(Perm.DISTRIBUTE)
def plan_detail(request: AuthenticatedRequest, uuid: Any) -> HttpResponse:
    plan = reads.get_plan_for_user(user=request.user, uuid=uuid)
    page = Paginator(reads.distribution_list(user=request.user, plan=plan), 50).get_page(
        request.GET.get("page")
    )
    rows = reads.standings(user=request.user, plan=plan, households=list(page.object_list))
    return render(request, "assistance/plan.html", {
        "plan": plan, "page": page, "rows": rows, "bands": reads.bands_of(plan),
        "served_today": reads.served_today(plan), "statuses": DistributionPlan.Status,
        "population_labels": [PopulationType(v).label for v in plan.population_types
                              if v in PopulationType.values],
        "need_labels": [SpecificNeed(v).label for v in plan.specific_needs
                        if v in SpecificNeed.values],
    })  # fmt: skip


@perm_required(Perm.DISTRIBUTE)
def plan_edit(request: AuthenticatedRequest, uuid: Any) -> HttpResponse:
    """Correct a plan's rules: the create form, filled with the plan's values."""
    plan = reads.get_plan_for_user(user=request.user, uuid=uuid)
    warehouses = selectors.warehouses_for_user(user=request.user).filter(
        organization=plan.organization_id, country=plan.country_id
    )
    bands = list(reads.bands_of(plan))
    form = PlanEditForm(posted(request), warehouses=warehouses, plan=plan, bands=bands)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        fields = {k: d[k] for k in sd.EDITABLE}
        if form.bands_changed():
            fields["bands"] = [sd.Band(1, d["small_upto"], d["small_kits"]),
                               sd.Band(d["small_upto"] + 1, None, d["large_kits"])]  # fmt: skip
        try:
            sd.plan_update(actor=request.user, plan=plan, **fields)
        except ValidationError as exc:
            apply_errors(exc, form)
        else:
            messages.success(request, _("The plan was saved."))
            return redirect("assistance_plan", plan.uuid)
    return render(request, "assistance/plan_edit.html", {"plan": plan, "form": form})


@perm_required(Perm.DISTRIBUTE)
@require_POST
def plan_status(request: AuthenticatedRequest, uuid: Any) -> HttpResponse:
    plan = reads.get_plan_for_user(user=request.user, uuid=uuid)
    status = request.POST.get("status", "")
    try:
        sd.plan_set_status(actor=request.user, plan=plan, status=status)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("The plan's status was changed."))
    return redirect("assistance_plan", plan.uuid)


def _desk_context(request: AuthenticatedRequest, plan: DistributionPlan,
                  form: HandoverForm | None = None) -> dict[str, Any]:  # fmt: skip
    query = request.GET.get("q", "").strip()[:200]
    context: dict[str, Any] = {
        "plan": plan, "query": query, "served_today": reads.served_today(plan),
        "results": [], "household": None, "form": form,
        "api_plan": reverse("api:distribution_plan", kwargs={"uuid": plan.uuid}),
    }  # fmt: skip
    if query:
        found = reads.find_households(user=request.user, plan=plan, text=query)
        context["results"] = reads.standings(user=request.user, plan=plan, households=[
            h for h in reads.eligible(plan, registry.households_for_user(user=request.user))
            .filter(pk__in=[f.pk for f in found]).select_related("focal_point")
        ]) if found else []  # fmt: skip
        context["outside"] = [
            h for h in found if h.pk not in {e.household.pk for e in context["results"]}
        ]
        if len(found) == 1 and not form:
            return _with_household(request, plan, found[0], context)
    chosen = request.GET.get("household") or (form.data.get("household") if form else None)
    if chosen:
        household = reads.get_household(user=request.user, plan=plan, uuid=chosen)
        return _with_household(request, plan, household, context, form)
    return context


def _with_household(request: AuthenticatedRequest, plan: DistributionPlan, household: Any,
                    context: dict[str, Any], form: HandoverForm | None = None,
                    ) -> dict[str, Any]:  # fmt: skip
    if household.organization_id != plan.organization_id or (
        household.country_id != plan.country_id
    ):
        raise Http404
    members = reads.members(household)
    context.update({
        "household": household, "members": members,
        "entitlement": reads.entitlement(plan, household),
        "past": reads.handovers_of(household)[:10],
        "form": form or HandoverForm(initial={"household": household.uuid}, members=members),
    })  # fmt: skip
    return context


@perm_required(Perm.DISTRIBUTE)
def desk(request: AuthenticatedRequest, uuid: Any) -> HttpResponse:
    plan = reads.get_plan_for_user(user=request.user, uuid=uuid)
    return render(request, "assistance/desk.html", _desk_context(request, plan))


@perm_required(Perm.DISTRIBUTE)
@require_POST
def desk_handover(request: AuthenticatedRequest, uuid: Any) -> HttpResponse:
    plan = reads.get_plan_for_user(user=request.user, uuid=uuid)
    try:
        household = reads.get_household(user=request.user, plan=plan,
                                        uuid=request.POST.get("household", ""))  # fmt: skip
    except ValidationError as exc:
        raise Http404 from exc
    form = HandoverForm(request.POST, members=reads.members(household))
    if form.is_valid():
        try:
            result = sd.handover_record(
                actor=request.user, plan=plan, household=household,
                request_id=form.cleaned_data["request_id"], collected_by=form.collector(),
                proxy_name=form.cleaned_data["proxy_name"],
                proxy_consent=form.cleaned_data["proxy_consent"],
            )  # fmt: skip
        except ValidationError as exc:
            apply_errors(exc, form)
        else:
            if result.replayed:
                messages.info(request, _("This handover was already recorded."))
            else:
                messages.success(request, _("Handed over: %(n)s kit(s).")
                                 % {"n": result.handover.quantity})  # fmt: skip
            return redirect(f"{reverse('assistance_desk', args=[plan.uuid])}"
                            f"?household={household.uuid}")  # fmt: skip
    return render(request, "assistance/desk.html", _desk_context(request, plan, form),
                  status=200)  # fmt: skip


# --- the QR card ----------------------------------------------------------------------


# The card's layout (a credit-card size page); given to WeasyPrint, never served to a browser.
CARD_CSS = """
@page { size: 85.6mm 54mm; margin: 4mm; }
body { font-family: sans-serif; font-size: 9pt; margin: 0; }
.card { display: flex; gap: 4mm; align-items: center; }
.qr { width: 40mm; height: 40mm; }
h1 { font-size: 11pt; margin: 0 0 2mm; }
p { margin: 0 0 1mm; }
.code { font-family: monospace; font-size: 14pt; letter-spacing: 1px; }
.small { color: #555; font-size: 7pt; }
"""


def qr_svg(data: str) -> str:
    import qrcode
    import qrcode.image.svg

    image = qrcode.make(data, image_factory=qrcode.image.svg.SvgPathImage, box_size=10)
    buffer = BytesIO()
    image.save(buffer)
    return buffer.getvalue().decode()


@perm_required(Perm.VIEW_PERSONAL_DATA)
def household_card(request: AuthenticatedRequest, uuid: Any) -> HttpResponse:
    """The household's card as a PDF: focal point, code, and a QR code of its public id."""
    from weasyprint import CSS, HTML

    household = registry.household_detail(user=request.user, uuid=uuid)
    reprint = request.GET.get("reprint") == "1"
    svg = qr_svg(str(household.uuid))
    html = render_to_string("assistance/card.html", {
        "household": household, "reprint": reprint, "printed_on": timezone.localdate(),
        "qr": "data:image/svg+xml;base64," + base64.b64encode(svg.encode()).decode(),
        "size": len(reads.members(household)),
    }, request=request)  # fmt: skip
    pdf = HTML(string=html).write_pdf(stylesheets=[CSS(string=CARD_CSS)])
    sd.card_printed(actor=request.user, household=household, reprint=reprint)
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="tarjeta-{household.code}.pdf"'
    return response
