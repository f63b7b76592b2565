"""Draft rows from the month's service deliveries, and distinct registered people."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

from caminantes.assistance import delivery
from caminantes.assistance.delivery import Reached
from caminantes.assistance.models import Modality, ServiceDelivery
from caminantes.coordination.fivew import dashboard, services
from caminantes.coordination.fivew.models import Activity
from caminantes.coordination.fivew.tests.base import FivewTestCase
from caminantes.geo.models import Place
from caminantes.registry.models import Household, Person

BOG = ZoneInfo("America/Bogota")


class GenerateTest(FivewTestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        place = Place.objects.create(
            kind="town",
            name="Cúcuta",
            slug="cucuta",
            country=cls.co,
            admin_area=cls.nsa,
            latitude=7.89,
            longitude=-72.5,
        )
        people = []
        for i in range(2):
            hh = Household.objects.create(
                organization=cls.iom, country=cls.co, population_type="in_transit"
            )
            people.append(
                Person.objects.create(
                    household=hh, relationship="focal_point", given_names=f"P{i}", sex="F"
                )
            )
        p1, p2 = people

        def give(
            when: datetime,
            indicator: str,
            *reached: Reached,
            where: Place | None = place,
            sector: str = "health",
        ) -> None:
            delivery.record(
                actor=cls.alice,
                organization=cls.iom,
                country=cls.co,
                sector=sector,
                indicator=indicator,
                people=list(reached),
                quantity=len(reached),
                modality=Modality.SERVICE,
                place=where,
                when=when,
            )

        give(datetime(2026, 2, 10, tzinfo=BOG), "health_consultations", Reached(person=p1))
        give(datetime(2026, 3, 3, tzinfo=BOG), "health_consultations", Reached(person=p1))
        give(datetime(2026, 3, 4, tzinfo=BOG), "health_consultations", Reached(person=p2))
        give(datetime(2026, 3, 5, tzinfo=BOG), "health_consultations", Reached(person=p2))
        give(
            datetime(2026, 3, 6, tzinfo=BOG),
            "health_consultations",
            Reached(sex="F", age=30, population_type="in_destination"),
        )
        give(
            datetime(2026, 3, 7, tzinfo=BOG),
            "hygiene_kits",
            Reached(sex="M", age=10, population_type="in_destination"),
            sector="wash",
        )
        give(
            datetime(2026, 3, 8, tzinfo=BOG),
            "skills_certified",
            Reached(sex="M", age=30, population_type="in_destination"),
        )
        give(
            datetime(2026, 3, 9, tzinfo=BOG),
            "hot_meals",
            Reached(sex="M", age=30, population_type="in_destination"),
            where=None,
        )

    def test_it_drafts_one_row_per_admin1_and_indicator_with_new_people(self) -> None:
        report = services.report_open(
            actor=self.carla, organization=self.iom, country=self.co, month=date(2026, 3, 1)
        )
        result = services.report_generate(actor=self.carla, report=report)
        self.assertEqual(result.unmapped, {"no_indicator": 1, "no_area": 1})
        rows = {a.indicator.code: a for a in report.activities.all()}
        self.assertEqual(set(rows), {"HEA-02", "WSH-01"})
        health = rows["HEA-02"]
        self.assertEqual(health.admin1.name, "Norte de Santander")
        # p1 (served in February too), p2 (twice this month) and one person without a record
        self.assertEqual((health.monthly_beneficiaries, health.new_beneficiaries), (3, 2))
        self.assertEqual((health.pop_in_transit, health.pop_in_destination), (1, 1))
        self.assertEqual(health.women_over18, 2)  # p2 (age unknown: adult) and the woman of 30
        self.assertEqual(health.quantity_output, 4)
        kits = rows["WSH-01"]
        self.assertEqual((kits.new_beneficiaries, kits.men_under18), (1, 1))
        # generating again replaces the drafted rows, and they pass the rules
        services.report_generate(actor=self.carla, report=report)
        self.assertEqual(Activity.objects.filter(report=report).count(), 2)
        services.report_transition(actor=self.carla, report=report, action="submit")

    def test_the_dashboard_counts_distinct_registered_people(self) -> None:
        n = dashboard.registered_people(
            countries=[self.co], start=date(2026, 1, 1), end=date(2026, 3, 1), sector=None
        )
        self.assertEqual(n, 2)
        n = dashboard.registered_people(
            countries=[self.co], start=date(2026, 3, 1), end=date(2026, 3, 1), sector=None
        )
        self.assertEqual(n, 2)
        self.assertEqual(ServiceDelivery.objects.count(), 8)
