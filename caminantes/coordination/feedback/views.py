"""Feedback and complaints pages: the list, the intake form, an item with its steps, the
dashboard and the CSV export. Every answer carries `Cache-Control: no-store` (error pages
included): a sensitive complaint must not stay in a shared phone's cache. Thin: reads through
`selectors`, writes through `services`.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse, StreamingHttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import get_resolver
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from caminantes.accounts import policies
from caminantes.accounts.context import AuthenticatedRequest
from caminantes.accounts.decorators import perm_required
from caminantes.accounts.permissions import Perm
from caminantes.audit import actions
from caminantes.audit.log import log
from caminantes.coordination.feedback import forms, selectors, services
from caminantes.coordination.feedback.models import FeedbackItem, Status
from caminantes.coordination.feedback.policies import is_focal_point, may_handle, subject
from caminantes.geo.models import Country
from caminantes.lib import charts
from caminantes.lib.form_errors import apply_errors, posted
from caminantes.lib.tables import csv_stream
from caminantes.registry import selectors as registry

View = Callable[..., HttpResponseBase]


def no_store(response: HttpResponseBase) -> HttpResponseBase:
    response["Cache-Control"] = "no-store, private, max-age=0"
    response["Pragma"] = "no-cache"
    return response


def _error_page(status: int) -> Callable[..., HttpResponseBase]:
    """The site's own 403/404 page, so a hidden item answers exactly as a missing one."""
    handler: Callable[..., HttpResponseBase] = get_resolver().resolve_error_handler(status)
    return handler


def feedback_page(view: View) -> View:
    """HANDLE_FEEDBACK (403 otherwise), the site's own 404 for a hidden item (exactly as for
    a missing one), and no-store on every answer."""
    inner = perm_required(Perm.HANDLE_FEEDBACK)(view)

    @wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        try:
            response = inner(request, *args, **kwargs)
        except Http404 as exc:
            response = _error_page(404)(request, exception=exc)
        except PermissionDenied as exc:
            response = _error_page(403)(request, exception=exc)
        return no_store(response)

    return wrapped


def _intake_countries(request: AuthenticatedRequest) -> Any:
    org = request.context.organization
    if org is None:
        return Country.objects.none()
    ids = [
        c.pk for c in request.context.countries
        if policies.has_perm(request.user, Perm.HANDLE_FEEDBACK, organization_id=org.pk,
                             country_id=c.pk)
    ]  # fmt: skip
    if request.context.country is not None:
        ids = [i for i in ids if i == request.context.country.pk]
    return Country.objects.filter(pk__in=ids).order_by("iso2")


def _scoped(request: AuthenticatedRequest) -> Any:
    """The user's items, narrowed to the switcher's organisation and country."""
    items = selectors.items_for(request.user)
    ctx = request.context
    if ctx.organization is not None:
        items = items.filter(organization=ctx.organization)
    if ctx.country is not None:
        items = items.filter(country=ctx.country)
    return items


@feedback_page
def item_list(request: AuthenticatedRequest) -> HttpResponse:
    form = forms.FilterForm(request.GET or None)
    items = _scoped(request)
    if form.is_bound and form.is_valid():
        d = form.cleaned_data
        items = selectors.filtered(items, status=d["status"], category=d["category"],
                                   channel=d["channel"], overdue=d["overdue"])  # fmt: skip
    shown = list(items.order_by("-received_on", "-id")[:200])
    selectors.record_list(request.user, shown)
    return render(request, "feedback/list.html", {
        "form": form, "items": shown, "today": timezone.localdate(),
        "can_record": _intake_countries(request).exists(),
    })  # fmt: skip


@feedback_page
def intake(request: AuthenticatedRequest) -> HttpResponse:
    countries = _intake_countries(request)
    initial = {"received_on": timezone.localdate()}
    if countries.count() == 1:
        initial["country"] = countries.first()
    form = forms.IntakeForm(posted(request), countries=countries, initial=initial)
    organization = request.context.organization
    if request.method == "POST" and form.is_valid() and organization is not None:
        d = form.cleaned_data
        household = None
        if d["household"]:
            found = registry.households_by_code(
                registry.households_for_user(user=request.user), d["household"]
            ).filter(organization=organization, country=d["country"])
            household = found.first()
            if household is None:
                form.add_error("household", _("No household with this code that you may see."))
        if not form.errors:
            try:
                item = services.feedback_create(
                    actor=request.user, organization=organization, country=d["country"],
                    channel=d["channel"], category=d["category"], received_on=d["received_on"],
                    description=d["description"], anonymous=d["anonymous"], name=d["name"],
                    contact=d["contact"], contact_consent=d["contact_consent"],
                    household=household, admin_area=d["admin_area"],
                )  # fmt: skip
            except ValidationError as exc:
                apply_errors(exc, form)
            else:
                return _after_intake(request, item)
    return render(request, "feedback/intake.html", {"form": form, "has_countries":
                                                    countries.exists()})  # fmt: skip


def _after_intake(request: AuthenticatedRequest, item: FeedbackItem) -> HttpResponse:
    if item.sensitive and not is_focal_point(request.user, item.organization_id, item.country_id):
        messages.success(request, _(
            "Recorded with reference %(ref)s and transmitted to the focal point. For the "
            "person's safety it no longer appears in your lists. Give them the reference."
        ) % {"ref": item.reference})  # fmt: skip
        return redirect("feedback_list")
    messages.success(request, _("Recorded with reference %(ref)s.") % {"ref": item.reference})
    return redirect("feedback_detail", item.uuid)


