"""Pages for the rights of registered people (access, correction, erasure, the register of
requests) and for list exports of personal data."""

from __future__ import annotations

import tempfile
from collections.abc import Callable
from functools import wraps
from typing import Any

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import (
    FileResponse,
    Http404,
    HttpRequest,
    HttpResponse,
    StreamingHttpResponse,
)
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from caminantes.accounts import policies
from caminantes.accounts.decorators import perm_required, sudo_required
from caminantes.accounts.permissions import Perm
from caminantes.audit import actions
from caminantes.audit.log import Subject, log
from caminantes.audit.models import Outcome
from caminantes.geo.models import AdminArea, Country
from caminantes.lib.form_errors import apply_errors, posted
from caminantes.lib.widgets import date_input
from caminantes.registry import exports
from caminantes.registry.models import Consent, DataRequest, Person, PopulationType
from caminantes.registry.rights.erasure import person_erase
from caminantes.registry.rights.requests import data_request_close, data_request_record

DATE = date_input()
LANGUAGE_CODES = [code for code, _name in settings.LANGUAGES]


def _person(request: HttpRequest, uuid: str) -> Person:
    """The person, if the user may see them and they have not been erased; else 404."""
    person = policies.get_for_user(request.user, Person, uuid)
    if person.anonymised_at is not None:
        raise Http404
    return person


def _may(request: HttpRequest, perm: Perm, person: Person) -> bool:
    return policies.has_perm(
        request.user,
        perm,
        organization_id=person.household.organization_id,
        country_id=person.household.country_id,
    )


def _handler(request: HttpRequest, uuid: str) -> Person:
    person = _person(request, uuid)
    if not _may(request, Perm.HANDLE_DATA_REQUESTS, person):
        raise PermissionDenied
    return person


def _any_perm(*perms: Perm) -> Callable[[Callable[..., HttpResponseBase]], Any]:
    """Like perm_required, for pages either of two roles may use."""

    def decorator(view: Callable[..., HttpResponseBase]) -> Any:
        @login_required
        @wraps(view)
        def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
            if not any(policies.has_perm(request.user, p) for p in perms):
                match = request.resolver_match
                page = Subject(f"page:{match.view_name if match else request.path_info}")
                log(
                    request.user,
                    actions.ACCESS_DENIED,
                    page,
                    Outcome.DENIED,
                    permission=perms[0].value,
                )
                raise PermissionDenied
            return view(request, *args, **kwargs)

        return wrapped

    return decorator


def _errors(form: forms.Form, exc: ValidationError) -> None:
    apply_errors(exc, form)


# --------------------------------------------------------------------------------------
# The register of requests


class RequestForm(forms.Form):
    kind = forms.ChoiceField(label=gettext_lazy("Kind"), choices=DataRequest.Kind.choices)
    received_on = forms.DateField(label=gettext_lazy("Received on"), widget=DATE)
    note = forms.CharField(label=gettext_lazy("Note"), max_length=300, required=False)


class CloseForm(forms.Form):
    status = forms.ChoiceField(
        label=gettext_lazy("Outcome"),
        choices=[
            (DataRequest.Status.DONE, DataRequest.Status.DONE.label),
            (DataRequest.Status.REFUSED, DataRequest.Status.REFUSED.label),
        ],
    )
    note = forms.CharField(
        label=gettext_lazy("Note (why, when refused)"), max_length=300, required=False
    )


