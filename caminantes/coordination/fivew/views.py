"""5W pages: my reports (partner) and the validation queue (IMO), a report with its rows
(form, grid, upload, drafted from deliveries) and its workflow, the reference lists (IMO),
the dashboard with its exports, and the public aggregate downloads. Thin: reads through
`selectors`, writes through `services`."""

from __future__ import annotations

import io
from collections.abc import Callable
from datetime import date
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse, HttpResponseBase, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from caminantes.accounts.context import AuthenticatedRequest
from caminantes.accounts.decorators import perm_required
from caminantes.accounts.permissions import Perm
from caminantes.audit import actions
from caminantes.audit.log import Subject, log
from caminantes.coordination.fivew import dashboard, exports, forms, selectors, services
from caminantes.coordination.fivew.engine import fields as F
from caminantes.coordination.fivew.models import (
    Admin1,
    Indicator,
    ReferenceItem,
    Report,
    Sector,
    Status,
)
from caminantes.geo.models import Country
from caminantes.lib.form_errors import apply_errors
from caminantes.lib.tables import csv_stream, write_xlsx

FIVEW = (Perm.REPORT_5W, Perm.VALIDATE_5W)


def _reporting_countries(request: AuthenticatedRequest) -> Any:
    org = request.context.organization
    if org is None:
        return Country.objects.none()
    ids = [c.pk for c in org.countries.all() if services.may_report(request.user, org.pk, c.pk)]
    return Country.objects.filter(pk__in=ids).order_by("name_es")


def _posted(request: Any) -> Any:
    """The POST data of a POST (even an empty one: it must fail clearly), else None."""
    return request.POST if request.method == "POST" else None


def _errors(exc: ValidationError) -> list[str]:
    return list(exc.messages)


# --- reports --------------------------------------------------------------------------


@perm_required(Perm.REPORT_5W, Perm.VALIDATE_5W)
def reports(request: AuthenticatedRequest) -> HttpResponse:
    countries = _reporting_countries(request)
    form = forms.OpenReportForm(_posted(request), countries=countries)
    if request.method == "POST" and form.is_valid():
        org = request.context.organization
        try:
            report = services.report_open(
                actor=request.user,
                organization=org,  # type: ignore[arg-type]
                country=form.cleaned_data["country"],
                month=form.cleaned_data["month"],
            )
        except ValidationError as exc:
            apply_errors(exc, form)
        else:
            return redirect("fivew_report", report.uuid)
    status = request.GET.get("status", "")
    if status not in Status.values:
        status = ""
    found = selectors.reports(user=request.user, status=status)
    return render(
        request,
        "fivew/reports.html",
        {
            "form": form,
            "can_open": countries.exists(),
            "reports": found[:300],
            "status": status,
            "statuses": Status.choices,
            "is_imo": services.may_validate(request.user),
        },
    )


def _report_context(request: AuthenticatedRequest, report: Report, **extra: Any) -> dict[str, Any]:
    rows = selectors.activities(user=request.user, report=report)
    may_edit = report.editable and services.may_report(
        request.user, report.organization_id, report.country_id
    )
    return {
        "report": report,
        "rows": rows,
        "events": report.events.select_related("actor"),
        "may_edit": may_edit,
        "may_submit": may_edit and rows.exists(),
        "may_validate": report.status == Status.SUBMITTED
        and services.may_validate(request.user, report.country_id),
        "may_return": report.status in (Status.SUBMITTED, Status.VALIDATED)
        and services.may_validate(request.user, report.country_id),
        "return_form": extra.pop("return_form", None) or forms.ReturnForm(),
        **extra,
    }


@perm_required(Perm.REPORT_5W, Perm.VALIDATE_5W)
def report(request: AuthenticatedRequest, uuid: Any) -> HttpResponse:
    found = selectors.get_report(user=request.user, uuid=uuid)
    return render(request, "fivew/report.html", _report_context(request, found))


@perm_required(Perm.REPORT_5W, Perm.VALIDATE_5W)
@require_POST
def transition(request: AuthenticatedRequest, uuid: Any, action: str) -> HttpResponse:
    found = selectors.get_report(user=request.user, uuid=uuid)
    form = forms.ReturnForm(request.POST)
    comment = form.cleaned_data["comment"] if form.is_valid() else ""
    try:
        services.report_transition(
            actor=request.user,
            report=found,
            action=action,
            comment=comment,
            language=get_language(),
        )
    except services.RowsInvalid as exc:
        return render(
            request,
            "fivew/report.html",
            _report_context(
                request,
                found,
                problems=sorted(exc.problems.items()),
            ),
            status=400,
        )
    except ValidationError as exc:
        if action == "return":
            apply_errors(exc, form)
        for m in _errors(exc):
            messages.error(request, m)
        return render(
            request,
            "fivew/report.html",
            _report_context(request, found, return_form=form),
            status=400,
        )
    messages.success(
        request,
        {
            "submit": _("Report submitted to the IMO."),
            "validate": _("Report validated."),
            "return": _("Report returned to the partner with your comments."),
        }.get(action, ""),
    )
    return redirect("fivew_report", found.uuid)


