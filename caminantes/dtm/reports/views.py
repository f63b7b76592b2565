"""Round reports (HTML, PDF) and the exports of an operation."""

from __future__ import annotations

import tempfile
from typing import Any

from django.http import FileResponse, HttpRequest, HttpResponse, StreamingHttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import render
from django.utils import timezone

from caminantes.accounts import policies
from caminantes.accounts.decorators import perm_required, sudo_required
from caminantes.accounts.permissions import Perm
from caminantes.audit import actions
from caminantes.audit.log import log
from caminantes.dtm.dashboards.views import operation_and_filters, operation_and_mobility_filters
from caminantes.dtm.exports import aggregates, microdata, mobility
from caminantes.dtm.models import Round
from caminantes.dtm.reports.builder import LANGUAGES, render_pdf, render_report
from caminantes.lib import tables as files

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
LANGUAGE_NAMES = {"es": "Español", "en": "English", "pt": "Português"}


@perm_required(Perm.DTM_ANALYSE)
def reports(request: HttpRequest, uuid: Any) -> HttpResponse:
    operation, form, filters = operation_and_filters(request, uuid)
    rounds = policies.visible(request.user, Round, Perm.DTM_ANALYSE).filter(operation=operation)
    org = operation.organization_id
    context = {
        "operation": operation,
        "rounds": rounds.order_by("-number"),
        "report_languages": [(code, LANGUAGE_NAMES[code]) for code in LANGUAGES],
        "form": form,
        "filters": filters,
        "query": request.GET.urlencode(),
        "can_export": policies.has_perm(request.user, Perm.EXPORT_AGGREGATES, organization_id=org),
        "can_microdata": policies.has_perm(request.user, Perm.DTM_MICRODATA, organization_id=org),
        "tab": "reports",
    }
    return render(request, "dtm/reports/index.html", context)


@perm_required(Perm.DTM_ANALYSE)
def round_report(request: HttpRequest, uuid: Any) -> HttpResponse:
    """The report as a page (?format=html, default) or a PDF (?format=pdf), ?lang=es|en|pt."""
    round_ = policies.get_for_user(request.user, Round, uuid, Perm.DTM_ANALYSE)
    language = request.GET.get("lang", "")
    if language not in LANGUAGES:
        language = (getattr(request, "LANGUAGE_CODE", "es") or "es")[:2]
    as_pdf = request.GET.get("format") == "pdf"
    report = render_report(user=request.user, round_=round_, language=language, for_pdf=as_pdf)
    if not as_pdf:
        return HttpResponse(report.html)
    pdf = render_pdf(report)
    log(request.user, actions.EXPORT, round_, file_format="pdf", language=language)
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{report.filename}.pdf"'
    return response


def _send(table: files.Table, stem: str, file_format: str) -> HttpResponseBase:
    stamp = timezone.localdate().isoformat()
    if file_format in ("csv", "hxl"):
        response = StreamingHttpResponse(
            files.csv_stream(table, with_hxl=file_format == "hxl"),
            content_type="text/csv; charset=utf-8",
        )
        suffix = "-hxl" if file_format == "hxl" else ""
        response["Content-Disposition"] = f'attachment; filename="{stem}-{stamp}{suffix}.csv"'
        return response
    fh = tempfile.TemporaryFile()  # FileResponse closes it
    files.write_xlsx(table, fh)
    fh.seek(0)
    return FileResponse(fh, as_attachment=True, filename=f"{stem}-{stamp}.xlsx", content_type=XLSX)


@perm_required(Perm.EXPORT_AGGREGATES)
def export_flows(request: HttpRequest, uuid: Any) -> HttpResponseBase:
    operation, _form, filters = operation_and_filters(request, uuid)
    file_format = request.GET.get("file_format", "csv")
    if file_format not in ("csv", "xlsx", "hxl"):
        file_format = "csv"
    level = "country" if request.GET.get("level") == "country" else "point"
    table = aggregates.flow_aggregates(
        user=request.user, operation=operation, filters=filters, file_format=file_format,
        level=level,
    )  # fmt: skip
    stem = f"{operation.code}-flows" + ("-countries" if level == "country" else "")
    return _send(table, stem, file_format)


@perm_required(Perm.EXPORT_AGGREGATES)
def export_mobility(request: HttpRequest, uuid: Any) -> HttpResponseBase:
    """?table=areas|needs|sites&file_format=csv|xlsx|hxl, with the dashboard's country."""
    operation, _form, filters = operation_and_mobility_filters(request, uuid)
    file_format = request.GET.get("file_format", "csv")
    if file_format not in ("csv", "xlsx", "hxl"):
        file_format = "csv"
    table = request.GET.get("table", "areas")
    if table not in mobility.TABLES:
        table = "areas"
    result = mobility.mobility_table(
        user=request.user, operation=operation, filters=filters, table=table,
        file_format=file_format,
    )  # fmt: skip
    return _send(result, f"{operation.code}-mobility-{table}", file_format)


@perm_required(Perm.DTM_ANALYSE)
@sudo_required
def export_microdata(request: HttpRequest, uuid: Any) -> HttpResponseBase:
    """Operation first (404 alike for hidden and missing), then DTM_MICRODATA (403, audited)."""
    operation, _form, filters = operation_and_filters(request, uuid)
    file_format = "csv" if request.GET.get("file_format") == "csv" else "xlsx"
    export = microdata.survey_microdata(
        user=request.user, operation=operation, filters=filters, file_format=file_format
    )
    response = _send(export.table, f"{operation.code}-surveys-k{export.result.k}", file_format)
    response["X-Caminantes-K-Anonymity"] = str(export.result.k)
    return response
