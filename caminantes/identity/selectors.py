"""Reads of identity's records, always through the access policy."""

from __future__ import annotations

from typing import Any

from django.db.models import Count, Exists, OuterRef, QuerySet

from caminantes.accounts import policies
from caminantes.accounts.permissions import Perm
from caminantes.geo.models import Country
from caminantes.identity.models import (
    DedupeRun,
    MergeRecord,
    Notification,
    ReunificationCase,
    ReviewTicket,
    Thresholds,
    TicketRecord,
    TracingMatch,
    TracingRequest,
)
from caminantes.registry.models import Person


def tickets_for_user(*, user: Any) -> QuerySet[ReviewTicket]:
    """Tickets whose every record the user may see (the policy checks each grant; this also
    checks the union of grants, areas included, against the registry's own policy)."""
    people = policies.visible(user, Person)
    hidden = TicketRecord.objects.filter(ticket=OuterRef("pk")).exclude(person__in=people)
    return policies.visible(user, ReviewTicket).exclude(Exists(hidden)).select_related("country")


# The ticket lists a reviewer can filter by, in the order of the tabs.
TICKET_FILTERS = (
    ReviewTicket.Status.OPEN,
    ReviewTicket.Status.LATER,
    ReviewTicket.Status.MERGED,
    ReviewTicket.Status.NOT_SAME,
)


def tickets_with_status(*, user: Any, status: str, country: Any = None) -> QuerySet[ReviewTicket]:
    """The user's tickets of one status (in the context's country, if one is chosen): those
    waiting by score, decided ones latest decision first."""
    tickets = tickets_for_user(user=user).filter(status=status)
    if country is not None:
        tickets = tickets.filter(country=country)
    if status in (ReviewTicket.Status.MERGED, ReviewTicket.Status.NOT_SAME):
        tickets = tickets.select_related("decided_by").order_by("-decided_at", "-id")
    return tickets.prefetch_related("records")


def ticket_counts(*, user: Any, country: Any = None) -> dict[str, int]:
    """How many of the user's tickets have each status, for the filter tabs."""
    tickets = tickets_for_user(user=user)
    if country is not None:
        tickets = tickets.filter(country=country)
    found = dict(tickets.order_by().values_list("status").annotate(n=Count("pk")))
    return {status: found.get(status, 0) for status in TICKET_FILTERS}


def ticket_for_user(*, user: Any, uuid: Any) -> ReviewTicket:
    ticket = policies.get_for_user(user, ReviewTicket, uuid)
    if not tickets_for_user(user=user).filter(pk=ticket.pk).exists():
        from django.http import Http404

        raise Http404
    return ticket


def ticket_records(ticket: ReviewTicket) -> list[TicketRecord]:
    return list(
        ticket.records.select_related(
            "person",
            "person__household",
            "person__household__organization",
            "person__household__country",
            "person__merged_into",
            "person__birth_area",
            "person__birth_country",
        ).prefetch_related(
            "person__documents",
            "person__nationalities",
            "person__phones",
            "person__household__phones",
        )
    )


def merges_for_user(*, user: Any) -> QuerySet[MergeRecord]:
    return policies.visible(user, MergeRecord).select_related("survivor", "merged", "ticket")


def managed_countries(*, user: Any) -> list[Country]:
    ids: set[int] = set()
    for g in policies.grants(user):
        if Perm.MANAGE_THRESHOLDS in g.perms:
            ids |= g.country_ids
    return list(Country.objects.filter(pk__in=ids).order_by("iso2"))


def thresholds_for(country: Country) -> Thresholds:
    found = Thresholds.objects.filter(country=country).first()
    return found or Thresholds(country=country)


def runs_for_user(*, user: Any) -> QuerySet[DedupeRun]:
    return policies.visible(user, DedupeRun).select_related("country", "started_by")


def tracing_requests_for_user(*, user: Any) -> QuerySet[TracingRequest]:
    return policies.visible(user, TracingRequest).select_related(
        "organization", "country", "caseworker", "requester"
    )


def matches_to_confirm(*, user: Any) -> QuerySet[TracingMatch]:
    """Pending matches on people the user's organisations hold (they confirm or reject)."""
    people = policies.visible(user, Person, Perm.FAMILY_TRACING)
    return (
        policies.visible(user, TracingMatch)
        .filter(status=TracingMatch.Status.PENDING, person__in=people)
        .select_related("request", "request__organization", "person", "person__household")
    )


def holds_person(user: Any, person: Person) -> bool:
    """May the user see this person's record as its holding organisation (for tracing)?"""
    return policies.visible(user, Person, Perm.FAMILY_TRACING).filter(pk=person.pk).exists()


def cases_for_user(*, user: Any) -> QuerySet[ReunificationCase]:
    return policies.visible(user, ReunificationCase).select_related("match", "match__request")


def notifications_for_user(*, user: Any) -> QuerySet[Notification]:
    return policies.visible(user, Notification)
