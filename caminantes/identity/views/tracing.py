"""Pages for family tracing and reunification."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from caminantes.accounts import policies
from caminantes.accounts.context import AuthenticatedRequest
from caminantes.accounts.decorators import perm_required
from caminantes.accounts.models import User
from caminantes.accounts.permissions import Perm
from caminantes.identity import labels, selectors
from caminantes.identity.forms import StepForm, TracingForm
from caminantes.identity.models import ReunificationCase, TracingMatch, TracingRequest
from caminantes.identity.services import notifications, reunification, tracing
from caminantes.lib.form_errors import apply_errors, posted
from caminantes.registry.consent import ConsentRequired
from caminantes.registry.models import Person


def _user(request: HttpRequest) -> User:
    assert isinstance(request.user, User)
    return request.user


@perm_required(Perm.FAMILY_TRACING)
def tracing_list(request: HttpRequest) -> HttpResponse:
    notices = list(selectors.notifications_for_user(user=request.user)[:20])
    unread = [n.pk for n in notices if n.read_at is None]
    response = render(
        request,
        "identity/tracing_list.html",
        {
            "requests": selectors.tracing_requests_for_user(user=request.user)[:100],
            "notices": notices,
            "unread": set(unread),
            "to_confirm": selectors.matches_to_confirm(user=request.user).count(),
        },
    )
    # Shown once as new; they stay listed, marked as read.
    notifications.notifications_mark_read(user=_user(request), notification_ids=unread)
    return response


@perm_required(Perm.FAMILY_TRACING)
def tracing_new(request: AuthenticatedRequest) -> HttpResponse:
    ctx = request.context
    if ctx.organization is None or ctx.country is None or not ctx.can(Perm.FAMILY_TRACING):
        raise PermissionDenied
    requester = None
    person_id = request.GET.get("person") or request.POST.get("person")
    if person_id:
        requester = policies.get_for_user(request.user, Person, person_id)
    form = TracingForm(posted(request))
    if request.method == "POST" and form.is_valid():
        try:
            created = tracing.tracing_request_create(
                user=_user(request),
                organization=ctx.organization,
                country=ctx.country,
                data=form.to_input(requester),
            )
        except ConsentRequired as exc:
            form.add_error(None, str(exc))
        except ValidationError as exc:
            apply_errors(exc, form)
        else:
            found = created.matches.count()
            messages.success(
                request,
                _("Tracing request opened. Possible matches found: %(n)d.") % {"n": found},
            )
            return redirect("identity_tracing_detail", uuid=created.uuid)
    return render(request, "identity/tracing_new.html", {"form": form, "requester": requester})


@perm_required(Perm.FAMILY_TRACING)
def tracing_detail(request: HttpRequest, uuid: str) -> HttpResponse:
    tr = policies.get_for_user(request.user, TracingRequest, uuid)
    if request.method == "POST":
        if request.POST.get("action") == "search" and tr.status == TracingRequest.Status.OPEN:
            try:
                found = tracing.tracing_search_again(user=_user(request), request=tr)
            except ValidationError as exc:
                messages.error(request, " ".join(exc.messages))
            else:
                messages.success(request, _("New possible matches: %(n)d.") % {"n": len(found)})
        return redirect("identity_tracing_detail", uuid=tr.uuid)
    matches = tr.matches.select_related(
        "person",
        "person__household",
        "person__household__country",
        "person__household__organization",
        "person__household__admin_area",
    )
    rows = []
    for m in matches:
        case = ReunificationCase.objects.filter(match=m).first()
        rows.append(
            {
                "match": m,
                "shown": tracing.disclosure(request.user, m),
                "evidence": labels.describe(m.evidence.get("fields", {})),
                "case": case,
            }
        )
    return render(request, "identity/tracing_detail.html", {"tr": tr, "rows": rows})


@perm_required(Perm.FAMILY_TRACING)
def tracing_confirm_list(request: HttpRequest) -> HttpResponse:
    matches = selectors.matches_to_confirm(user=request.user)
    return render(request, "identity/tracing_confirm.html", {"matches": matches[:100]})


@require_POST
@perm_required(Perm.FAMILY_TRACING)
def match_decide(request: HttpRequest, uuid: str) -> HttpResponse:
    match = policies.get_for_user(request.user, TracingMatch, uuid)
    if not selectors.holds_person(request.user, match.person):
        raise Http404
    confirm = request.POST.get("decision") == "confirm"
    try:
        tracing.match_decide(user=_user(request), match=match, confirm=confirm)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    except ConsentRequired as exc:
        messages.error(request, str(exc))
    else:
        if confirm:
            messages.success(request, _("Match confirmed: a reunification case is open."))
            return redirect("identity_case", uuid=match.reunification.uuid)
        messages.success(request, _("Match rejected."))
    return redirect("identity_tracing_confirm")


@perm_required(Perm.FAMILY_TRACING)
def case_detail(request: HttpRequest, uuid: str) -> HttpResponse:
    case = policies.get_for_user(request.user, ReunificationCase, uuid)
    form = StepForm(
        posted(request),
        initial={"reunified_on": timezone.localdate()},
    )
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            reunification.reunification_step(
                user=_user(request),
                case=case,
                step=request.POST.get("step", ""),
                note=d["note"],
                requester_consent_on=d["requester_consent_on"],
                sought_consent_on=d["sought_consent_on"],
                travel_date=d["travel_date"],
                reunified_on=d["reunified_on"],
            )
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(request, _("Step recorded."))
        return redirect("identity_case", uuid=case.uuid)
    match = case.match
    return render(
        request,
        "identity/case.html",
        {
            "case": case,
            "match": match,
            "shown": tracing.disclosure(request.user, match),
            "form": form,
            "Step": ReunificationCase.Step,
        },
    )
