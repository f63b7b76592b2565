"""Who may see regularization: each model's scope at the policy door.

Imported by `RegularizationConfig.ready()`. Schemes and their steps are public reference
(what a country asks of migrants, no personal data): every member reads them; only country
managers change them (MANAGE_SCHEMES, checked by the services). Offices and their slots
belong to an organisation in a country and are seen by its caseworkers (REFER). Enrolments
and appointments name a person, so they are seen by the caseworkers of the organisation that
registered the household, in its country, and reading one is audited as personal data.

Why REFER: following a person through a regularization scheme is casework of the same kind
as a referral (connecting a person to the authority's service), and REFER is what the
caseworkers who do it hold: registration officers, partner focal points, GBV and
anti-trafficking officers. REGISTER_HOUSEHOLDS would leave out the partners' caseworkers.
Recording the document a step produces writes to the registry, which asks its own
permission (EDIT_HOUSEHOLDS) at its own door.
"""

from __future__ import annotations

from caminantes.accounts.permissions import Perm
from caminantes.accounts.policies import Scope, register
from caminantes.assistance.regularization import models as m


def of_office(path: str) -> Scope:
    prefix = f"{path}__" if path else ""
    return Scope(
        permission=Perm.REFER, organization=f"{prefix}organization", country=f"{prefix}country"
    )


def of_enrolment(path: str) -> Scope:
    prefix = f"{path}__" if path else ""
    return Scope(
        permission=Perm.REFER,
        organization=f"{prefix}organization",
        country=f"{prefix}country",
        personal_data=True,
    )


register(m.Scheme, Scope(any_member=True))
register(m.Step, Scope(any_member=True))
register(m.Office, of_office(""))
register(m.Slot, of_office("office"))
register(m.Enrolment, of_enrolment(""))
register(m.Appointment, of_enrolment("enrolment"))
