"""Pages for reviewing suspected duplicates and setting the thresholds."""

from __future__ import annotations

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
from caminantes.identity import comparison, selectors
from caminantes.identity.forms import ThresholdsForm
from caminantes.identity.models import MergeRecord, ReviewTicket, TicketRecord
from caminantes.identity.services import review
from caminantes.lib.form_errors import apply_errors, posted
from caminantes.lib.undo import UNDO_MINUTES, undo_until


def _user(request: HttpRequest) -> User:
    assert isinstance(request.user, User)
    return request.user


def _errors(exc: ValidationError) -> str:
    return " ".join(exc.messages)


@perm_required(Perm.REVIEW_DUPLICATES)
def review_list(request: AuthenticatedRequest) -> HttpResponse:
    """Tickets by status: waiting (open, later) and decided (merged, not the same)."""
    status = request.GET.get("status", ReviewTicket.Status.OPEN)
    if status not in selectors.TICKET_FILTERS:
        status = ReviewTicket.Status.OPEN
    country = request.context.country
    tickets = selectors.tickets_with_status(user=request.user, status=status, country=country)
    counts = selectors.ticket_counts(user=request.user, country=country)
    filters = [
        {"status": s, "label": ReviewTicket.Status(s).label, "count": counts[s]}
        for s in selectors.TICKET_FILTERS
    ]
    merges = selectors.merges_for_user(user=request.user).filter(undone_at__isnull=True)[:10]
    return render(
        request,
        "identity/review_list.html",
        {
            "tickets": tickets[:100],
            "status": status,
            "filters": filters,
            "decided": status in (ReviewTicket.Status.MERGED, ReviewTicket.Status.NOT_SAME),
            "merges": merges,
            "can_manage": policies.has_perm(request.user, Perm.MANAGE_THRESHOLDS),
        },
    )


def _decide(
    request: HttpRequest, ticket: ReviewTicket, records: list[TicketRecord]
) -> HttpResponse:
    """One of the three decisions. "Not the same person" asks first (a second POST with
    `confirm`), so it works without JavaScript; it can then be undone for a few minutes."""
    action = request.POST.get("action", "")
    if action == "not_same" and not request.POST.get("confirm"):
        return render(
            request,
            "identity/ticket_not_same_confirm.html",
            {"ticket": ticket, "people": [r.person for r in records], "minutes": UNDO_MINUTES},
        )
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
            messages.success(
                request,
                _(
                    "Marked as different people: not asked again. You can undo this for "
                    "%(minutes)d minutes."
                )
                % {"minutes": UNDO_MINUTES},
            )
            return redirect("identity_ticket", uuid=ticket.uuid)
        elif action == "later":
            review.ticket_later(user=_user(request), ticket=ticket)
            messages.info(request, _("Left for later."))
        else:
            raise ValidationError(_("Choose a decision."))
    except ValidationError as exc:
        messages.error(request, _errors(exc))
        return redirect("identity_ticket", uuid=ticket.uuid)
    return redirect("identity_review")


@perm_required(Perm.REVIEW_DUPLICATES)
def ticket_detail(request: HttpRequest, uuid: str) -> HttpResponse:
    ticket = selectors.ticket_for_user(user=request.user, uuid=uuid)
    records = selectors.ticket_records(ticket)
    if request.method == "POST":
        return _decide(request, ticket, records)
    not_same = ticket.status == ReviewTicket.Status.NOT_SAME
    return render(
        request,
        "identity/ticket.html",
        {
            "ticket": ticket,
            "compared": comparison.compare(records),
            "merges": ticket.merges.select_related("survivor", "merged"),
            "open": ticket.status in (ReviewTicket.Status.OPEN, ReviewTicket.Status.LATER),
            "undo_until": undo_until(ticket.decided_at) if not_same else None,
        },
    )


@require_POST
@perm_required(Perm.REVIEW_DUPLICATES)
def ticket_not_same_undo(request: HttpRequest, uuid: str) -> HttpResponse:
    ticket = selectors.ticket_for_user(user=request.user, uuid=uuid)
    try:
        review.ticket_not_same_undo(user=_user(request), ticket=ticket)
    except ValidationError as exc:
        messages.error(request, _errors(exc))
    else:
        messages.success(request, _("Undone: the ticket waits for a decision again."))
    return redirect("identity_ticket", uuid=ticket.uuid)


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
    form = ThresholdsForm(posted(request), countries=countries)
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