def _editable_report(request: AuthenticatedRequest, uuid: Any) -> Report:
    found = selectors.get_report(user=request.user, uuid=uuid)
    if not services.may_report(request.user, found.organization_id, found.country_id):
        log(request.user, actions.ACCESS_DENIED, found, "denied", permission=Perm.REPORT_5W.value)
        raise PermissionDenied
    return found


def _readonly(request: AuthenticatedRequest, found: Report) -> HttpResponse | None:
    if found.editable:
        return None
    messages.error(
        request,
        _("This report is %(status)s: it can no longer be changed.")
        % {"status": found.get_status_display().lower()},
    )
    return redirect("fivew_report", found.uuid)


@perm_required(Perm.REPORT_5W)
def row_new(request: AuthenticatedRequest, uuid: Any) -> HttpResponse:
    found = _editable_report(request, uuid)
    if (closed := _readonly(request, found)) is not None:
        return closed
    form = forms.ActivityForm(_posted(request), report=found)
    problems: list[str] = []
    if request.method == "POST" and form.is_valid():
        try:
            services.activities_add(
                actor=request.user,
                organization=found.organization,
                rows=[form.canonical()],
                report=found,
            )
        except services.RowsInvalid as exc:
            problems = [m for ms in exc.problems.values() for m in ms]
        except ValidationError as exc:
            problems = _errors(exc)
        else:
            messages.success(request, _("Row added."))
            return redirect("fivew_report", found.uuid)
    status = 400 if request.method == "POST" else 200
    return render(
        request,
        "fivew/row_form.html",
        {"report": found, "form": form, "problems": problems},
        status=status,
    )


GRID_COLUMNS = (
    "admin1",
    "indicator",
    "activity_name",
    "monthly_beneficiaries",
    "new_beneficiaries",
    F.POP_IN_DESTINATION,
    F.POP_IN_TRANSIT,
    F.POP_HOST_COMMUNITY,
    F.POP_PENDULAR,
    F.POP_COLOMBIAN_RETURNEES,
    F.WOMEN_UNDER18,
    F.MEN_UNDER18,
    F.OTHER_UNDER18,
    F.WOMEN_OVER18,
    F.MEN_OVER18,
    F.OTHER_OVER18,
    "quantity_output",
    "rmrp_activity",
    "cva",
    "value_usd",
    "delivery_mechanism",
    "implementing_partner",
    "admin2",
)


@perm_required(Perm.REPORT_5W)
def grid(request: AuthenticatedRequest, uuid: Any) -> HttpResponse:
    """Many rows at once: a plain table of inputs (no script), saved all or none."""
    found = _editable_report(request, uuid)
    if (closed := _readonly(request, found)) is not None:
        return closed
    formset = forms.GridFormSet(_posted(request), form_kwargs={"report": found})
    problems: list[tuple[int, list[str]]] = []
    status = 200
    if request.method == "POST":
        status = 400
        if formset.is_valid():
            filled = [
                (i, f)
                for i, f in enumerate(formset.forms, start=1)
                if f.has_changed() and f.cleaned_data
            ]
            if not filled:
                problems = [(0, [_("Fill in at least one row.")])]
            else:
                try:
                    services.activities_add(
                        actor=request.user,
                        organization=found.organization,
                        report=found,
                        rows=[f.canonical() for _i, f in filled],
                    )
                except services.RowsInvalid as exc:
                    numbers = [i for i, _f in filled]
                    problems = [(numbers[n - 1], ms) for n, ms in sorted(exc.problems.items())]
                except ValidationError as exc:
                    problems = [(0, _errors(exc))]
                else:
                    messages.success(request, _("%(n)s rows added.") % {"n": len(filled)})
                    return redirect("fivew_report", found.uuid)
    return render(
        request,
        "fivew/grid.html",
        {
            "report": found,
            "formset": formset,
            "problems": problems,
            "columns": GRID_COLUMNS,
        },
        status=status,
    )


@perm_required(Perm.REPORT_5W)
@require_POST
def row_delete(request: AuthenticatedRequest, uuid: Any) -> HttpResponse:
    activity = selectors.get_activity(user=request.user, uuid=uuid)
    try:
        services.activity_delete(actor=request.user, activity=activity)
    except ValidationError as exc:
        for m in _errors(exc):
            messages.error(request, m)
    return redirect("fivew_report", activity.report.uuid)


