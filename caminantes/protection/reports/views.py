"""The aggregate report page, /protection/reports/, and its CSV and XLSX files.

Only protection officers (GBV_CASES or TRAFFICKING_CASES, not a platform role) of the
organisation chosen in the switcher get it; anyone else is refused (403, audited). Every
showing and every file is audited, and nothing is cached by the browser."""

from __future__ import annotations

import tempfile
from collections.abc import Callable

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, StreamingHttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import render
from django.urls import get_resolver
from django.views.decorators.cache import never_cache

from caminantes.accounts.context import AuthenticatedRequest
from caminantes.audit import actions
from caminantes.audit.log import Subject, log
from caminantes.protection.reports import exports, report, selectors

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
SUBJECT = Subject(selectors.AUDIT_SUBJECT)


def _no_store(response: HttpResponseBase) -> HttpResponseBase:
    response["Cache-Control"] = "no-store"
    return response


@never_cache
@login_required
def index(request: AuthenticatedRequest) -> HttpResponseBase:
    organization = request.context.organization
    scopes = selectors.scopes_in(request.user, organization)
    if not scopes:
        log(request.user, actions.ACCESS_DENIED, SUBJECT, "denied")
        # The site's own 403 page, answered here so that it carries no-store as well.
        refused: Callable[..., HttpResponseBase] = get_resolver().resolve_error_handler(403)
        return _no_store(refused(request, exception=PermissionDenied()))
    form = report.ReportForm(request.GET, scopes=scopes)
    if not form.is_valid():
        return _no_store(render(request, "protection/reports/index.html", {"form": form}))
    data = form.cleaned_data
    shown = report.build(scope=data["scope"], start=data["start"], end=data["end"])
    details = report.audit_details(shown)
    file_format = request.GET.get("file_format", "")
    if file_format in ("csv", "xlsx"):
        log(request.user, actions.PROTECTION_REPORT_EXPORT, SUBJECT, format=file_format,
            **details)  # fmt: skip
        return _no_store(_send(shown, file_format))
    log(request.user, actions.PROTECTION_REPORT, SUBJECT, **details)
    query = request.GET.copy()
    for key, value in details.items():  # the report shown, asked for or defaulted
        query.setlist(key, [value])
    links = {}
    for fmt in ("csv", "xlsx"):
        query.setlist("file_format", [fmt])
        links[f"{fmt}_url"] = f"?{query.urlencode()}"
    context = {"form": form, "report": shown, "legend": report.legend(), **links}
    return _no_store(render(request, "protection/reports/index.html", context))


def _send(shown: report.Report, file_format: str) -> HttpResponseBase:
    stem = f"protection-{shown.kind}-{shown.country.iso2}-{shown.start:%Y%m}-{shown.end:%Y%m}"
    if file_format == "csv":
        response: HttpResponseBase = StreamingHttpResponse(
            exports.csv_stream(shown), content_type="text/csv; charset=utf-8"
        )
        response["Content-Disposition"] = f'attachment; filename="{stem}.csv"'
        return response
    fh = tempfile.TemporaryFile()  # FileResponse closes it
    exports.write_xlsx(shown, fh)
    fh.seek(0)
    return FileResponse(fh, as_attachment=True, filename=f"{stem}.xlsx", content_type=XLSX)
