"""Field forms pages: the forms list, uploading an XLSForm (a form or a new version), a
form with its versions and app users (the QR code ODK Collect scans, shown once), and its
submissions (personal data: each page shown is audited). Thin: reads through `selectors`,
writes through `services`."""

from __future__ import annotations

import uuid as uuid_lib
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from caminantes.accounts.context import AuthenticatedRequest
from caminantes.accounts.decorators import perm_required
from caminantes.accounts.permissions import Perm
from caminantes.collect import forms, policies, qr, selectors, services
from caminantes.collect.models import Form
from caminantes.geo.models import Country
from caminantes.lib.form_errors import apply_errors, posted


def _uuid_or_none(value: str | None) -> uuid_lib.UUID | None:
    """An id posted back by a form; nothing, or anything that is not an id, is None."""
    try:
        return uuid_lib.UUID(value or "")
    except ValueError:
        return None


@perm_required(Perm.MANAGE_FORMS, Perm.REVIEW_SUBMISSIONS)
def form_list(request: AuthenticatedRequest) -> HttpResponse:
    org = request.context.organization
    can_upload = org is not None and policies.may_manage(request.user, org.pk)
    return render(request, "collect/forms.html", {
        "forms": selectors.forms_for(user=request.user)[:300], "can_upload": can_upload,
    })  # fmt: skip


def _countries(request: AuthenticatedRequest) -> Any:
    org = request.context.organization
    if org is None:
        return Country.objects.none()
    ids = [c.pk for c in org.countries.all() if policies.may_manage(request.user, org.pk, c.pk)]
    return Country.objects.filter(pk__in=ids).order_by("iso2")


@perm_required(Perm.MANAGE_FORMS)
def form_upload(request: AuthenticatedRequest) -> HttpResponse:
    org = request.context.organization
    if org is None or not policies.may_manage(request.user, org.pk):
        raise PermissionDenied
    form = forms.UploadForm(posted(request), request.FILES or None, countries=_countries(request))
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        upload = d["xlsform"]
        media = [services.MediaFile(f.name, f.read()) for f in d["media_files"]]
        try:
            result = services.form_upload(
                actor=request.user, organization=org, content=upload.read(),
                filename=upload.name, kind=d["kind"], country=d["country"], media=media,
            )  # fmt: skip
        except ValidationError as exc:
            apply_errors(exc, form)
        else:
            v = result.version
            if not result.created_version:
                messages.info(request, _("This version was already here; nothing changed."))
            else:
                messages.success(
                    request,
                    _("Form %(id)s, version “%(v)s”, is now the one devices download.")
                    % {"id": v.form.form_id, "v": v.version},
                )
            for warning in result.warnings[:5]:
                messages.warning(request, warning)
            if result.missing_media:
                messages.warning(
                    request,
                    _("Media files the form names but were not uploaded: %(names)s")
                    % {"names": ", ".join(result.missing_media)},
                )
            return redirect("collect_form_detail", uuid=v.form.uuid)
    return render(request, "collect/upload.html", {"form": form})


def _detail_context(request: AuthenticatedRequest, form: Form) -> dict[str, Any]:
    may_manage = policies.may_manage(request.user, form.organization_id, form.country_id)
    return {
        "form_obj": form,
        "versions": selectors.versions_of(form),
        "app_users": selectors.app_users_of(user=request.user, form=form) if may_manage else [],
        "may_manage": may_manage,
        "app_user_form": forms.AppUserForm(),
        "app_users_to_add": (
            selectors.app_users_to_add(user=request.user, form=form) if may_manage else []
        ),
        "may_review": policies.policies.has_perm(
            request.user,
            Perm.REVIEW_SUBMISSIONS,
            organization_id=form.organization_id,
            country_id=form.country_id,
        ),
    }


@perm_required(Perm.MANAGE_FORMS, Perm.REVIEW_SUBMISSIONS)
def form_detail(request: AuthenticatedRequest, uuid: Any) -> HttpResponse:
    form = selectors.get_form_for_user(user=request.user, uuid=uuid)
    return render(request, "collect/detail.html", _detail_context(request, form))


