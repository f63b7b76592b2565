"""Pages for reviewing suspected duplicates and setting the thresholds."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from caminantes.accounts import policies
from caminantes.accounts.context import AuthenticatedRequest
from caminantes.accounts.decorators import perm_required
from caminantes.accounts.models import User
from caminantes.accounts.permissions import Perm
from caminantes.identity import labels, selectors
from caminantes.identity.forms import ThresholdsForm
from caminantes.identity.models import MergeRecord, ReviewTicket, TicketRecord
from caminantes.identity.services import review
from caminantes.lib.form_errors import apply_errors


def _user(request: HttpRequest) -> User:
    assert isinstance(request.user, User)
    return request.user


def _errors(exc: ValidationError) -> str:
    return " ".join(exc.messages)


@perm_required(Perm.REVIEW_DUPLICATES)
def review_list(request: AuthenticatedRequest) -> HttpResponse:
    status = request.GET.get("status", ReviewTicket.Status.OPEN)
    if status not in (ReviewTicket.Status.OPEN, ReviewTicket.Status.LATER):
        status = ReviewTicket.Status.OPEN
    tickets = selectors.tickets_for_user(user=request.user).filter(status=status)
    ctx = request.context
    if ctx.country is not None:
        tickets = tickets.filter(country=ctx.country)
    merges = selectors.merges_for_user(user=request.user).filter(undone_at__isnull=True)[:10]
    return render(
        request,
        "identity/review_list.html",
        {
            "tickets": tickets.prefetch_related("records")[:100],
            "status": status,
            "merges": merges,
            "can_manage": policies.has_perm(request.user, Perm.MANAGE_THRESHOLDS),
        },
    )


def _mask(number_last4: str) -> str:
    """Only the last three characters of a document number are shown."""
    return "•••" + number_last4[-3:] if number_last4 else ""


def _columns(records: list[TicketRecord]) -> list[dict[str, Any]]:
    columns = []
    for r in records:
        p = r.person
        comparisons = []
        for other in records:
            found = r.evidence.get(str(other.person_id))
            if other.pk != r.pk and found:
                comparisons.append(
                    {
                        "other": other.person,
                        "percent": round(found["probability"] * 100),
                        "fields": labels.describe(found.get("fields", {})),
                    }
                )
        columns.append(
            {
                "person": p,
                "documents": [
                    (d.get_type_display(), _mask(d.number_last4)) for d in p.documents.all()
                ],
                # what the engine compared, so a "differs" in the evidence can be seen
                "nationalities": ", ".join(str(c.name) for c in p.nationalities.all()),
                "birth_place": ", ".join(
                    str(x.name) for x in (p.birth_area, p.birth_country) if x is not None
                ),
                "phones": [
                    _mask(ph.number_last4)
                    for ph in (p.phones.all() or p.household.phones.all())
                    if ph.number_last4
                ],
                "comparisons": comparisons,
            }
        )
    return columns


@perm_required(Perm.REVIEW_DUPLICATES)
def ticket_detail(request: HttpRequest, uuid: str) -> HttpResponse:
    ticket = selectors.ticket_for_user(user=request.user, uuid=uuid)
    records = selectors.ticket_records(ticket)
    if request.method == "POST":
        action = request.POST.get("action", "")
        try:
            if action == "merge":
                ids = {str(r.person.uuid): r.person for r in records}
                survivor = ids.get(request.POST.get("survivor", ""))
                if survivor is None:
                    raise ValidationError(_("Choose which record to keep."))
                review.ticket_merge(user=_user(request), ticket=ticket, survivor=survivor)
                messages.success(request, _("Records merged. This can be undone."))
            elif action == "not_same":
                review.ticket_not_same(user=_user(request), ticket=ticket)
                messages.success(request, _("Marked as different people: not asked again."))
            elif action == "later":
                review.ticket_later(user=_user(request), ticket=ticket)
                messages.info(request, _("Left for later."))
            else:
                raise ValidationError(_("Choose a decision."))
        except ValidationError as exc:
            messages.error(request, _errors(exc))
            return redirect("identity_ticket", uuid=ticket.uuid)
        return redirect("identity_review")
    return render(
        request,
        "identity/ticket.html",
        {
            "ticket": ticket,
            "columns": _columns(records),
            "merges": ticket.merges.select_related("survivor", "merged"),
            "open": ticket.status in (ReviewTicket.Status.OPEN, ReviewTicket.Status.LATER),
        },
    )


@require_POST
@perm_required(Perm.REVIEW_DUPLICATES)
def merge_undo(request: HttpRequest, uuid: str) -> HttpResponse:
    merge = policies.get_for_user(request.user, MergeRecord, uuid)
    if not selectors.merges_for_user(user=request.user).filter(pk=merge.pk).exists():
        raise Http404
    try:
        review.merge_undo(user=_user(request), merge=merge)
    except ValidationError as exc:
        messages.error(request, _errors(exc))
    else:
        messages.success(request, _("Merge undone: both records are separate again."))
    if merge.ticket is not None:
        return redirect("identity_ticket", uuid=merge.ticket.uuid)
    return redirect("identity_review")


@perm_required(Perm.MANAGE_THRESHOLDS)
def thresholds(request: HttpRequest) -> HttpResponse:
    countries = selectors.managed_countries(user=request.user)
    if not countries:
        raise PermissionDenied
    rows = [selectors.thresholds_for(c) for c in countries]
    form = ThresholdsForm(request.POST or None, countries=countries)
    if request.method == "POST":
        action = request.POST.get("action", "save")
        if action == "run":
            country = next((c for c in countries if c.iso2 == request.POST.get("country")), None)
            if country is None:
                raise PermissionDenied
            review.dedupe_run_start(user=_user(request), country=country)
            messages.success(request, _("The run has started; tickets appear when it ends."))
            return redirect("identity_thresholds")
        if form.is_valid():
            d = form.cleaned_data
            try:
                review.thresholds_set(
                    user=_user(request),
                    country=d["country"],
                    review_threshold=d["review_threshold"],
                    auto_merge_threshold=d["auto_merge_threshold"],
                )
            except ValidationError as exc:
                apply_errors(exc, form)
            else:
                messages.success(request, _("Thresholds saved."))
                return redirect("identity_thresholds")
    return render(
        request,
        "identity/thresholds.html",
        {
            "rows": rows,
            "form": form,
            "runs": selectors.runs_for_user(user=request.user)[:10],
        },
    )
