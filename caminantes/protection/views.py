"""Protection pages: my cases, new GBV and trafficking cases, the case page, reveal, print.

Every page is `protection_page`: a protection permission (403 otherwise), the password given
within SUDO_MODE_SECONDS (a form posted without it is NOT kept for later, unlike other
pages: its contents would sit in the session table), and `Cache-Control: no-store` on every
answer, error pages included. Titles are generic; survivor codes and names never go into a
URL. Thin: reads through `selectors`, writes through `services`.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import get_resolver, reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from caminantes.accounts import policies
from caminantes.accounts.context import AuthenticatedRequest
from caminantes.accounts.decorators import perm_required, sudo_active, sudo_required
from caminantes.accounts.permissions import Perm
from caminantes.geo.models import Country
from caminantes.lib.form_errors import apply_errors, posted
from caminantes.protection import display, forms, selectors, services
from caminantes.protection.choices import Kind, Status
from caminantes.registry.models import Person

View = Callable[..., HttpResponseBase]


def no_store(response: HttpResponseBase) -> HttpResponseBase:
    response["Cache-Control"] = "no-store, private, max-age=0"
    response["Pragma"] = "no-cache"
    return response


def _fresh_password(view: View) -> View:
    """sudo_required, except that a form posted without a fresh password is dropped (the
    stock decorator keeps its fields in the session for after the password)."""
    guarded = sudo_required(view)

    @wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        if request.method != "GET" and not sudo_active(request):
            messages.info(request, _("Confirm your password, then fill the form again."))
            query = urlencode({"next": reverse("protection_cases")})
            return HttpResponseRedirect(f"{reverse('sudo')}?{query}")
        return guarded(request, *args, **kwargs)

    return wrapped


def _error_page(status: int) -> Callable[..., HttpResponseBase]:
    """The site's own 403/404 page (caminantes.urls names them), so a hidden case answers
    exactly as a missing one, only with no-store added."""
    handler: Callable[..., HttpResponseBase] = get_resolver().resolve_error_handler(status)
    return handler


def protection_page(view: View) -> View:
    inner = perm_required(Perm.GBV_CASES, Perm.TRAFFICKING_CASES)(_fresh_password(view))

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


def _countries_for(request: AuthenticatedRequest, kind: str) -> Any:
    """The countries of the chosen organisation where the user may open this kind of case."""
    org = request.context.organization
    if org is None:
        return Country.objects.none()
    perm = services.perm_for(kind)
    ids = [
        c.pk
        for c in request.context.countries
        if policies.has_perm(request.user, perm, organization_id=org.pk, country_id=c.pk)
    ]
    return Country.objects.filter(pk__in=ids)


def person_linked(request: AuthenticatedRequest, form: Any) -> bool:
    """The registry id given is a person the user may see (checked, not read: nothing of
    the person is shown, and the registry's trail learns nothing of the case)."""
    key = form.cleaned_data.get("person")
    if key and not policies.visible(request.user, Person).filter(uuid=key).exists():
        form.add_error("person", _("No registered person with this id that you may see."))
        return False
    return True


def survivor_data(form: Any) -> dict[str, Any]:
    d = form.cleaned_data
    return {
        "person": d.get("person"), "name": d.get("name", ""), "sex": d["sex"],
        "age": d.get("age"), "birth_year": d.get("birth_year"), "age_group": d["age_group"],
    }  # fmt: skip


@protection_page
def cases(request: AuthenticatedRequest) -> HttpResponse:
    form = forms.StatusFilterForm(request.GET or None)
    rows = selectors.cases_for(request.user).order_by("-opened_at")
    if form.is_valid() and form.cleaned_data["status"]:
        rows = rows.filter(status=form.cleaned_data["status"])
    shown = list(rows[:200])
    selectors.record_list(request.user, shown)
    return render(request, "protection/cases.html", {
        "cases": shown, "form": form,
        "can_gbv": policies.has_perm(request.user, Perm.GBV_CASES),
        "can_trafficking": policies.has_perm(request.user, Perm.TRAFFICKING_CASES),
    })  # fmt: skip


def _new_case(request: AuthenticatedRequest, kind: str) -> HttpResponse:
    if not policies.has_perm(request.user, services.perm_for(kind)):
        raise PermissionDenied
    countries = _countries_for(request, kind)
    form_class = forms.GBVIntakeForm if kind == Kind.GBV else forms.TraffickingIntakeForm
    form = form_class(posted(request), countries=countries)
    if request.method == "POST" and form.is_valid() and person_linked(request, form):
        d = form.cleaned_data
        data = survivor_data(form) | {
            "consent_reporting": d["consent_reporting"], "safety_plan": d["safety_plan"],
            "narrative": d["narrative"],
        }  # fmt: skip
        if kind == Kind.GBV:
            area = d.get("incident_area")
            data |= {
                "incident_type": d["incident_type"], "incident_date": d["incident_date"],
                "incident_area": area.uuid if area else None, "perpetrator": d["perpetrator"],
            }  # fmt: skip
        else:
            data |= {k: d[k] for k in (
                "indicators", "exploitation", "route", "recruiter", "tip_status", "assistance",
                "authorities_referral", "authorities_consent", "authorities_referred_on",
            )}  # fmt: skip
        try:
            case = services.case_open(
                actor=request.user, organization=request.context.organization,  # type: ignore[arg-type]
                country=d["country"], kind=kind, data=data,
            )  # fmt: skip
        except ValidationError as exc:
            apply_errors(exc, form)
        else:
            messages.success(request, _("Case opened."))
            return redirect("protection_case", case.uuid)
    return render(request, "protection/new.html", {"form": form, "kind": kind})


@protection_page
def new_gbv(request: AuthenticatedRequest) -> HttpResponse:
    return _new_case(request, Kind.GBV)


@protection_page
def new_trafficking(request: AuthenticatedRequest) -> HttpResponse:
    return _new_case(request, Kind.TRAFFICKING)


def case_context(case: Any) -> dict[str, Any]:
    gbv = case.kind == Kind.GBV
    return {
        "case": case, "is_open": case.status == Status.OPEN, "gbv": gbv,
        "survivor": display.survivor_rows(case),
        "incident": display.incident_rows(case) if gbv else [],
        "trafficking": [] if gbv else display.trafficking_rows(case),
        "assistance": [] if gbv else display.assistance_rows(case),
        "plan": display.plan_rows(case),
        "services": display.service_lines(selectors.services_of(case)),
        "actions": display.action_lines(selectors.actions_of(case)),
        "sessions": display.session_lines(selectors.sessions_of(case)),
        "team": selectors.assignments_of(case, active_only=True),
    }  # fmt: skip


@protection_page
def case_page(request: AuthenticatedRequest, uuid: Any) -> HttpResponse:
    case = selectors.case_for(request.user, uuid)
    ctx = case_context(case) | {
        "openings": selectors.case_openings(case),
        "service_form": forms.ServiceForm(), "action_form": forms.ActionForm(),
        "session_form": forms.SessionForm(),
    }  # fmt: skip
    return render(request, "protection/case.html", ctx)


@protection_page
@require_POST
def reveal(request: AuthenticatedRequest, uuid: Any) -> HttpResponse:
    case = selectors.case_for(request.user, uuid, audit=False)
    name = services.case_reveal(actor=request.user, case=case)
    person_key = case.contents().get("person")
    if person_key:
        person = policies.visible(request.user, Person).filter(uuid=person_key).first()
        name = person.full_name if person is not None else ""
    return render(request, "protection/reveal.html", {"case": case, "name": name,
                                                       "linked": bool(person_key)})  # fmt: skip


@protection_page
def print_view(request: AuthenticatedRequest, uuid: Any) -> HttpResponse:
    case = selectors.case_for(request.user, uuid, audit=False)
    services.case_print(actor=request.user, case=case)
    return render(request, "protection/print.html", case_context(case))
