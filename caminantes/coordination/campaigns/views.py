"""Campaign pages: the list, a campaign's form and page (activities, reach, perception
indicator with its before/after chart, materials), an activity's form, a survey round's
form, a material's upload and download. Thin: reads through `selectors`, writes through
`services`."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from caminantes.accounts.context import AuthenticatedRequest
from caminantes.accounts.decorators import perm_required
from caminantes.accounts.permissions import Perm
from caminantes.audit import actions
from caminantes.audit.log import log
from caminantes.coordination.campaigns import forms, selectors, services
from caminantes.coordination.campaigns.models import INDICATORS, Activity, Campaign
from caminantes.geo.models import Country
from caminantes.lib import charts
from caminantes.lib.form_errors import apply_errors, posted

CAMPAIGN_FIELDS = ("title", "objective", "audience", "themes", "languages", "channels",
                   "start_on", "end_on", "areas", "partners", "statements", "count_in_5w",
                   "indicator_5w")  # fmt: skip
ACTIVITY_FIELDS = ("date", "channel", "area", "population_type", "description", "women",
                   "men", "girls", "boys", "unknown", "audience_estimate")  # fmt: skip


def _countries(request: AuthenticatedRequest) -> Any:
    org = request.context.organization
    if org is None:
        return Country.objects.none()
    ids = [c.pk for c in request.context.countries
           if services.may_manage(request.user, org.pk, c.pk)]  # fmt: skip
    return Country.objects.filter(pk__in=ids).order_by("iso2")


@perm_required(Perm.MANAGE_CAMPAIGNS)
def campaign_list(request: AuthenticatedRequest) -> HttpResponse:
    found = selectors.campaigns_for(request.user)
    if request.context.country is not None:
        found = found.filter(country=request.context.country)
    return render(request, "campaigns/list.html", {
        "campaigns": found[:200], "can_add": _countries(request).exists(),
    })  # fmt: skip


@perm_required(Perm.MANAGE_CAMPAIGNS)
def campaign_new(request: AuthenticatedRequest) -> HttpResponse:
    organization = request.context.organization
    countries = _countries(request)
    form = forms.CampaignForm(posted(request), countries=countries)
    if request.method == "POST" and form.is_valid() and organization is not None:
        d = form.cleaned_data
        try:
            campaign = services.campaign_create(
                actor=request.user, organization=organization, country=d["country"],
                **{k: d.get(k) for k in CAMPAIGN_FIELDS},
            )  # fmt: skip
        except ValidationError as exc:
            apply_errors(exc, form)
        else:
            messages.success(request, _("Campaign saved."))
            return redirect("campaigns_detail", campaign.uuid)
    return render(request, "campaigns/campaign_form.html", {
        "form": form, "campaign": None, "has_countries": countries.exists(),
    })  # fmt: skip


@perm_required(Perm.MANAGE_CAMPAIGNS)
def campaign_edit(request: AuthenticatedRequest, uuid: Any) -> HttpResponse:
    campaign = selectors.campaign_for(request.user, uuid)
    initial: dict[str, Any] = {k: getattr(campaign, k) for k in CAMPAIGN_FIELDS
                               if k not in ("areas", "partners")}  # fmt: skip
    initial["areas"] = list(campaign.areas.all())
    initial["partners"] = list(campaign.partners.all())
    form = forms.CampaignForm(posted(request), initial=initial, editing=campaign,
                              countries=Country.objects.filter(pk=campaign.country_id))  # fmt: skip
    if request.method == "POST" and form.is_valid():
        try:
            values = {k: form.cleaned_data.get(k) for k in CAMPAIGN_FIELDS}
            services.campaign_update(actor=request.user, campaign=campaign, **values)
        except ValidationError as exc:
            apply_errors(exc, form)
        else:
            messages.success(request, _("Campaign saved."))
            return redirect("campaigns_detail", campaign.uuid)
    return render(request, "campaigns/campaign_form.html", {
        "form": form, "campaign": campaign, "has_countries": True,
    })  # fmt: skip


def perception_chart(campaign: Campaign) -> tuple[Any, Any]:
    found = selectors.perception(campaign)
    items = [(str(_("Before")), found.before), (str(_("After")), found.after)]
    chart = charts.bar_chart(
        _("Share agreeing with xenophobic statements"),
        [(k, v) for k, v in items if v is not None], percent=True,
        value_header=_("Agreeing"), label_header=_("Survey"),
        empty_message=_("No perception survey yet."),
    )  # fmt: skip
    return found, chart


@perm_required(Perm.MANAGE_CAMPAIGNS)
def campaign_detail(request: AuthenticatedRequest, uuid: Any) -> HttpResponse:
    campaign = selectors.campaign_for(request.user, uuid)
    found, chart = perception_chart(campaign)
    return render(request, "campaigns/detail.html", {
        "campaign": campaign, "activities": selectors.activities_of(campaign),
        "surveys": selectors.surveys_of(campaign), "perception": found, "chart": chart,
        "reach": selectors.reach(campaign), "materials": campaign.materials.all(),
        "indicator": INDICATORS.get(campaign.indicator_5w, ""),
        "areas": campaign.areas.all(), "partners": campaign.partners.all(),
    })  # fmt: skip


def _activity_page(
    request: AuthenticatedRequest, campaign: Campaign, activity: Activity | None
) -> HttpResponse:
    initial: dict[str, Any] = {"date": timezone.localdate()}
    if activity is not None:
        initial = {k: getattr(activity, k) for k in ACTIVITY_FIELDS}
    form = forms.ActivityForm(posted(request), campaign=campaign, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            values = {k: form.cleaned_data.get(k) for k in ACTIVITY_FIELDS}
            services.activity_save(
                actor=request.user, campaign=campaign, activity=activity, **values
            )
        except ValidationError as exc:
            apply_errors(exc, form)
        else:
            messages.success(request, _("Activity saved."))
            return redirect("campaigns_detail", campaign.uuid)
    return render(request, "campaigns/activity_form.html", {
        "form": form, "campaign": campaign, "activity": activity,
    })  # fmt: skip


@perm_required(Perm.MANAGE_CAMPAIGNS)
def activity_new(request: AuthenticatedRequest, uuid: Any) -> HttpResponse:
    return _activity_page(request, selectors.campaign_for(request.user, uuid), None)


@perm_required(Perm.MANAGE_CAMPAIGNS)
def activity_edit(request: AuthenticatedRequest, uuid: Any) -> HttpResponse:
    activity = selectors.activity_for(request.user, uuid)
    return _activity_page(request, activity.campaign, activity)


@perm_required(Perm.MANAGE_CAMPAIGNS)
def survey_new(request: AuthenticatedRequest, uuid: Any) -> HttpResponse:
    campaign = selectors.campaign_for(request.user, uuid)
    statements = campaign.statement_list
    form = forms.SurveyForm(posted(request), statements=statements,
                            initial={"date": timezone.localdate()})  # fmt: skip
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            services.survey_add(
                actor=request.user, campaign=campaign, surveyed_on=d["date"], phase=d["phase"],
                sample_size=d["sample_size"],
                agreeing=[d.get(f"agreeing_{i}") for i in range(len(statements))],
            )  # fmt: skip
        except ValidationError as exc:
            apply_errors(exc, form)
        else:
            messages.success(request, _("Survey round saved."))
            return redirect("campaigns_detail", campaign.uuid)
    return render(request, "campaigns/survey_form.html", {
        "form": form, "campaign": campaign, "statements": statements,
    })  # fmt: skip


@perm_required(Perm.MANAGE_CAMPAIGNS)
def material_new(request: AuthenticatedRequest, uuid: Any) -> HttpResponse:
    campaign = selectors.campaign_for(request.user, uuid)
    form = forms.MaterialForm(posted(request), request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.material_upload(actor=request.user, campaign=campaign,
                                     title=form.cleaned_data["title"],
                                     upload=form.cleaned_data["file"])  # fmt: skip
        except ValidationError as exc:
            apply_errors(exc, form)
        else:
            messages.success(request, _("Material saved."))
            return redirect("campaigns_detail", campaign.uuid)
    return render(request, "campaigns/material_form.html", {"form": form, "campaign": campaign})


@perm_required(Perm.MANAGE_CAMPAIGNS)
def material_download(request: AuthenticatedRequest, uuid: Any) -> FileResponse:
    material = selectors.material_for(request.user, uuid)
    try:
        handle = material.file.open("rb")
    except (FileNotFoundError, OSError) as exc:
        raise Http404 from exc
    log(request.user, actions.VIEW, material, organization=material.campaign.organization)
    response = FileResponse(handle, as_attachment=True, filename=material.original_name,
                            content_type=material.content_type)  # fmt: skip
    response["X-Content-Type-Options"] = "nosniff"
    return response
