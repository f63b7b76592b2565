"""DTM test world: IOM's operation with a point in Colombia, FFS's own point."""

from __future__ import annotations

import uuid
from datetime import date
from typing import Any

from django.utils import translation

from caminantes.accounts.models import Membership, User
from caminantes.accounts.permissions import Role
from caminantes.dtm.models import FlowMonitoringPoint, Operation, Round
from caminantes.geo.models import Place
from tests.personas import PersonaTestCase

DAY = date(2025, 3, 10)


def sheet(**overrides: Any) -> dict[str, Any]:
    """A valid tally sheet: 10 people, 3 groups, 3 children, breakdowns adding up."""
    data: dict[str, Any] = {
        "uuid": str(uuid.uuid4()),
        "date": DAY.isoformat(),
        "shift_start": "08:00",
        "shift_end": "12:00",
        "direction": "incoming",
        "flow_type": "stay",
        "individuals": 10,
        "groups": 3,
        "unaccompanied_children": 1,
        "female_0_5": 1,
        "female_6_17": 1,
        "female_18_59": 3,
        "male_6_17": 1,
        "male_18_59": 3,
        "male_60_plus": 1,
        "nationality_VE": 8,
        "nationality_CO": 2,
        "transport_on_foot": 6,
        "transport_bus": 4,
        "destination_CO": 4,
        "destination_PE": 6,
    }
    data.update(overrides)
    return data


class DtmTestCase(PersonaTestCase):
    place: Place
    andres: User
    operation: Operation
    round1: Round
    point: FlowMonitoringPoint
    ffs_point: FlowMonitoringPoint

    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        cls.place = Place.objects.create(
            kind="crossing", name="Puente Simón Bolívar", slug="co-simon-bolivar",
            country=cls.co, admin_area=cls.nsa, latitude="7.82", longitude="-72.45",
            crossing_type="land", counterpart_country=cls.ve,
        )  # fmt: skip
        cls.operation = Operation.objects.create(
            organization=cls.iom, name="Venezuela regional", code="ven", starts_on=date(2025, 1, 1)
        )
        cls.operation.countries.set([cls.co, cls.pe])
        cls.round1 = Round.objects.create(
            operation=cls.operation, number=1, starts_on=date(2025, 3, 1), ends_on=date(2025, 3, 31)
        )
        cls.point = FlowMonitoringPoint.objects.create(
            operation=cls.operation, organization=cls.iom, place=cls.place,
            name="Simón Bolívar", code="simon-bolivar", country=cls.co, admin_area=cls.nsa,
            latitude="7.82", longitude="-72.45", point_type="border_crossing",
            movement_types=["entry", "exit"], transport_modes=["on_foot"], services=["water"],
        )  # fmt: skip
        cls.andres = User.objects.create_user("andres@example.org", "x", full_name="Andrés")
        m = Membership.objects.create(user=cls.andres, organization=cls.iom, role=Role.DTM_ANALYST)
        m.countries.set([cls.co])
        ffs_op = Operation.objects.create(
            organization=cls.ffs, name="FFS monitoring", code="ffs", starts_on=date(2025, 1, 1)
        )
        ffs_op.countries.set([cls.co])
        cls.ffs_point = FlowMonitoringPoint.objects.create(
            operation=ffs_op, organization=cls.ffs, name="FFS point", code="ffs-point",
            country=cls.co, latitude="7.9", longitude="-72.4", point_type="transit_point",
        )  # fmt: skip

    def setUp(self) -> None:
        super().setUp()
        # Service-level messages are asserted in English; pages test their Spanish.
        translation.activate("en")
        self.addCleanup(translation.deactivate)
