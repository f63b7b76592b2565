"""Reads of the 5W, always through the policy door."""

from __future__ import annotations

from typing import Any

from django.db.models import Count, QuerySet

from caminantes.accounts import policies
from caminantes.accounts.permissions import Perm
from caminantes.coordination.fivew.models import (
    Activity,
    CvaSummary,
    Publication,
    Report,
    Status,
    Summary,
    Upload,
)
from caminantes.coordination.fivew.summary import Summaries
from caminantes.geo.models import Country


def reports(*, user: Any, country: Any = None, status: str = "") -> QuerySet[Report]:
    qs = policies.visible(user, Report)
    if country is not None:
        qs = qs.filter(country=country)
    if status:
        qs = qs.filter(status=status)
    return qs.select_related("organization", "country").annotate(rows=Count("activities"))


def get_report(*, user: Any, uuid: Any) -> Report:
    return policies.get_for_user(user, Report, uuid)


def activities(*, user: Any, report: Report | None = None) -> QuerySet[Activity]:
    qs = policies.visible(user, Activity)
    if report is not None:
        qs = qs.filter(report=report)
    return qs.select_related("admin1", "sector", "indicator", "implementing_partner")


def get_activity(*, user: Any, uuid: Any) -> Activity:
    return policies.get_for_user(user, Activity, uuid)


def get_upload(*, user: Any, uuid: Any) -> Upload:
    return policies.get_for_user(user, Upload, uuid)


def dashboard_countries(*, user: Any) -> QuerySet[Country]:
    """Countries whose validated figures the user may read: those of her memberships that
    carry a 5W or aggregate permission (validated figures are aggregates, published anyway
    by R4V; drafts never reach them)."""
    ids: set[int] = set()
    for g in policies.grants(user):
        if g.perms & {Perm.REPORT_5W, Perm.VALIDATE_5W, Perm.EXPORT_AGGREGATES}:
            ids |= g.country_ids
    return Country.objects.filter(pk__in=ids).order_by("name_es")


def validated_activities(*, user: Any) -> QuerySet[Activity]:
    """Validated rows of the user's dashboard countries, every organisation's."""
    return Activity.objects.filter(
        report__status=Status.VALIDATED, report__country__in=dashboard_countries(user=user)
    )


def validated_summaries(*, user: Any) -> Summaries:
    """The summaries of the validated rows of the user's dashboard countries (what
    `validated_activities` holds, added up: see `summary`)."""
    countries = dashboard_countries(user=user)
    return Summaries(
        reach=Summary.objects.filter(country__in=countries),
        cva=CvaSummary.objects.filter(country__in=countries),
    )


def publications() -> QuerySet[Publication]:
    return Publication.objects.select_related("country").order_by("country__name_es", "-year")
