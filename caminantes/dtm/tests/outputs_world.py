"""A small hand-made dataset for the dashboards, report and exports, figures known by hand.

Period under test: 10-12 March 2025 (3 days); previous period: 7-9 March.
Andrés (DTM analyst, IOM, Colombia) sees the two Colombian points only.

Sheets                          individuals  children  female  nat        transport     dest
A 10/03 incoming (base sheet)        10          3        5    VE8 CO2    foot6 bus4    CO4 PE6
A 11/03 outgoing                      4          0        2    VE4        bus4          VE4
B 12/03 incoming                      6          2        4    VE6        foot6         PE6
A 08/03 incoming (previous period)    8          0        4    VE8        foot8         CO8
A 20/03 incoming (outside)           10
P 10/03 incoming (Peru: not his)    100
"""

from __future__ import annotations

import uuid
from datetime import date
from typing import Any

from caminantes.accounts.models import Membership, User
from caminantes.accounts.permissions import Role
from caminantes.dtm.dashboards.filters import Filters
from caminantes.dtm.intake import submit_flow_count, submit_survey
from caminantes.dtm.models import FlowMonitoringPoint
from caminantes.dtm.tests.base import DtmTestCase, sheet

PERIOD = Filters(start=date(2025, 3, 10), end=date(2025, 3, 12))
ZERO = dict.fromkeys(
    ("female_0_5", "female_6_17", "female_18_59", "female_60_plus",
     "male_0_5", "male_6_17", "male_18_59", "male_60_plus"), 0,
)  # fmt: skip


def plain_sheet(point: str, day: str, direction: str, n: int, **extra: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "uuid": str(uuid.uuid4()),
        "point": point,
        "date": day,
        "shift_start": "08:00",
        "shift_end": "12:00",
        "direction": direction,
        "flow_type": "transit",
        "individuals": n,
        "groups": 1,
        "unaccompanied_children": 0,
        **ZERO,
    }
    data.update(extra)
    return data


def survey(point: str, day: str, sex: str, **answers: Any) -> dict[str, Any]:
    return {
        "uuid": str(uuid.uuid4()),
        "point": point,
        "date": day,
        "consent": "yes",
        "nationality": "VE",
        "origin_country": "VE",
        "sex": sex,
        "age": 30,
        "group_size": 3,
        "comments": '=HYPERLINK("http://x") free text that must never leave',
        "other_reason": "Texto libre",
        **answers,
    }


class OutputsTestCase(DtmTestCase):
    point_b: FlowMonitoringPoint
    point_pe: FlowMonitoringPoint
    pedro: User

    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        cls.point_b = FlowMonitoringPoint.objects.create(
            operation=cls.operation, organization=cls.iom, name="Paraguachón", code="paraguachon",
            country=cls.co, latitude="11.36", longitude="-72.13", point_type="border_crossing",
        )  # fmt: skip
        cls.point_pe = FlowMonitoringPoint.objects.create(
            operation=cls.operation, organization=cls.iom, name="CEBAF Tumbes", code="tumbes",
            country=cls.pe, latitude="-3.5", longitude="-80.3", point_type="border_crossing",
        )  # fmt: skip
        cls.pedro = User.objects.create_user("pedro@example.org", "x", full_name="Pedro")
        m = Membership.objects.create(
            user=cls.pedro, organization=cls.iom, role=Role.DTM_ENUMERATOR
        )
        m.countries.set([cls.pe])
        a, b = cls.point.code, cls.point_b.code
        for data, user in [
            (sheet(point=a, date="2025-03-10"), cls.eve),
            (plain_sheet(a, "2025-03-11", "outgoing", 4, female_18_59=2, male_18_59=2,
                         nationality_VE=4, transport_bus=4, destination_VE=4), cls.eve),
            (plain_sheet(b, "2025-03-12", "incoming", 6, female_0_5=2, female_18_59=2,
                         male_18_59=2, groups=2, nationality_VE=6, transport_on_foot=6,
                         destination_PE=6), cls.eve),
            (plain_sheet(a, "2025-03-08", "incoming", 8, female_18_59=4, male_18_59=4,
                         groups=2, nationality_VE=8, transport_on_foot=8,
                         destination_CO=8), cls.eve),
            (plain_sheet(a, "2025-03-20", "incoming", 10, female_18_59=5, male_18_59=5,
                         nationality_VE=10, transport_on_foot=10, destination_CO=10), cls.eve),
            (plain_sheet("tumbes", "2025-03-10", "incoming", 100, female_18_59=50,
                         male_18_59=50, nationality_VE=100, transport_bus=100,
                         destination_PE=100), cls.pedro),
        ]:  # fmt: skip
            submit_flow_count(data, user=user, operation=cls.operation)
        for data, user in [
            (survey(a, "2025-03-10", "female", reasons_leaving=["economic", "food"],
                    needs=["food", "shelter"], documents=["passport"], incidents=["theft"],
                    transit_countries=["CO", "EC"], destination_country="PE",
                    children_in_group=1), cls.eve),
            (survey(a, "2025-03-11", "male", reasons_leaving=["economic"], needs=["food"],
                    documents=["national_id"], incidents=["none"], transit_countries=["CO"],
                    destination_country="PE"), cls.eve),
            (survey(a, "2025-03-11", "female", reasons_leaving=["violence"], needs=["health"],
                    documents=["none"], incidents=["none"], destination_country="CO"), cls.eve),
            (survey(a, "2025-03-12", "male", reasons_leaving=["economic", "family"],
                    needs=["food", "documentation"], documents=["passport", "national_id"],
                    incidents=["extortion", "theft"], transit_countries=["CO", "EC", "PE"],
                    destination_country="CL"), cls.eve),
            (survey("tumbes", "2025-03-10", "male", reasons_leaving=["economic"],
                    destination_country="PE"), cls.pedro),
        ]:  # fmt: skip
            submit_survey(data, user=user, operation=cls.operation)
