"""Who may see the 5W: each model's scope at the policy door (imported by `FivewConfig.ready`).

- Reference lists (sectors, indicators, population types, mechanisms, admin-1) are read by
  every member; only an IMO (VALIDATE_5W) edits them (`services`).
- A report and its rows: a partner (REPORT_5W) sees its own organisation's reports in the
  countries of its membership; an IMO (VALIDATE_5W) sees every organisation's reports of
  its countries once submitted (another organisation's drafts stay the partner's own).
  Nobody else, the platform administrator included. 5W rows are aggregates: no personal
  data in them, so reads are not audited one by one.
"""

from __future__ import annotations

from collections.abc import Callable

from django.db.models import Q

from caminantes.accounts.permissions import Perm
from caminantes.accounts.policies import Grant, Scope, register
from caminantes.coordination.fivew import models as m

UNSEEN = ("draft",)


def report_rule(prefix: str = "") -> Callable[[Grant], Q]:
    def rule(grant: Grant) -> Q:
        own = Q(**{f"{prefix}organization": grant.organization_id})
        countries = Q(**{f"{prefix}country__in": grant.country_ids})
        if Perm.VALIDATE_5W in grant.perms:
            return countries & (own | ~Q(**{f"{prefix}status__in": UNSEEN}))
        if Perm.REPORT_5W in grant.perms:
            return countries & own
        return Q(pk__in=[])

    return rule


for _model in (m.Sector, m.Indicator, m.ReferenceItem, m.Admin1):
    register(_model, Scope(any_member=True))
register(m.Report, Scope(country_rule=report_rule(), platform_wide=False))
register(m.Activity, Scope(country_rule=report_rule("report__"), platform_wide=False))
register(m.Upload, Scope(owner="user"))
