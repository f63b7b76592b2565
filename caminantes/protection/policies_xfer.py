"""Who may see transfers and referrals (imported at the end of policies.py).

- A referral out of a case follows its case (the assigned users only).
- A transfer is seen from the receiving side, while it waits, by the officers with the
  matching role in the receiving organisation and the case's country (selectors_xfer
  applies the role per kind); the sending side reaches it through its case.
- An incoming referral is seen by the officers with the matching role in the receiving
  organisation and country: it is the office's inbox, nobody is assigned to it yet.
"""

from __future__ import annotations

from django.db.models import Q

from caminantes.accounts.models import User
from caminantes.accounts.permissions import Perm
from caminantes.accounts.policies import Scope, register
from caminantes.protection import models as m
from caminantes.protection.models_xfer import TransferStatus


def _pending(_user: User) -> Q:
    return Q(status=TransferStatus.PROPOSED)


def _the_office(_user: User) -> Q:
    return Q()


register(m.Transfer, Scope(
    permission=Perm.GBV_CASES, organization="to_organization", country="case__country",
    restricted=True, assigned=_pending,
))  # fmt: skip
register(m.IncomingReferral, Scope(
    permission=Perm.GBV_CASES, organization="organization", country="country",
    restricted=True, assigned=_the_office,
))  # fmt: skip


def _register_children() -> None:
    from caminantes.protection.policies import of_case

    register(m.OutgoingReferral, of_case("case"))


_register_children()
