"""Who may see the directory and the referrals: each model's scope at the policy door.

Imported by `ReferralsConfig.ready()`.
- A service is public within the platform: every member of any organisation may search the
  directory (no personal data in it). Managing one is decided in `services.may_manage`.
- A referral is seen, under REFER, by its two sides in its country: the sending
  organisation (with the household it came from) and the receiving one (the snapshot only,
  never the household: the referral is not a grant on registry objects). A restricted
  referral (GBV, trafficking) is not in the receiving side's assistance inbox at all: it
  lives in protection. Reading a referral is reading personal data (audited).
- A notice belongs to the user it is for.
"""

from __future__ import annotations

from django.db.models import Q

from caminantes.accounts.permissions import Perm
from caminantes.accounts.policies import Grant, Scope, register
from caminantes.assistance.referrals import models as m


def referral_sides(grant: Grant) -> Q:
    """The referrals a membership's organisation sent or receives, in its countries."""
    sent = Q(sender_organization=grant.organization_id)
    received = Q(receiving_organization=grant.organization_id, restricted=False)
    return (sent | received) & Q(country__in=grant.country_ids)


register(m.Service, Scope(any_member=True))
register(
    m.Referral,
    Scope(permission=Perm.REFER, country_rule=referral_sides, personal_data=True),
)
register(m.Notice, Scope(owner="user"))