@perm_required(Perm.HANDLE_DATA_REQUESTS)
def register(request: HttpRequest) -> HttpResponse:
    qs = policies.visible(request.user, DataRequest).select_related("handled_by")
    status = request.GET.get("status", DataRequest.Status.OPEN)
    kind = request.GET.get("kind", "")
    if status in DataRequest.Status.values:
        qs = qs.filter(status=status)
    if kind in DataRequest.Kind.values:
        qs = qs.filter(kind=kind)
    page = Paginator(qs, 50).get_page(request.GET.get("page"))
    living = set(
        policies.visible(request.user, Person)
        .filter(uuid__in=[r.person_uuid for r in page], anonymised_at__isnull=True)
        .values_list("uuid", flat=True)
    )
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "registry/rights/register.html",
        {
            "page": page,
            "living": living,
            "status": status,
            "kind": kind,
            "statuses": DataRequest.Status.choices,
            "kinds": DataRequest.Kind.choices,
            "close_form": CloseForm(),
            "query": query.urlencode(),
        },
    )


@perm_required(Perm.HANDLE_DATA_REQUESTS)
@require_POST
def request_close(request: HttpRequest, uuid: str) -> HttpResponse:
    data_request = policies.get_for_user(request.user, DataRequest, uuid)
    form = CloseForm(request.POST)
    if form.is_valid():
        try:
            data_request_close(
                user=request.user,
                data_request=data_request,
                status=form.cleaned_data["status"],
                note=form.cleaned_data["note"],
            )
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(request, _("Request closed."))
    else:
        messages.error(request, _("Choose done or refused."))
    return redirect("rights_register")


# --------------------------------------------------------------------------------------
# One person


def _default_language(person: Person) -> str:
    chosen = (
        Consent.objects.filter(person=person)
        .order_by("-given_on", "-id")
        .values_list("language", flat=True)
        .first()
    )
    chosen = (chosen or "")[:2]
    return chosen if chosen in LANGUAGE_CODES else (translation.get_language() or "es")[:2]


@perm_required(Perm.HANDLE_DATA_REQUESTS)
def person(request: HttpRequest, uuid: str) -> HttpResponse:
    person = _handler(request, uuid)
    form = RequestForm(
        posted(request),
        initial={"received_on": timezone.localdate()},
    )
    if request.method == "POST" and form.is_valid():
        kind = form.cleaned_data["kind"]
        try:
            data_request_record(
                user=request.user,
                person=person,
                kind=kind,
                received_on=form.cleaned_data["received_on"],
                note=form.cleaned_data["note"],
            )
        except ValidationError as exc:
            _errors(form, exc)
        else:
            messages.success(request, _("Request recorded in the register."))
            if kind == DataRequest.Kind.CORRECTION and _may(request, Perm.EDIT_HOUSEHOLDS, person):
                return redirect("person_edit", uuid=person.uuid)
            if kind == DataRequest.Kind.ERASURE:
                return redirect("rights_erase", uuid=person.uuid)
            return redirect("rights_person", uuid=person.uuid)
    requests = DataRequest.objects.filter(
        person_uuid=person.uuid, organization=person.household.organization
    ).select_related("handled_by")
    return render(
        request,
        "registry/rights/person.html",
        {
            "person": person,
            "household": person.household,
            "form": form,
            "requests": requests,
            "copy_languages": settings.LANGUAGES,
            "default_language": _default_language(person),
            "can_edit": _may(request, Perm.EDIT_HOUSEHOLDS, person),
        },
    )


def _language(request: HttpRequest, person: Person) -> str:
    lang = request.GET.get("lang", "")
    return lang if lang in LANGUAGE_CODES else _default_language(person)


@perm_required(Perm.HANDLE_DATA_REQUESTS)
def person_json(request: HttpRequest, uuid: str) -> HttpResponse:
    person = _handler(request, uuid)
    lang = _language(request, person)
    sections = exports.person_data_export(
        user=request.user, person=person, language=lang, file_format="json"
    )
    response = HttpResponse(
        exports.sections_as_json(sections), content_type="application/json; charset=utf-8"
    )
    name = f"person-{str(person.uuid)[:8]}.json"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@perm_required(Perm.HANDLE_DATA_REQUESTS)
