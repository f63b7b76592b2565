"""Who may see the casework records: each model's scope at the policy door.

Imported by `CaseworkConfig.ready()`. Every record belongs to an organisation in a country
and names a household, so it is scoped by organisation, country and (for members limited to
areas) the household's area, and reading one is audited as personal data.

Caseworkers (REFER: registration officers, protection officers, partner focal points) see
relocation cases, service records and livelihood activities. Distribution staff (DISTRIBUTE)
record food and cash or voucher services; the selectors show them those records only, with
`visible(user, ServiceRecord, Perm.DISTRIBUTE)` narrowed to the food and CVA kinds, never a
health record.
"""

from __future__ import annotations

from caminantes.accounts.permissions import Perm
from caminantes.accounts.policies import Scope, register
from caminantes.assistance.casework import models as m

CASEWORK_SCOPE = Scope(
    permission=Perm.REFER, organization="organization", country="country",
    area="household__admin_area", personal_data=True,
)  # fmt: skip

register(m.RelocationCase, CASEWORK_SCOPE)
register(m.ServiceRecord, CASEWORK_SCOPE)
register(m.LivelihoodActivity, CASEWORK_SCOPE)