@perm_required(Perm.REPORT_5W)
@require_POST
def generate(request: AuthenticatedRequest, uuid: Any) -> HttpResponse:
    found = _editable_report(request, uuid)
    try:
        result = services.report_generate(actor=request.user, report=found)
    except ValidationError as exc:
        for m in _errors(exc):
            messages.error(request, m)
        return redirect("fivew_report", found.uuid)
    messages.success(
        request,
        _(
            "%(n)s draft rows drafted from the month's service deliveries: "
            "review them before submitting."
        )
        % {"n": result.rows},
    )
    if result.unmapped:
        messages.warning(
            request,
            _(
                "Left out: %(indicator)s deliveries whose indicator has no RMRP indicator, "
                "%(area)s without an admin-1 area. The IMO maps indicators on the reference page."
            )
            % {
                "indicator": result.unmapped.get("no_indicator", 0),
                "area": result.unmapped.get("no_area", 0),
            },
        )
    return redirect("fivew_report", found.uuid)


# --- uploads --------------------------------------------------------------------------


@perm_required(Perm.REPORT_5W)
def upload(request: AuthenticatedRequest) -> HttpResponse:
    form = forms.UploadForm(_posted(request), request.FILES if request.method == "POST" else None)
    org = request.context.organization
    if request.method == "POST" and form.is_valid() and org is not None:
        f = form.cleaned_data["file"]
        try:
            staged = services.upload_stage(
                actor=request.user,
                organization=org,
                name=f.name,
                content=io.BytesIO(f.read()),
                language=get_language(),
            )
        except ValidationError as exc:
            form.add_error("file", exc)
        else:
            return redirect("fivew_upload_review", staged.uuid)
    return render(
        request,
        "fivew/upload.html",
        {"form": form},
        status=400 if request.method == "POST" else 200,
    )


@perm_required(Perm.REPORT_5W)
def upload_review(request: AuthenticatedRequest, uuid: Any) -> HttpResponse:
    staged = selectors.get_upload(user=request.user, uuid=uuid)
    if request.method == "POST":
        try:
            n = services.upload_confirm(actor=request.user, upload=staged)
        except services.RowsInvalid as exc:
            for ms in exc.problems.values():
                for m in ms:
                    messages.error(request, m)
        except ValidationError as exc:
            for m in _errors(exc):
                messages.error(request, m)
        else:
            messages.success(request, _("%(n)s rows saved as drafts.") % {"n": n})
            return redirect("fivew_reports")
    invalid = [r for r in staged.rows if r["problems"]]
    return render(
        request,
        "fivew/upload_review.html",
        {
            "upload": staged,
            "invalid": invalid,
            "valid": len(staged.rows) - len(invalid),
            "total": len(staged.rows),
        },
    )


# --- reference lists (IMO) ------------------------------------------------------------

REFERENCE_FORMS = {
    "indicator": forms.IndicatorForm,
    "sector": forms.SectorForm,
    "item": forms.ItemForm,
    "admin1": forms.Admin1Form,
}


@perm_required(Perm.VALIDATE_5W)
def reference(request: AuthenticatedRequest) -> HttpResponse:
    try:
        year = int(request.GET.get("year") or timezone.localdate().year)
    except ValueError:
        year = timezone.localdate().year
    bound: dict[str, Any] = {}
    if request.method == "POST":
        kind = request.POST.get("list", "")
        if kind == "load":
            from caminantes.coordination.fivew import refdata

            services._require_imo(request.user, Sector)
            counts = refdata.load()
            messages.success(
                request, _("R4V lists loaded: %(n)s new entries.") % {"n": sum(counts.values())}
            )
            return redirect("fivew_reference")
        if kind == "copy":
            try:
                target = int(request.POST.get("target", ""))
                n = services.indicators_copy_year(actor=request.user, source=year, target=target)
            except (ValueError, ValidationError):
                messages.error(request, _("Choose two different years."))
            else:
                messages.success(request, _("%(n)s indicators copied.") % {"n": n})
            return redirect(f"{request.path}?year={year}")
        form_class = REFERENCE_FORMS.get(kind)
        if form_class is not None:
            form = form_class(request.POST, prefix=kind)
            bound[kind] = form
            if form.is_valid():
                d = form.cleaned_data
                try:
                    savers: dict[str, Callable[..., Any]] = {
                        "indicator": services.indicator_save,
                        "sector": services.sector_save,
                        "item": services.item_save,
                        "admin1": services.admin1_save,
                    }
                    savers[kind](actor=request.user, **d)
                except ValidationError as exc:
                    apply_errors(exc, form)
                else:
                    messages.success(request, _("Saved."))
                    return redirect(f"{request.path}?year={year}")
    return render(
        request,
        "fivew/reference.html",
        {
            "year": year,
            "indicators": Indicator.objects.filter(year=year).select_related("sector"),
            "years": sorted(set(Indicator.objects.values_list("year", flat=True))),
            "sectors": Sector.objects.select_related("parent").order_by("parent__name", "name"),
            "items": ReferenceItem.objects.all(),
            "admin1": Admin1.objects.select_related("country").order_by("country__name_es", "name")[
                :500
            ],
            "forms": {
                k: bound.get(k) or c(prefix=k, initial={"year": year})
                for k, c in REFERENCE_FORMS.items()
            },
        },
        status=400 if bound else 200,
    )