def person_page(request: HttpRequest, uuid: str) -> HttpResponse:
    """A readable copy in the person's language, to print or show them."""
    person = _handler(request, uuid)
    lang = _language(request, person)
    sections = exports.person_data_export(
        user=request.user, person=person, language=lang, file_format="html"
    )
    with translation.override(lang):
        response = render(
            request,
            "registry/rights/person_data.html",
            {
                "sections": sections,
                "language": lang,
                "organization": person.household.organization,
                "generated": timezone.now(),
            },
        )
    response["Content-Language"] = lang
    return response


class CorrectionForm(forms.Form):
    received_on = forms.DateField(label=gettext_lazy("Received on"), widget=DATE)
    note = forms.CharField(
        label=gettext_lazy("What should be corrected"), max_length=300, required=False
    )


@_any_perm(Perm.EDIT_HOUSEHOLDS, Perm.HANDLE_DATA_REQUESTS)
def correction(request: HttpRequest, uuid: str) -> HttpResponse:
    """Record a correction request, then correct the record on the usual edit page (which
    asks for a reason and keeps each field's history)."""
    person = _person(request, uuid)
    can_edit = _may(request, Perm.EDIT_HOUSEHOLDS, person)
    if not (can_edit or _may(request, Perm.HANDLE_DATA_REQUESTS, person)):
        raise PermissionDenied
    form = CorrectionForm(
        posted(request),
        initial={"received_on": timezone.localdate()},
    )
    if request.method == "POST" and form.is_valid():
        try:
            data_request_record(
                user=request.user,
                person=person,
                kind=DataRequest.Kind.CORRECTION,
                received_on=form.cleaned_data["received_on"],
                note=form.cleaned_data["note"],
            )
        except ValidationError as exc:
            _errors(form, exc)
        else:
            if can_edit:
                messages.success(
                    request, _("Correction request recorded. Make the change and give a reason.")
                )
                return redirect("person_edit", uuid=person.uuid)
            messages.success(
                request,
                _(
                    "Correction request recorded. A registration officer can now correct the "
                    "record; the change keeps its history."
                ),
            )
            return redirect("rights_person", uuid=person.uuid)
    return render(
        request,
        "registry/rights/correction.html",
        {"person": person, "household": person.household, "form": form},
    )


