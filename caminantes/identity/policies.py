"""Who may see identity's records: duplicate review and family tracing at the policy door.

Imported by `IdentityConfig.ready()` so that the rules are in place at start-up. The rules
are module-level functions from a grant to a Q so that they can be read and tested alone.
"""

from __future__ import annotations

from collections.abc import Callable

from django.db.models import Exists, OuterRef, Q

from caminantes.accounts.permissions import Perm
from caminantes.accounts.policies import Grant, Scope, register
from caminantes.identity import models as m


def holds(prefix: str, grant: Grant) -> Q:
    """The person at `prefix` is in a household this grant covers."""
    q = Q(**{f"{prefix}household__organization": grant.organization_id}) & Q(
        **{f"{prefix}household__country__in": grant.country_ids}
    )
    if grant.area_ids:
        q &= Q(**{f"{prefix}household__admin_area__in": grant.area_ids})
    return q


def ticket_rule(grant: Grant) -> Q:
    """A ticket is seen only by whoever may see every record in it."""
    outside = m.TicketRecord.objects.filter(ticket=OuterRef("pk")).exclude(holds("person__", grant))
    return Q(country__in=grant.country_ids) & ~Q(Exists(outside))


def ticket_record_rule(grant: Grant) -> Q:
    return holds("person__", grant)


def both_people(grant: Grant) -> Q:
    """A pair decision names two people: the grant must cover both."""
    return holds("person_a__", grant) & holds("person_b__", grant)


def both_merged(grant: Grant) -> Q:
    """A merge joined two records: the grant must cover the survivor and the merged one."""
    return holds("survivor__", grant) & holds("merged__", grant)


def tracing_rule(prefix: str) -> Callable[[Grant], Q]:
    """The requesting organisation sees its request's matches; so does whoever holds the
    person found (the request at `prefix`)."""

    def rule(grant: Grant) -> Q:
        requesting = Q(**{f"{prefix}request__organization": grant.organization_id}) & Q(
            **{f"{prefix}request__country__in": grant.country_ids}
        )
        return requesting | holds(f"{prefix}person__", grant)

    return rule


REVIEW = Perm.REVIEW_DUPLICATES

register(m.Thresholds, Scope(permission=Perm.MANAGE_THRESHOLDS, country="country"))
register(m.DedupeRun, Scope(permission=REVIEW, country="country"))
register(m.ReviewTicket, Scope(permission=REVIEW, country_rule=ticket_rule))
register(m.TicketRecord, Scope(permission=REVIEW, country_rule=ticket_record_rule))
register(m.PairDecision, Scope(permission=REVIEW, country_rule=both_people))
register(m.MergeRecord, Scope(permission=REVIEW, country_rule=both_merged))
register(
    m.TracingRequest,
    Scope(
        permission=Perm.FAMILY_TRACING,
        organization="organization",
        country="country",
        personal_data=True,
    ),
)
# Tracing matches and cases name people: reading one is audited.
register(
    m.TracingMatch,
    Scope(permission=Perm.FAMILY_TRACING, country_rule=tracing_rule(""), personal_data=True),
)
register(
    m.ReunificationCase,
    Scope(permission=Perm.FAMILY_TRACING, country_rule=tracing_rule("match__"), personal_data=True),
)
register(m.Notification, Scope(owner="user"))
