"""Directory and referral pages: the directory search (every member), the public page per
country (no login, nothing personal), a service's form, referring a household member, my
sent referrals, the organisation's inbox and a referral with its steps. Thin: reads through
`selectors`, writes through `services`."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from caminantes.accounts.context import AuthenticatedRequest
from caminantes.accounts.decorators import perm_required
from caminantes.accounts.permissions import Perm
from caminantes.assistance.referrals import forms, notices, selectors, services
from caminantes.assistance.referrals.models import Status
from caminantes.geo.models import Country
from caminantes.lib.form_errors import apply_errors, posted
from caminantes.registry import selectors as registry
from caminantes.registry.models import Household


def _managed_countries(request: AuthenticatedRequest) -> Any:
    org = request.context.organization
    if org is None:
        return Country.objects.none()
    ids = [c.pk for c in org.countries.all() if services.may_manage(request.user, org.pk, c.pk)]
    return Country.objects.filter(pk__in=ids).order_by("iso2")


@login_required
def directory(request: AuthenticatedRequest) -> HttpResponse:
    form = forms.SearchForm(request.GET or None)
    found = selectors.directory(user=request.user)
    if form.is_bound and form.is_valid():
        d = form.cleaned_data
        found = selectors.directory(user=request.user, country=d["country"], area=d["area"],
                                    type=d["type"], text=d["q"])  # fmt: skip
    managed = set(selectors.services_to_manage(user=request.user).values_list("pk", flat=True))
    return render(request, "referrals/directory.html", {
        "form": form, "services": found[:200], "managed": managed,
        "can_add": _managed_countries(request).exists(),
    })  # fmt: skip


def public_directory(request: Any, iso: str) -> HttpResponse:
    """Open to anyone, for community use: active services of one country, no one's data."""
    country = Country.objects.filter(iso2=iso.upper()[:2]).first()
    if country is None or len(iso) != 2:
        raise Http404
    return render(request, "referrals/public.html", {
        "country": country, "services": selectors.public_directory(country=country),
    })  # fmt: skip


def _service_values(d: dict[str, Any]) -> dict[str, Any]:
    keys = ("name", "type", "sector", "admin_area", "address", "hours", "contact",
            "eligibility", "languages", "capacity", "accepts_referrals", "referral_fields",
            "is_active")  # fmt: skip
    return {k: d.get(k) for k in keys}


@perm_required(Perm.REFER, Perm.MANAGE_MEMBERS)
def service_new(request: AuthenticatedRequest) -> HttpResponse:
    organization = request.context.organization
    if organization is None:
        raise PermissionDenied
    countries = _managed_countries(request)
    form = forms.ServiceForm(posted(request), countries=countries)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            services.service_create(actor=request.user, organization=organization,
                                    country=d["country"], **_service_values(d))  # fmt: skip
        except ValidationError as exc:
            apply_errors(exc, form)
        else:
            messages.success(request, _("Service added to the directory."))
            return redirect("referrals_directory")
    return render(
        request,
        "referrals/service_form.html",
        {"form": form, "service": None, "has_countries": countries.exists()},
    )


@perm_required(Perm.REFER, Perm.MANAGE_MEMBERS)
def service_edit(request: AuthenticatedRequest, uuid: Any) -> HttpResponse:
    service = selectors.get_service_to_manage(user=request.user, uuid=uuid)
    countries = Country.objects.filter(pk=service.country_id)
    initial = {k: getattr(service, k) for k in _service_values({})}
    form = forms.ServiceForm(posted(request), initial=initial, countries=countries, editing=True)
    if request.method == "POST" and form.is_valid():
        try:
            services.service_update(actor=request.user, service=service,
                                    **_service_values(form.cleaned_data))  # fmt: skip
        except ValidationError as exc:
            apply_errors(exc, form)
        else:
            messages.success(request, _("Service saved."))
            return redirect("referrals_directory")
    return render(request, "referrals/service_form.html", {"form": form, "service": service,
                                                           "has_countries": True})  # fmt: skip


