"""Transfers and referrals pages, all behind `protection_page` (a protection role, a fresh
password, no-store).

Sending side, from a case: propose a transfer, refer the survivor out, move a referral on.
Receiving side: the incoming transfers (survivor code and kind only until accepted) and the
inbox of referrals that arrived through the restricted path (opened one at a time, audited).
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from caminantes.accounts.context import AuthenticatedRequest
from caminantes.accounts.models import Organization
from caminantes.lib.form_errors import apply_errors, posted
from caminantes.protection import forms_xfer, referrals, selectors, selectors_xfer
from caminantes.protection import services_transfer as st
from caminantes.protection.choices import ServiceType, Sex, Status
from caminantes.protection.models_xfer import OutgoingReferral, TransferStatus
from caminantes.protection.views import protection_page

SHARE_LABELS = dict(forms_xfer.SHARE_CHOICES)


def _answer(request: AuthenticatedRequest, which: str) -> Any:
    """The POST data when this form was the one sent (a page with two forms), else None."""
    data = posted(request)
    return data if data is not None and request.POST.get("answer") == which else None


# --- sending side -----------------------------------------------------------------------


@protection_page
def case_transfer(request: AuthenticatedRequest, uuid: Any) -> HttpResponse:
    case = selectors.case_for(request.user, uuid, audit=request.method == "GET")
    organizations = (
        Organization.objects.filter(countries=case.country_id)
        .exclude(pk=case.organization_id)
        .order_by("acronym")
    )
    form = forms_xfer.TransferForm(posted(request), organizations=organizations)
    pending = case.transfers.filter(status=TransferStatus.PROPOSED).exists()
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            st.transfer_propose(
                actor=request.user, case=case, to_organization=d["to_organization"],
                consent=d["consent"], consent_date=d["consent_date"],
                explained_by=d["explained_by"], note=d["note"],
            )  # fmt: skip
        except ValidationError as exc:
            apply_errors(exc, form)
        else:
            messages.success(request, _("Transfer proposed."))
            return redirect("protection_case_transfer", case.uuid)
    return render(request, "protection/transfer_case.html", {
        "case": case, "form": form, "transfers": selectors_xfer.transfers_of(case),
        "can_propose": case.status == Status.OPEN and not pending,
    })  # fmt: skip


@protection_page
def case_referrals(request: AuthenticatedRequest, uuid: Any) -> HttpResponse:
    case = selectors.case_for(request.user, uuid, audit=request.method == "GET")
    form = forms_xfer.ReferralOutForm(posted(request))
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            st.referral_send(
                actor=request.user, case=case, service=d["service"], provider=d["provider"],
                share=d["share"], consent=d["consent"], consent_date=d["consent_date"],
                contact=d["contact"], language=d["language"], urgent=d["urgent"],
            )  # fmt: skip
        except ValidationError as exc:
            apply_errors(exc, form)
        else:
            messages.success(request, _("Referral recorded."))
            return redirect("protection_case_referrals", case.uuid)
    return render(request, "protection/referrals_case.html", {
        "case": case, "form": form, "rows": referral_lines(selectors_xfer.referrals_of(case)),
        "is_open": case.status == Status.OPEN,
        "status_form": forms_xfer.ReferralStatusForm(),
    })  # fmt: skip


def referral_lines(rows: list[OutgoingReferral]) -> list[dict[str, Any]]:
    lines = []
    for row in rows:
        d = row.contents()
        shared = d.get("shared") or {}
        lines.append({
            "uuid": row.uuid, "status": row.get_status_display(), "code": row.status,
            "service": _label(ServiceType, d.get("service")), "provider": d.get("provider", ""),
            "consent_date": d.get("consent_date") or "-", "created_at": row.created_at,
            "shared": [(str(SHARE_LABELS.get(k, k)), _shown(k, v)) for k, v in shared.items()],
        })  # fmt: skip
    return lines


def _label(kind: type[Any], code: Any) -> str:
    try:
        return str(kind(code).label)
    except ValueError:
        return str(code or "-")


def _shown(key: str, value: Any) -> str:
    if key == "sex":
        return _label(Sex, value)
    if key == "urgency":
        return _("Urgent") if value else _("Not urgent")
    return "-" if value in (None, "") else str(value)


@protection_page
@require_POST
def referral_status(request: AuthenticatedRequest, uuid: Any) -> HttpResponse:
    row = (
        OutgoingReferral.objects.filter(uuid=uuid, case__in=selectors.cases_for(request.user))
        .select_related("case")
        .first()
    )
    if row is None:
        raise Http404
    form = forms_xfer.ReferralStatusForm(posted(request))
    if form.is_valid():
        try:
            st.referral_status(actor=request.user, referral=row, status=form.cleaned_data["status"])
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(request, _("Saved."))
    else:
        messages.error(request, _("Choose the new status."))
    return redirect("protection_case_referrals", row.case.uuid)


# --- receiving side: transfers ----------------------------------------------------------


@protection_page
def incoming_transfers(request: AuthenticatedRequest) -> HttpResponse:
    rows = list(selectors_xfer.incoming_transfers(request.user)[:200])
    selectors.record_list(request.user, [r.case for r in rows])
    return render(request, "protection/transfers_incoming.html", {"rows": rows})


@protection_page
def transfer_answer(request: AuthenticatedRequest, uuid: Any) -> HttpResponse:
    transfer = selectors_xfer.transfer_for(request.user, uuid)
    decline = forms_xfer.DeclineForm(_answer(request, "decline"))
    if request.method == "POST" and request.POST.get("answer") == "accept":
        try:
            case = st.transfer_accept(actor=request.user, transfer=transfer)
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(request, _("Transfer accepted: you are the case's caseworker."))
            return redirect("protection_case", case.uuid)
    elif request.method == "POST" and decline.is_valid():
        try:
            st.transfer_decline(actor=request.user, transfer=transfer,
                                reason=decline.cleaned_data["reason"])  # fmt: skip
        except ValidationError as exc:
            apply_errors(exc, decline)
        else:
            messages.success(request, _("Transfer declined."))
            return redirect("protection_transfers")
    return render(request, "protection/transfer_answer.html", {
        "transfer": transfer, "case": transfer.case, "details": transfer.contents(),
        "decline": decline,
    })  # fmt: skip


# --- receiving side: the inbox of referrals ---------------------------------------------


@protection_page
def inbox(request: AuthenticatedRequest) -> HttpResponse:
    rows = list(selectors_xfer.inbox(request.user)[:200])
    lines = [{"uuid": r.uuid, "kind": r.get_kind_display(), "received_at": r.received_at,
              "urgent": bool(r.contents().get("urgent"))} for r in rows]  # fmt: skip
    return render(request, "protection/inbox.html", {"rows": lines})


@protection_page
def inbox_item(request: AuthenticatedRequest, uuid: Any) -> HttpResponse:
    incoming = selectors_xfer.incoming_for(request.user, uuid)
    d = incoming.contents()
    linked = bool(d.get("person"))
    accept = forms_xfer.AcceptReferralForm(
        _answer(request, "accept"), initial=referrals.prefill(incoming), linked=linked
    )
    decline = forms_xfer.DeclineForm(_answer(request, "decline"))
    if request.method == "POST" and request.POST.get("answer") == "accept" and accept.is_valid():
        a = accept.cleaned_data
        try:
            case = referrals.incoming_accept(actor=request.user, incoming=incoming,
                                             name=a.get("name", ""), sex=a["sex"],
                                             age=a.get("age"))  # fmt: skip
        except ValidationError as exc:
            apply_errors(exc, accept)
        else:
            messages.success(request, _("Referral accepted: a case was opened."))
            return redirect("protection_case", case.uuid)
    elif request.method == "POST" and decline.is_valid():
        try:
            referrals.incoming_decline(actor=request.user, incoming=incoming,
                                       reason=decline.cleaned_data["reason"])  # fmt: skip
        except ValidationError as exc:
            apply_errors(exc, decline)
        else:
            messages.success(request, _("Referral declined."))
            return redirect("protection_inbox")
    return render(request, "protection/inbox_item.html", {
        "incoming": incoming, "fields": sorted((d.get("fields") or {}).items()),
        "urgent": bool(d.get("urgent")), "sender": d.get("sender", ""), "linked": linked,
        "accept": accept, "decline": decline,
    })  # fmt: skip
