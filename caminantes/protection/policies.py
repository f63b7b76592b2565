"""Who may see protection cases: only the users assigned to them.

Imported by `ProtectionConfig.ready()`. A case is scoped to its organisation and country, is
restricted (no platform-wide view, not even for a platform administrator) and visible only
to a user with an active `Assignment` on it whose membership grants the permission. The
registered permission is GBV_CASES; trafficking cases need TRAFFICKING_CASES, which
selectors.cases_for applies (use it, not `visible`, to list cases). Child rows follow their
case.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.db.models import Q, QuerySet

from caminantes.accounts.models import User
from caminantes.accounts.permissions import Perm
from caminantes.accounts.policies import Scope, register
from caminantes.protection import models as m


def active_case_ids(user: User) -> QuerySet[m.Assignment, Any]:
    """The cases `user` is assigned to now, as a subquery (no join, so no duplicate rows)."""
    return m.Assignment.objects.filter(user=user, ended_at__isnull=True).values("case_id")


def assigned_at(path: str) -> Callable[[User], Q]:
    field = f"{path}_id__in" if path else "pk__in"

    def rule(user: User) -> Q:
        return Q(**{field: active_case_ids(user)})

    return rule


def of_case(path: str) -> Scope:
    prefix = f"{path}__" if path else ""
    return Scope(
        permission=Perm.GBV_CASES, organization=f"{prefix}organization",
        country=f"{prefix}country", restricted=True, assigned=assigned_at(path),
    )  # fmt: skip


register(m.ProtectionCase, of_case(""))
register(m.CaseService, of_case("case"))
register(m.ActionItem, of_case("case"))
register(m.PsychosocialSession, of_case("case"))
register(m.Assignment, of_case("case"))

# Transfers and referrals (their own module).
import caminantes.protection.policies_xfer  # noqa: E402, F401