@perm_required(Perm.REFER)
def refer(request: AuthenticatedRequest, uuid: Any) -> HttpResponse:
    household: Household = registry.household_detail(user=request.user, uuid=uuid)
    if not services.may_refer(request.user, household):
        raise PermissionDenied
    # The names only: the member's documents, nationalities and consents are not shown here.
    people = registry.members_of(household).prefetch_related(None).order_by("pk")
    available = selectors.directory(user=request.user, country=household.country,
                                    referrable=True)  # fmt: skip
    initial: dict[str, Any] = {}
    wanted = request.GET.get("person", "")
    chosen = next((p for p in people if str(p.uuid) == wanted), None)
    if chosen is not None:
        initial["person"] = chosen.uuid
    form = forms.ReferralForm(posted(request), services=available, people=people,
                              initial=initial)  # fmt: skip
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            result = services.referral_create(
                actor=request.user, service=d["service"], household=household,
                person=d["person"], reason=d["reason"], urgent=d["urgent"], due_on=d["due_on"],
                request_id=d["request_id"],
            )  # fmt: skip
        except ValidationError as exc:
            apply_errors(exc, form)
        else:
            messages.success(request, _("Referral sent."))
            return redirect("referrals_detail", result.referral.uuid)
    return render(request, "referrals/refer.html", {
        "household": household, "form": form, "services": available,
    })  # fmt: skip


# Rows per page of a list: a phone's worth, and the page costs the same with 200,000 open
# referrals (the first rows come off the inbox index; the count is index-only).
PER_PAGE = 50


def _page(request: AuthenticatedRequest, qs: Any) -> Any:
    """The page asked for (?page=); a wrong or empty number gives the first or last one."""
    return Paginator(selectors.for_list(qs), PER_PAGE).get_page(request.GET.get("page"))


@perm_required(Perm.REFER)
def sent(request: AuthenticatedRequest) -> HttpResponse:
    return render(request, "referrals/sent.html", {
        "referrals": _page(request, selectors.sent(user=request.user)),
        "notices": selectors.notices(user=request.user)[:50],
    })  # fmt: skip


@perm_required(Perm.REFER)
def inbox(request: AuthenticatedRequest) -> HttpResponse:
    status = request.GET.get("status", "")
    if status not in Status.values:
        status = ""
    return render(request, "referrals/inbox.html", {
        "referrals": _page(request, selectors.inbox(user=request.user, status=status,
                                                    open_only=not status)),
        "status": status, "statuses": Status.choices,
        "query": f"status={status}&" if status else "",
    })  # fmt: skip


def _detail(request: AuthenticatedRequest, uuid: Any, form: Any = None) -> HttpResponse:
    referral = selectors.get_referral_for_user(user=request.user, uuid=uuid)
    steps = services.allowed_steps(request.user, referral)
    if form is None and steps:
        form = forms.StatusForm()
    if form is not None:
        form.fields["status"].choices = [(s, Status(s).label) for s in steps]
    return render(request, "referrals/detail.html", {
        "referral": referral, "fields": selectors.snapshot(user=request.user, referral=referral),
        "events": selectors.events(referral), "form": form if steps else None,
        "household": selectors.household_if_visible(user=request.user, referral=referral),
        "sides": services.sides(request.user, referral),
    })  # fmt: skip


@perm_required(Perm.REFER)
def detail(request: AuthenticatedRequest, uuid: Any) -> HttpResponse:
    return _detail(request, uuid)


@require_POST
@perm_required(Perm.REFER)
def change_status(request: AuthenticatedRequest, uuid: Any) -> HttpResponse:
    referral = selectors.get_referral_for_user(user=request.user, uuid=uuid)
    form = forms.StatusForm(posted(request))
    if form.is_valid():
        d = form.cleaned_data
        try:
            services.referral_set_status(
                actor=request.user,
                referral=referral,
                status=d["status"],
                note=d["note"],
                reason=d["reason"],
            )
        except ValidationError as exc:
            apply_errors(exc, form)
        else:
            messages.success(request, _("Referral updated."))
            return redirect("referrals_detail", referral.uuid)
    return _detail(request, uuid, form)


@require_POST
@login_required
def notices_read(request: AuthenticatedRequest) -> HttpResponse:
    notices.mark_read(user=request.user)
    return redirect("referrals_sent")