# --- dashboard and exports ------------------------------------------------------------


def _dashboard_filters(
    request: AuthenticatedRequest,
) -> tuple[forms.DashboardForm, dict[str, Any] | None]:
    countries = selectors.dashboard_countries(user=request.user)
    form = forms.DashboardForm(request.GET or None, countries=countries)
    if form.is_bound and not form.is_valid():
        return form, None
    d = form.cleaned_data if form.is_bound else {}
    chosen = [d["country"]] if d.get("country") else list(countries)
    start, end = d.get("start"), d.get("end")
    if not form.is_bound or not (start or end or d.get("year")):
        year = timezone.localdate().year
        start, end = date(year, 1, 1), timezone.localdate().replace(day=1)
    return form, {"countries": chosen, "start": start, "end": end, "sector": d.get("sector")}


@perm_required(Perm.REPORT_5W, Perm.VALIDATE_5W, Perm.EXPORT_AGGREGATES)
def dashboard_page(request: AuthenticatedRequest) -> HttpResponse:
    form, filters = _dashboard_filters(request)
    if filters is None:
        return render(request, "fivew/dashboard.html", {"form": form}, status=400)
    figures = dashboard.figures(selectors.validated_summaries(user=request.user), **filters)
    return render(
        request,
        "fivew/dashboard.html",
        {
            "form": form,
            "f": figures,
            "filters": filters,
            "query": request.GET.urlencode(),
            "may_publish": services.may_validate(request.user),
            "publish_form": forms.PublishForm(
                countries=selectors.dashboard_countries(user=request.user)
            ),
        },
    )


@perm_required(Perm.REPORT_5W, Perm.VALIDATE_5W, Perm.EXPORT_AGGREGATES)
def export(request: AuthenticatedRequest, fmt: str) -> HttpResponseBase:
    form, filters = _dashboard_filters(request)
    if filters is None:
        return render(request, "fivew/dashboard.html", {"form": form}, status=400)
    qs = selectors.validated_activities(user=request.user)
    log(request.user, actions.EXPORT, Subject("fivew:validated"), format=fmt)
    if fmt == "hxl":
        body = exports.hxl_csv(qs, **filters)
        response = HttpResponse(body, content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = 'attachment; filename="5w-validated-hxl.csv"'
        return response
    table = exports.consolidated_table(qs, **filters)
    if fmt == "xlsx":
        buffer = io.BytesIO()
        write_xlsx(table, buffer)
        response = HttpResponse(
            buffer.getvalue(),
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
        response["Content-Disposition"] = 'attachment; filename="5w-consolidated.xlsx"'
        return response
    if fmt != "csv":
        raise Http404
    streamed = StreamingHttpResponse(
        csv_stream(table, with_hxl=True), content_type="text/csv; charset=utf-8"
    )
    streamed["Content-Disposition"] = 'attachment; filename="5w-consolidated.csv"'
    return streamed


@perm_required(Perm.VALIDATE_5W)
@require_POST
def publish(request: AuthenticatedRequest) -> HttpResponse:
    form = forms.PublishForm(
        request.POST, countries=selectors.dashboard_countries(user=request.user)
    )
    if not form.is_valid():
        for errors in form.errors.values():
            for m in errors:
                messages.error(request, str(m))
        return redirect("fivew_dashboard")
    try:
        services.publication_publish(actor=request.user, **form.cleaned_data)
    except ValidationError as exc:
        for m in _errors(exc):
            messages.error(request, m)
    else:
        messages.success(request, _("Published: anyone can now download the aggregate."))
    return redirect("fivew_public")


def public(request: Any) -> HttpResponse:
    """Open to anyone: the published countries and years."""
    return render(request, "fivew/public.html", {"publications": selectors.publications()})


def public_download(request: Any, iso3: str, year: int) -> HttpResponseBase:
    """Open to anyone once an IMO published it: validated aggregates per admin-1 and sector,
    small protection cells suppressed. Nothing personal in it."""
    pub = selectors.publications().filter(country__iso3=iso3.upper()[:3], year=year).first()
    if pub is None:
        raise Http404
    table = exports.public_table(pub.country, year)
    response = StreamingHttpResponse(
        csv_stream(table, with_hxl=True), content_type="text/csv; charset=utf-8"
    )
    response["Content-Disposition"] = f'attachment; filename="5w-{pub.country.iso3}-{year}.csv"'
    return response