@require_POST
@perm_required(Perm.MANAGE_FORMS)
def form_open(request: AuthenticatedRequest, uuid: Any) -> HttpResponse:
    form = selectors.get_form_for_user(user=request.user, uuid=uuid)
    services.form_set_open(actor=request.user, form=form, is_open=request.POST.get("open") == "1")
    return redirect("collect_form_detail", uuid=form.uuid)


def server_url(request: HttpRequest, token: str) -> str:
    from django.conf import settings

    path = reverse("collect_forms") + f"key/{token}/"
    base = settings.CAMINANTES_BASE_URL
    return f"{base}{path}" if base else request.build_absolute_uri(path)


@never_cache
@require_POST
@perm_required(Perm.MANAGE_FORMS)
def app_user_new(request: AuthenticatedRequest, uuid: Any) -> HttpResponse:
    """Shown once, on this answer only (not stored, not cached): the URL and its QR code."""
    form = selectors.get_form_for_user(user=request.user, uuid=uuid)
    app_user_form = forms.AppUserForm(request.POST)
    context = _detail_context(request, form)
    if app_user_form.is_valid():
        try:
            created = services.app_user_create(
                actor=request.user, organization=form.organization,
                name=app_user_form.cleaned_data["name"], forms=[form],
            )  # fmt: skip
        except ValidationError as exc:
            apply_errors(exc, app_user_form)
        else:
            url = server_url(request, created.token)
            context.update({
                "new_app_user": created.app_user, "new_url": url,
                "qr_svg": qr.svg(qr.collect_settings(url, form.title)),
                "app_users": selectors.app_users_of(user=request.user, form=form),
            })  # fmt: skip
            app_user_form = forms.AppUserForm()
    context["app_user_form"] = app_user_form
    response = render(request, "collect/detail.html", context)
    response["Cache-Control"] = "no-store"
    return response


@require_POST
@perm_required(Perm.MANAGE_FORMS)
def app_user_add_form(request: AuthenticatedRequest, uuid: Any) -> HttpResponse:
    """Give an existing app user (a team's device) this form as well."""
    form = selectors.get_form_for_user(user=request.user, uuid=uuid)
    chosen = _uuid_or_none(request.POST.get("app_user"))
    app_user = (
        selectors.app_users_to_add(user=request.user, form=form).filter(uuid=chosen).first()
        if chosen
        else None
    )
    if app_user is None:
        messages.error(request, _("Choose one of the organisation's active app users."))
    else:
        services.app_user_set_forms(
            actor=request.user, app_user=app_user, forms=[*app_user.forms.all(), form]
        )
        messages.success(request, _("%(name)s now also has this form.") % {"name": app_user.name})
    return redirect("collect_form_detail", uuid=form.uuid)


@require_POST
@perm_required(Perm.MANAGE_FORMS)
def app_user_revoke(request: AuthenticatedRequest, uuid: Any) -> HttpResponse:
    app_user = selectors.get_app_user_for_user(user=request.user, uuid=uuid)
    services.app_user_revoke(actor=request.user, app_user=app_user)
    messages.success(request, _("Access revoked: that device can no longer list or send forms."))
    back = _uuid_or_none(request.POST.get("form"))
    form = app_user.forms.filter(uuid=back).first() if back else None
    return redirect("collect_form_detail", uuid=form.uuid) if form else redirect("collect_forms")


@perm_required(Perm.REVIEW_SUBMISSIONS)
def submissions(request: AuthenticatedRequest, uuid: Any) -> HttpResponse:
    form = selectors.get_form_for_user(user=request.user, uuid=uuid)
    rows = list(selectors.submissions_of(user=request.user, form=form)[:200])
    selectors.record_page(user=request.user, rows=rows)
    return render(request, "collect/submissions.html", {"form_obj": form, "rows": rows})
