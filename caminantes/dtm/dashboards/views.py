"""Dashboard pages: an operation's flows and surveys, filtered by period, point, direction."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

from caminantes.accounts import policies
from caminantes.accounts.decorators import perm_required
from caminantes.accounts.permissions import Perm
from caminantes.dtm.dashboards import figures, mobility_charts
from caminantes.dtm.dashboards.filters import FilterForm, Filters, filters_from
from caminantes.dtm.dashboards.flows import flow_figures, last_day
from caminantes.dtm.dashboards.labels import forget_countries
from caminantes.dtm.dashboards.mobility import (
    MobilityFilterForm,
    MobilityFilters,
    mobility_figures,
    visible_rounds,
)
from caminantes.dtm.dashboards.mobility import filters_from as mobility_filters_from
from caminantes.dtm.dashboards.surveys import survey_figures
from caminantes.dtm.models import FlowMonitoringPoint, Operation


def operation_and_filters(request: HttpRequest, uuid: Any) -> tuple[Operation, FilterForm, Filters]:
    """The operation (404 when not visible) and the filters read from the query string."""
    operation = policies.get_for_user(request.user, Operation, uuid, Perm.DTM_ANALYSE)
    points = (
        policies.visible(request.user, FlowMonitoringPoint, Perm.DTM_ANALYSE)
        .filter(operation=operation)
        .order_by("country__iso2", "name")
    )
    form = FilterForm(request.GET or None, points=points, countries=operation.countries.all())
    return operation, form, filters_from(form, operation, last_day(request.user, operation))


def _countries(operation: Operation) -> list[str]:
    return list(operation.countries.values_list("iso2", flat=True))


@perm_required(Perm.DTM_ANALYSE)
def index(request: HttpRequest) -> HttpResponse:
    operations = (
        policies.visible(request.user, Operation, Perm.DTM_ANALYSE)
        .select_related("organization")
        .prefetch_related("rounds")
        .order_by("name")
    )
    return render(request, "dtm/dashboards/index.html", {"operations": operations})


@perm_required(Perm.DTM_ANALYSE)
def flows(request: HttpRequest, uuid: Any) -> HttpResponse:
    forget_countries()
    operation, form, filters = operation_and_filters(request, uuid)
    fig = flow_figures(user=request.user, operation=operation, filters=filters)
    context = {
        "operation": operation,
        "form": form,
        "filters": filters,
        "fig": fig,
        "kpis": figures.key_figures(fig),
        "flow_type_rows": figures.flow_type_rows(fig),
        "charts": figures.flow_charts(fig),
        "map": figures.flow_map(fig, _countries(operation)),
        "tab": "flows",
    }
    return render(request, "dtm/dashboards/flows.html", context)


@perm_required(Perm.DTM_ANALYSE)
def surveys(request: HttpRequest, uuid: Any) -> HttpResponse:
    forget_countries()
    operation, form, filters = operation_and_filters(request, uuid)
    fig = survey_figures(user=request.user, operation=operation, filters=filters)
    context = {
        "operation": operation,
        "form": form,
        "filters": filters,
        "fig": fig,
        "charts": figures.survey_charts(fig),
        "tab": "surveys",
    }
    return render(request, "dtm/dashboards/surveys.html", context)


def operation_and_mobility_filters(
    request: HttpRequest, uuid: Any
) -> tuple[Operation, MobilityFilterForm, MobilityFilters]:
    """The operation (404 when not visible), the round, level and country asked for."""
    operation = policies.get_for_user(request.user, Operation, uuid, Perm.DTM_ANALYSE)
    rounds = visible_rounds(request.user, operation).order_by("-number")
    form = MobilityFilterForm(
        request.GET or None, rounds=rounds, countries=operation.countries.order_by("iso2")
    )
    return operation, form, mobility_filters_from(form, rounds)


@perm_required(Perm.DTM_ANALYSE)
def mobility(request: HttpRequest, uuid: Any) -> HttpResponse:
    """Mobility tracking: baselines by admin area and round, sites, needs, the map."""
    forget_countries()
    operation, form, filters = operation_and_mobility_filters(request, uuid)
    fig = mobility_figures(user=request.user, operation=operation, filters=filters)
    countries = [filters.country.iso2] if filters.country else _countries(operation)
    context = {
        "operation": operation,
        "mobility_form": form,
        "filters": filters,
        "fig": fig,
        "kpis": mobility_charts.key_figures(fig),
        "charts": mobility_charts.charts(fig),
        "map": mobility_charts.mobility_map(fig, countries),
        "legend": mobility_charts.legend(fig),
        "export_tables": [
            ("areas", _("People by admin area")),
            ("needs", _("Needs by sector")),
            ("sites", _("Collective sites")),
        ],
        "can_export": policies.has_perm(
            request.user, Perm.EXPORT_AGGREGATES, organization_id=operation.organization_id
        ),
        "query": request.GET.urlencode(),
        "tab": "mobility",
    }
    return render(request, "dtm/dashboards/mobility.html", context)
