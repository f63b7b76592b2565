from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.apps import AppConfig
from django.db.models import Exists, OuterRef, Q
from django.utils.translation import gettext_lazy as _


class IdentityConfig(AppConfig):
    name = "caminantes.identity"
    label = "identity"
    verbose_name = _("Identity")

    def ready(self) -> None:
        from caminantes.accounts.permissions import Perm
        from caminantes.accounts.policies import Grant, Scope, register
        from caminantes.audit import actions as audit_actions
        from caminantes.identity import actions, receivers
        from caminantes.identity import models as m
        from caminantes.lib import navigation
        from caminantes.registry import events

        def holds(prefix: str, g: Grant) -> Q:
            """The person at `prefix` is in a household this grant covers."""
            q = Q(**{f"{prefix}household__organization": g.organization_id}) & Q(
                **{f"{prefix}household__country__in": g.country_ids}
            )
            if g.area_ids:
                q &= Q(**{f"{prefix}household__admin_area__in": g.area_ids})
            return q

        def ticket_rule(g: Grant) -> Q:
            # A ticket is seen only by whoever may see every record in it.
            outside = m.TicketRecord.objects.filter(ticket=OuterRef("pk")).exclude(
                holds("person__", g)
            )
            return Q(country__in=g.country_ids) & ~Q(Exists(outside))

        def both_people(g: Grant) -> Q:
            return holds("person_a__", g) & holds("person_b__", g)

        def both_merged(g: Grant) -> Q:
            return holds("survivor__", g) & holds("merged__", g)

        def tracing_rule(prefix: str) -> Callable[[Grant], Q]:
            def rule(g: Grant) -> Q:
                requesting = Q(**{f"{prefix}request__organization": g.organization_id}) & Q(
                    **{f"{prefix}request__country__in": g.country_ids}
                )
                return requesting | holds(f"{prefix}person__", g)

            return rule

        review = Perm.REVIEW_DUPLICATES
        register(m.Thresholds, Scope(permission=Perm.MANAGE_THRESHOLDS, country="country"))
        register(m.DedupeRun, Scope(permission=review, country="country"))
        register(m.ReviewTicket, Scope(permission=review, country_rule=ticket_rule))
        register(
            m.TicketRecord,
            Scope(permission=review, country_rule=lambda g: holds("person__", g)),
        )
        register(m.PairDecision, Scope(permission=review, country_rule=both_people))
        register(m.MergeRecord, Scope(permission=review, country_rule=both_merged))
        # Tracing requests, matches and cases name people: reading one is audited.
        tracing = Perm.FAMILY_TRACING
        register(
            m.TracingRequest,
            Scope(
                permission=tracing, organization="organization", country="country",
                personal_data=True,
            ),
        )  # fmt: skip
        register(
            m.TracingMatch,
            Scope(permission=tracing, country_rule=tracing_rule(""), personal_data=True),
        )
        register(
            m.ReunificationCase,
            Scope(permission=tracing, country_rule=tracing_rule("match__"), personal_data=True),
        )
        register(m.Notification, Scope(owner="user"))

        for action, label in actions.LABELS.items():
            audit_actions.LABELS.setdefault(action, label)

        navigation.add("identity_review", _("Duplicates"), review, order=140)
        navigation.add("identity_tracing", _("Family tracing"), Perm.FAMILY_TRACING, order=150)
        events.people_registered.connect(
            receivers.on_people_registered, dispatch_uid="identity_tracing_rematch"
        )
        events.consent_withdrawn.connect(
            receivers.on_consent_withdrawn, dispatch_uid="identity_tracing_consent_withdrawn"
        )
        from caminantes.registry import links

        links.register(tracing_link)


def tracing_link(request: Any, household: Any, person: Any) -> dict[str, str] | None:
    """ "Look for a relative" under each member, for those who may open tracing requests."""
    from django.urls import reverse

    from caminantes.accounts import policies
    from caminantes.accounts.permissions import Perm

    allowed = policies.has_perm(
        request.user,
        Perm.FAMILY_TRACING,
        organization_id=household.organization_id,
        country_id=household.country_id,
    )
    if not allowed:
        return None
    url = reverse("identity_tracing_new") + f"?person={person.uuid}"
    return {"url": url, "label": str(_("Look for a relative"))}
