from __future__ import annotations

from typing import Any

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class IdentityConfig(AppConfig):
    name = "caminantes.identity"
    label = "identity"
    verbose_name = _("Identity")

    def ready(self) -> None:
        import caminantes.identity.policies  # noqa: F401 - registers the scopes at start-up
        from caminantes.accounts.permissions import Perm
        from caminantes.audit import actions as audit_actions
        from caminantes.identity import actions, receivers
        from caminantes.lib import navigation
        from caminantes.registry import events

        for action, label in actions.LABELS.items():
            audit_actions.LABELS.setdefault(action, label)

        navigation.add("identity_review", _("Duplicates"), Perm.REVIEW_DUPLICATES, order=140)
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
