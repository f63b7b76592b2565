"""The 5W test world: the personas, the R4V lists of 2026 and an IMO.

- charlie: partner focal point, FFS, Colombia (reports FFS's months)
- carla: country manager, IOM, Colombia (reports IOM's months; validates too)
- ines: information management officer, IOM, Colombia (validates, keeps the lists)
- pablo: registration officer, IOM, Peru (no 5W permission)
"""

from __future__ import annotations

from datetime import date
from typing import Any

from caminantes.accounts.models import Membership, User
from caminantes.accounts.permissions import Role
from caminantes.coordination.fivew import refdata, services
from caminantes.coordination.fivew.engine import fields as F
from caminantes.coordination.fivew.models import Report
from tests.personas import PASSWORD, PersonaTestCase

MONTH = date(2026, 3, 1)


def row(**changes: Any) -> dict[str, Any]:
    """A valid Direct Assistance row of FFS in Norte de Santander, March 2026."""
    values: dict[str, Any] = {
        F.COUNTRY: "Colombia",
        F.ADMIN1: "Norte de Santander",
        F.ADMIN2: "",
        F.APPEALING_ORG: "FFS",
        F.IMPLEMENTATION_SETUP: False,
        F.IMPLEMENTING_PARTNER: "",
        F.MONTH: "2026-03",
        F.SECTOR: "Health",
        F.SUBSECTOR: "",
        F.INDICATOR: "HEA-02",
        F.ACTIVITY_NAME: "Consultas",
        F.ACTIVITY_DESCRIPTION: "",
        F.RMRP_ACTIVITY: True,
        F.CVA: False,
        F.VALUE_USD: None,
        F.DELIVERY_MECHANISM: "",
        F.QUANTITY_OUTPUT: 10,
        F.MONTHLY_BENEFICIARIES: 10,
        F.NEW_BENEFICIARIES: 6,
        F.POP_IN_DESTINATION: 4,
        F.POP_IN_TRANSIT: 2,
        F.POP_HOST_COMMUNITY: 0,
        F.POP_PENDULAR: 0,
        F.POP_COLOMBIAN_RETURNEES: 0,
        F.WOMEN_OVER18: 3,
        F.MEN_OVER18: 2,
        F.WOMEN_UNDER18: 1,
        F.MEN_UNDER18: 0,
        F.OTHER_UNDER18: 0,
        F.OTHER_OVER18: 0,
    }
    values.update(changes)
    return values


class FivewTestCase(PersonaTestCase):
    ines: User

    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        refdata.load(years=(2026,))
        cls.ines = User.objects.create_user("ines@example.org", PASSWORD, full_name="Ines")
        m = Membership.objects.create(user=cls.ines, organization=cls.iom, role=Role.IM_OFFICER)
        m.countries.set([cls.co])

    def add(self, user: User | None = None, org: Any = None, **changes: Any) -> Report:
        """Store one row (by charlie for FFS unless told) and return its report."""
        user = user or self.charlie
        org = org or self.ffs
        changes.setdefault(F.APPEALING_ORG, org.acronym)
        (activity,) = services.activities_add(actor=user, organization=org, rows=[row(**changes)])
        return activity.report