class EraseForm(forms.Form):
    confirmation = forms.CharField(label=gettext_lazy("Type the code shown above"), max_length=20)
    data_request = forms.ModelChoiceField(
        label=gettext_lazy("Request it answers"),
        queryset=DataRequest.objects.none(),
        required=False,
        empty_label=gettext_lazy("Record a new request now"),
        to_field_name="uuid",
    )

    def __init__(self, *args: Any, person: Person, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.code = str(person.uuid)[:8].upper()
        self.fields["data_request"].queryset = DataRequest.objects.filter(  # type: ignore[attr-defined]
            person_uuid=person.uuid,
            organization_id=person.household.organization_id,
            kind=DataRequest.Kind.ERASURE,
            status=DataRequest.Status.OPEN,
        )

    def clean_confirmation(self) -> str:
        value = self.cleaned_data["confirmation"].strip().upper()
        if value != self.code:
            raise ValidationError(_("The code does not match. Nothing was erased."))
        return value


@perm_required(Perm.HANDLE_DATA_REQUESTS)
@sudo_required
def erase(request: HttpRequest, uuid: str) -> HttpResponse:
    person = _handler(request, uuid)
    household = person.household
    form = EraseForm(posted(request), person=person)
    if request.method == "POST" and form.is_valid():
        try:
            person_erase(
                user=request.user, person=person, data_request=form.cleaned_data["data_request"]
            )
        except ValidationError as exc:
            _errors(form, exc)
        else:
            messages.success(request, _("The person's data has been erased."))
            household.refresh_from_db()
            if household.anonymised_at is None:
                return redirect("household_detail", uuid=household.uuid)
            return redirect("rights_register")
    focal = household.focal_point_id == person.pk
    alone = not household.members.filter(anonymised_at__isnull=True).exclude(pk=person.pk).exists()
    return render(
        request,
        "registry/rights/erase.html",
        {
            "person": person,
            "household": household,
            "form": form,
            "code": form.code,
            "contacts_too": focal or alone,
            "last_member": alone,
        },
    )


# --------------------------------------------------------------------------------------
# List exports


class ExportForm(forms.Form):
    kind = forms.ChoiceField(
        label=gettext_lazy("What"),
        choices=[
            (exports.HOUSEHOLDS, gettext_lazy("Households")),
            (exports.PEOPLE, gettext_lazy("People")),
        ],
    )
    file_format = forms.ChoiceField(
        label=gettext_lazy("Format"),
        choices=[(exports.CSV, "CSV"), (exports.XLSX, "Excel (XLSX)")],
    )
    country = forms.ModelChoiceField(
        label=gettext_lazy("Country"),
        queryset=Country.objects.none(),
        required=False,
        to_field_name="iso2",
        empty_label=gettext_lazy("All my countries"),
    )
    area = forms.ModelChoiceField(
        label=gettext_lazy("Area"),
        queryset=AdminArea.objects.none(),
        required=False,
        to_field_name="iso_code",
        empty_label=gettext_lazy("All areas"),
    )
    population_type = forms.ChoiceField(
        label=gettext_lazy("Population type"),
        choices=[("", gettext_lazy("All")), *PopulationType.choices],
        required=False,
    )
    registered_from = forms.DateField(
        label=gettext_lazy("Registered from"), required=False, widget=DATE
    )
    registered_to = forms.DateField(
        label=gettext_lazy("Registered until"), required=False, widget=DATE
    )

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        country_ids: set[int] = set()
        for g in policies.grants(user):
            if Perm.EXPORT_PERSONAL_DATA in g.perms:
                country_ids |= g.country_ids
        countries = Country.objects.filter(pk__in=country_ids)
        self.fields["country"].queryset = countries  # type: ignore[attr-defined]
        self.fields["area"].queryset = AdminArea.objects.filter(  # type: ignore[attr-defined]
            country__in=countries, level=1
        ).exclude(iso_code="")

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        start, end = data.get("registered_from"), data.get("registered_to")
        if start and end and end < start:
            self.add_error("registered_to", _("The end date is before the start date."))
        return data


@perm_required(Perm.EXPORT_PERSONAL_DATA)
def exports_page(request: HttpRequest) -> HttpResponse:
    ctx = getattr(request, "context", None)
    initial = {"country": ctx.country.iso2} if ctx is not None and ctx.country else {}
    form = ExportForm(initial=initial, user=request.user)
    return render(request, "registry/rights/exports.html", {"form": form})


@perm_required(Perm.EXPORT_PERSONAL_DATA)
def export_download(request: HttpRequest) -> HttpResponseBase:
    form = ExportForm(request.GET, user=request.user)
    if not form.is_valid():
        return render(request, "registry/rights/exports.html", {"form": form}, status=400)
    d = form.cleaned_data
    ctx = getattr(request, "context", None)
    filters = exports.ExportFilters(
        organization=ctx.organization if ctx is not None else None,
        country=d["country"],
        area=d["area"],
        population_type=d["population_type"],
        registered_from=d["registered_from"],
        registered_to=d["registered_to"],
    )
    export = exports.registry_export(
        user=request.user, kind=d["kind"], file_format=d["file_format"], filters=filters
    )
    if export.file_format == exports.CSV:
        response: HttpResponseBase = StreamingHttpResponse(
            exports.csv_stream(export), content_type="text/csv; charset=utf-8"
        )
        response["Content-Disposition"] = f'attachment; filename="{export.filename}"'
        return response
    fh = tempfile.TemporaryFile()  # FileResponse closes it
    exports.write_xlsx(export, fh)
    fh.seek(0)
    return FileResponse(
        fh,
        as_attachment=True,
        filename=export.filename,
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
