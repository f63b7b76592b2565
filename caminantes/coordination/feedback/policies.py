"""Who may see feedback and complaints. Imported by `FeedbackConfig.ready()`.

An item is scoped to its organisation and country, under HANDLE_FEEDBACK (intake and
follow-up staff). A SENSITIVE item (sexual exploitation and abuse, fraud, staff misconduct)
is seen only through a membership that also grants SENSITIVE_FEEDBACK, i.e. the
organisation's PSEA focal points in that country: the designation IS the membership (role
PSEA_FOCAL_POINT, given by a country manager and audited like every membership), so there is
no second list to keep in step. Nobody else sees one, however senior: not the person who
recorded it (once saved), not a country manager, not a platform administrator (no
platform-wide view), not an auditor. The rule is the policy door's, so lists, counts,
dashboards, exports and the API all apply it (use `selectors`, never the manager).
"""

from __future__ import annotations

from typing import Any

from django.db.models import Q

from caminantes.accounts.permissions import Perm
from caminantes.accounts.policies import Grant, Scope, has_perm, register
from caminantes.audit.log import Subject
from caminantes.coordination.feedback.models import FeedbackItem


def subject(item: FeedbackItem) -> Any:
    """What the audit trail names: a sensitive item under a type the general trail hides
    (audit.models.HIDDEN_OBJECT_TYPE_PREFIXES), shown only on the item to its focal points."""
    if item.sensitive:
        return Subject("feedback.sensitive", item.uuid)
    return item


def item_rule(grant: Grant) -> Q:
    q = Q(country__in=grant.country_ids)
    if Perm.SENSITIVE_FEEDBACK not in grant.perms:
        q &= Q(sensitive=False)
    return q


def is_focal_point(user: Any, organization_id: int, country_id: int) -> bool:
    """A designated focal point for sensitive complaints of this organisation and country."""
    return has_perm(user, Perm.SENSITIVE_FEEDBACK, organization_id=organization_id,
                    country_id=country_id)  # fmt: skip


def may_handle(user: Any, item: FeedbackItem) -> bool:
    """May record steps on the item: a focal point for a sensitive one, otherwise anyone
    handling feedback for its organisation and country."""
    if item.sensitive:
        return is_focal_point(user, item.organization_id, item.country_id)
    return has_perm(user, Perm.HANDLE_FEEDBACK, organization_id=item.organization_id,
                    country_id=item.country_id)  # fmt: skip


register(
    FeedbackItem,
    Scope(
        permission=Perm.HANDLE_FEEDBACK, organization="organization", country_rule=item_rule,
        platform_wide=False,
    ),
)  # fmt: skip