@feedback_page
def detail(request: AuthenticatedRequest, uuid: Any) -> HttpResponse:
    item = selectors.item_for(request.user, uuid)
    handler = may_handle(request.user, item)
    household = None
    if item.household_id is not None:
        household = (
            registry.households_for_user(user=request.user).filter(pk=item.household_id).first()
        )
    today = timezone.localdate()
    return render(request, "feedback/detail.html", {
        "item": item, "handler": handler, "household": household,
        "overdue": item.overdue_on(today),
        "respond_form": forms.RespondForm(initial={"responded_on": today})
        if handler and item.status != Status.CLOSED else None,
        "close_form": forms.CloseForm(initial={"reach_on": today})
        if handler and item.status == Status.RESPONDED else None,
        "category_form": forms.CategoryForm(initial={"category": item.category})
        if handler and item.status != Status.CLOSED else None,
        "trail": selectors.trail(item) if item.sensitive else None,
    })  # fmt: skip


def _step(
    request: AuthenticatedRequest, uuid: Any, form_class: Any, name: str,
    write: Callable[[FeedbackItem, dict[str, Any]], FeedbackItem],
) -> HttpResponse:  # fmt: skip
    """A step posted from the item page: its errors shown on the item page, never a 500."""
    item = selectors.item_for(request.user, uuid, audit=False)
    form = form_class(request.POST)
    if form.is_valid():
        try:
            updated = write(item, form.cleaned_data)
        except ValidationError as exc:
            apply_errors(exc, form)
        else:
            if updated.sensitive and not may_handle(request.user, updated):
                messages.success(request, _(
                    "Reference %(ref)s was transmitted to the focal point and no longer "
                    "appears in your lists."
                ) % {"ref": updated.reference})  # fmt: skip
                return redirect("feedback_list")
            messages.success(request, _("Saved."))
            return redirect("feedback_detail", item.uuid)
    today = timezone.localdate()
    context: dict[str, Any] = {
        "item": item, "handler": True, "overdue": item.overdue_on(today),
        "respond_form": forms.RespondForm(initial={"responded_on": today}),
        "close_form": forms.CloseForm(initial={"reach_on": today})
        if item.status == Status.RESPONDED else None,
        "category_form": forms.CategoryForm(initial={"category": item.category}),
        "trail": selectors.trail(item) if item.sensitive else None,
    }  # fmt: skip
    context[name] = form
    return render(request, "feedback/detail.html", context, status=400)


@require_POST
@feedback_page
def take(request: AuthenticatedRequest, uuid: Any) -> HttpResponse:
    item = selectors.item_for(request.user, uuid, audit=False)
    services.feedback_take(actor=request.user, item=item)
    messages.success(request, _("Taken in charge."))
    return redirect("feedback_detail", item.uuid)


@require_POST
@feedback_page
def respond(request: AuthenticatedRequest, uuid: Any) -> HttpResponse:
    return _step(request, uuid, forms.RespondForm, "respond_form", lambda item, d: (
        services.feedback_respond(actor=request.user, item=item, response=d["response"],
                                  responded_on=d["responded_on"])
    ))  # fmt: skip


@require_POST
@feedback_page
def close(request: AuthenticatedRequest, uuid: Any) -> HttpResponse:
    return _step(request, uuid, forms.CloseForm, "close_form", lambda item, d: (
        services.feedback_close(actor=request.user, item=item, reach=d["reach"],
                                on=d["reach_on"], channel=d["reach_channel"])
    ))  # fmt: skip


@require_POST
@feedback_page
def recategorise(request: AuthenticatedRequest, uuid: Any) -> HttpResponse:
    return _step(request, uuid, forms.CategoryForm, "category_form", lambda item, d: (
        services.feedback_recategorise(actor=request.user, item=item, category=d["category"])
    ))  # fmt: skip


@feedback_page
def dashboard(request: AuthenticatedRequest) -> HttpResponse:
    items = _scoped(request)
    figures = selectors.dashboard(items)
    made = [
        charts.bar_chart(_("By category"), figures.by_category, empty_message=_("Nothing yet.")),
        charts.bar_chart(_("By channel"), figures.by_channel, empty_message=_("Nothing yet.")),
        charts.bar_chart(_("By month received"), figures.by_month, empty_message=_("Nothing yet.")),
        charts.bar_chart(_("By country"), figures.by_country, empty_message=_("Nothing yet.")),
    ]
    selectors.record_list(request.user, figures.overdue)
    return render(request, "feedback/dashboard.html", {"figures": figures, "charts": made})


@feedback_page
def export_csv(request: AuthenticatedRequest) -> HttpResponseBase:
    items = _scoped(request)
    table = selectors.export_table(items)
    # The general trail counts only what it may know of; sensitive rows are logged one by
    # one under the hidden type (on each item's own trail).
    sensitive = list(items.filter(sensitive=True))
    log(request.user, actions.EXPORT, FeedbackItem, rows=len(table.rows) - len(sensitive))
    for item in sensitive:
        log(request.user, actions.EXPORT, subject(item))
    response = StreamingHttpResponse(csv_stream(table), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="feedback.csv"'
    response["X-Content-Type-Options"] = "nosniff"
    return response
