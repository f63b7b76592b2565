"""Pages for what is corrected after registration besides a person's details: documents,
phones (and a phone added), the full number shown to those who call families, and a
country manager's confirmation that a document number is really shared."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from caminantes.accounts import policies
from caminantes.accounts.context import AuthenticatedRequest
from caminantes.accounts.decorators import perm_required
from caminantes.accounts.models import User
from caminantes.accounts.permissions import Perm
from caminantes.lib.form_errors import posted
from caminantes.registry import selectors, services
from caminantes.registry.forms import (
    DocumentEditForm,
    PhoneEditForm,
    PhoneForm,
    SharedDocumentForm,
)
from caminantes.registry.inputs import PhoneInput
from caminantes.registry.models import Document, Household, Phone
from caminantes.registry.services import corrections, documents


def _user(request: AuthenticatedRequest) -> User:
    assert isinstance(request.user, User)
    return request.user


def _editable(request: AuthenticatedRequest, household: Household) -> Household:
    if household.anonymised_at is not None:
        raise Http404
    allowed = policies.has_perm(
        request.user,
        Perm.EDIT_HOUSEHOLDS,
        organization_id=household.organization_id,
        country_id=household.country_id,
    )
    if not allowed:
        raise PermissionDenied
    return household


def _phone(request: AuthenticatedRequest, uuid: str) -> Phone:
    phone = policies.get_for_user(request.user, Phone, uuid)
    if phone.household.anonymised_at is not None:
        raise Http404
    return phone


def _form_errors(form: Any, exc: ValidationError) -> None:
    """The service's errors beside the fields they name, the rest above the form."""
    for name, errors in exc.message_dict.items():
        form.add_error(name if name in form.fields else None, errors)


def _page(request: AuthenticatedRequest, form: Any, household: Household, title: str) -> Any:
    return render(
        request, "registry/edit.html", {"form": form, "household": household, "title": title}
    )


@perm_required(Perm.EDIT_HOUSEHOLDS)
def document_edit(request: AuthenticatedRequest, uuid: str) -> HttpResponse:
    document = policies.get_for_user(request.user, Document, uuid)
    person = selectors.person_detail(user=request.user, uuid=document.person.uuid)
    household = _editable(request, person.household)
    initial = {
        "version": document.version,
        "type": document.type,
        "issuing_country": document.issuing_country,
        "issued_on": document.issued_on,
        "expires_on": document.expires_on,
        "status": document.status,
    }
    form = DocumentEditForm(posted(request), initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            corrections.document_update(
                user=_user(request),
                document=document,
                version=form.cleaned_data["version"],
                changes=form.changes(),
                reason=form.cleaned_data["reason"],
            )
        except services.VersionConflict as exc:
            messages.error(request, str(exc))
        except ValidationError as exc:
            _form_errors(form, exc)
        else:
            messages.success(request, _("Changes saved."))
            return redirect("household_detail", uuid=household.uuid)
    title = _("Correct a document") + f" · {document.get_type_display()} …{document.number_last4}"
    return _page(request, form, household, title)


@perm_required(Perm.EDIT_HOUSEHOLDS)
def phone_add(request: AuthenticatedRequest, uuid: str) -> HttpResponse:
    household = _editable(request, selectors.household_detail(user=_user(request), uuid=uuid))
    form = PhoneForm(posted(request))
    if request.method == "POST" and form.is_valid():
        try:
            services.phone_add(
                user=_user(request),
                household=household,
                phone=PhoneInput(form.cleaned_data["number"], form.cleaned_data["whatsapp"]),
            )
        except ValidationError as exc:
            _form_errors(form, exc)
        else:
            messages.success(request, _("Phone added."))
            return redirect("household_detail", uuid=household.uuid)
    return _page(request, form, household, _("Add a phone"))


@perm_required(Perm.EDIT_HOUSEHOLDS)
def phone_edit(request: AuthenticatedRequest, uuid: str) -> HttpResponse:
    phone = _phone(request, uuid)
    household = _editable(request, phone.household)
    initial = {"version": phone.version, "whatsapp": phone.whatsapp}
    form = PhoneEditForm(posted(request), initial=initial)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            corrections.phone_update(
                user=_user(request),
                phone=phone,
                version=d["version"],
                reason=d["reason"],
                number=d["number"] or None,
                whatsapp=d["whatsapp"],
            )
        except services.VersionConflict as exc:
            messages.error(request, str(exc))
        except ValidationError as exc:
            _form_errors(form, exc)
        else:
            messages.success(request, _("Changes saved."))
            return redirect("household_detail", uuid=household.uuid)
    return _page(request, form, household, _("Correct a phone") + f" · …{phone.number_last4}")


@require_POST
@perm_required(Perm.REVEAL_PHONES)
def phone_reveal(request: AuthenticatedRequest, uuid: str) -> HttpResponse:
    """The full number, once asked for (a POST: no link prefetch shows it by accident)."""
    phone = _phone(request, uuid)
    number = corrections.phone_reveal(user=_user(request), phone=phone)
    return render(
        request,
        "registry/phone_reveal.html",
        {"phone": phone, "number": number, "household": phone.household},
    )


@perm_required(Perm.CONFIRM_SHARED_DOCUMENTS)
def document_confirm(request: AuthenticatedRequest) -> HttpResponse:
    """A country manager confirms that one more person holds a number already held."""
    ctx = request.context
    if ctx.organization is None or ctx.country is None:
        raise PermissionDenied
    form = SharedDocumentForm(posted(request))
    confirmed = None
    if request.method == "POST" and form.is_valid():
        try:
            confirmed = documents.shared_document_confirm(
                user=_user(request),
                organization=ctx.organization,
                country=ctx.country,
                document=form.to_input(),
                reason=form.cleaned_data["reason"],
            )
        except ValidationError as exc:
            _form_errors(form, exc)
        else:
            form = SharedDocumentForm()
    return render(
        request,
        "registry/document_confirm.html",
        {"form": form, "confirmed": confirmed, "days": documents.CONFIRMATION_DAYS},
    )
