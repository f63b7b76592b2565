"""The report pages: a list of reports, the stock report of one warehouse, and people
reached. Each answers as a page or, when asked (`file_format`), as CSV or XLSX; a file is
an export and is audited. Thin: figures come from `stock` and `reach`."""

from __future__ import annotations

import tempfile
from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, HttpRequest, HttpResponse, StreamingHttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import render
from django.utils import timezone
from django.utils.text import slugify

from caminantes.accounts import policies
from caminantes.accounts.context import AuthenticatedRequest
from caminantes.accounts.decorators import perm_required
from caminantes.accounts.permissions import Perm
from caminantes.assistance import selectors
from caminantes.assistance.models import ServiceDelivery
from caminantes.assistance.reports import occupancy, reach, stock
from caminantes.assistance.reports.periods import Period, StockForm
from caminantes.assistance.shelter import selectors as shelter_selectors
from caminantes.audit import actions
from caminantes.audit.log import Subject, log
from caminantes.lib.tables import Table, csv_stream, write_xlsx

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _refuse(request: HttpRequest, *perms: Perm) -> None:
    match = request.resolver_match
    page = Subject(f"page:{match.view_name if match else request.path_info}")
    log(request.user, actions.ACCESS_DENIED, page, "denied",
        permission=",".join(p.value for p in perms))  # fmt: skip
    raise PermissionDenied


def _send(table: Table, stem: str, file_format: str) -> HttpResponseBase:
    name = f"{slugify(stem)}-{timezone.localdate().isoformat()}"
    if file_format == "csv":
        response = StreamingHttpResponse(csv_stream(table), content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="{name}.csv"'
        return response
    fh = tempfile.TemporaryFile()  # FileResponse closes it
    write_xlsx(table, fh)
    fh.seek(0)
    return FileResponse(fh, as_attachment=True, filename=f"{name}.xlsx", content_type=XLSX)


def _download_links(request: HttpRequest, period: Period) -> dict[str, str]:
    """The same report as CSV and as XLSX: the page's query with another `file_format`, and
    the period shown (on a first visit the query names none: the form would ignore it)."""
    links = {}
    for file_format in ("csv", "xlsx"):
        query = request.GET.copy()
        query.setdefault("start", period.start.isoformat())
        query.setdefault("end", period.end.isoformat())
        query["file_format"] = file_format
        links[f"{file_format}_url"] = f"?{query.urlencode()}"
    return links


@login_required
def index(request: AuthenticatedRequest) -> HttpResponse:
    may_stock = policies.has_perm(request.user, Perm.MANAGE_STOCK)
    may_shelter = policies.has_perm(request.user, Perm.MANAGE_SHELTER)
    may_reach = reach.may_read(request.user)
    if not (may_stock or may_shelter or may_reach):
        _refuse(request, Perm.MANAGE_STOCK, Perm.MANAGE_SHELTER, *reach.READERS)
    warehouses = selectors.warehouses_for_user(user=request.user) if may_stock else None
    sites = shelter_selectors.sites_for_user(user=request.user) if may_shelter else None
    return render(request, "assistance/reports/index.html", {
        "warehouses": warehouses, "sites": sites, "may_reach": may_reach,
    })  # fmt: skip


@perm_required(Perm.MANAGE_STOCK)
def stock_page(request: AuthenticatedRequest, uuid: Any) -> HttpResponseBase:
    warehouse = selectors.get_warehouse_for_user(user=request.user, uuid=uuid)
    form = StockForm(request.GET or None)
    context: dict[str, Any] = {"warehouse": warehouse, "form": form}
    if form.is_bound and not form.is_valid():
        return render(request, "assistance/reports/stock.html", context)
    period = form.period()
    by_lot = bool(form.option("by_lot"))
    lines = stock.stock_report(warehouse, period, by_lot=by_lot)
    file_format = form.wanted_format()
    if file_format in ("csv", "xlsx"):
        log(request.user, actions.EXPORT, warehouse, report="stock", format=file_format,
            start=period.start.isoformat(), end=period.end.isoformat(), by_lot=by_lot,
            rows=len(lines))  # fmt: skip
        table = stock.table(warehouse, period, lines, by_lot=by_lot)
        return _send(table, f"stock-{warehouse.name}", file_format)
    charted = form.option("item") or (lines[0].item if lines else None)
    context.update({
        "period": period, "lines": lines, "by_lot": by_lot, "header": stock.header(by_lot=by_lot),
        "chart": stock.stock_chart(warehouse, charted, period) if charted else None,
        **_download_links(request, period),
    })  # fmt: skip
    return render(request, "assistance/reports/stock.html", context)


@login_required
def people_reached(request: AuthenticatedRequest) -> HttpResponseBase:
    if not reach.may_read(request.user):
        _refuse(request, *reach.READERS)
    ctx = request.context
    deliveries = reach.deliveries_for_report(
        user=request.user, organization=ctx.organization, country=ctx.country
    )
    form = reach.ReachForm(request.GET or None, deliveries=deliveries)
    context: dict[str, Any] = {"form": form, "ctx": ctx}
    if form.is_bound and not form.is_valid():
        return render(request, "assistance/reports/reach.html", context)
    period = form.period()
    chosen = form.narrow(deliveries)
    result = reach.reach(chosen)
    file_format = form.wanted_format()
    if file_format in ("csv", "xlsx") and ctx.organization and ctx.country:
        log(request.user, actions.EXPORT, ServiceDelivery, report="people_reached",
            format=file_format, start=period.start.isoformat(), end=period.end.isoformat(),
            country=ctx.country.iso2, rows=len(result.cells))  # fmt: skip
        table = reach.table(result, period, organization=ctx.organization, country=ctx.country)
        return _send(table, f"people-reached-{ctx.organization.acronym}", file_format)
    context.update({
        "period": period, "result": result,
        "sexes": reach.sex_columns(), "ages": reach.age_columns(),
        "populations": reach.population_columns(),
        "chart": reach.deliveries_chart(chosen, period),
        **_download_links(request, period),
    })  # fmt: skip
    return render(request, "assistance/reports/reach.html", context)


@perm_required(Perm.MANAGE_SHELTER)
def occupancy_page(request: AuthenticatedRequest, uuid: Any) -> HttpResponseBase:
    site = shelter_selectors.get_site_for_user(user=request.user, uuid=uuid)
    form = occupancy.OccupancyForm(request.GET or None)
    context: dict[str, Any] = {"site": site, "form": form}
    if form.is_bound and not form.is_valid():
        return render(request, "assistance/reports/occupancy.html", context)
    period = form.period()
    nights = occupancy.nights(site, period)
    file_format = form.wanted_format()
    if file_format in ("csv", "xlsx"):
        log(request.user, actions.EXPORT, site, report="shelter_occupancy",
            format=file_format, start=period.start.isoformat(), end=period.end.isoformat(),
            rows=len(nights))  # fmt: skip
        return _send(occupancy.table(site, period, nights), f"occupancy-{site.name}", file_format)
    context.update({
        "period": period, "nights": nights, "chart": occupancy.chart(nights),
        "header": occupancy.header(), **_download_links(request, period),
    })  # fmt: skip
    return render(request, "assistance/reports/occupancy.html", context)
