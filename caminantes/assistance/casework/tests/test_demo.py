from __future__ import annotations

from django.utils import timezone

from caminantes.accounts.models import Membership, User
from caminantes.accounts.permissions import Role
from caminantes.assistance.casework import demo, selectors
from caminantes.assistance.casework.models import (
    LivelihoodActivity,
    RelocationCase,
    ServiceRecord,
    Stage,
)
from caminantes.assistance.casework.tests.base import document, person, place
from caminantes.assistance.models import ServiceDelivery
from caminantes.registry.models import Household
from tests.personas import PersonaTestCase


class DemoTests(PersonaTestCase):
    def test_it_loads_cases_at_every_stage_records_and_livelihoods_once(self) -> None:
        rosa = User.objects.create_user(demo.CASEWORKER, "x" * 16, full_name="Rosa")
        Membership.objects.create(
            user=rosa, organization=self.iom, role=Role.REGISTRATION_OFFICER
        ).countries.set([self.co])
        for name, population in (
            ("Bogotá", 8_000_000),
            ("Medellín", 2_500_000),
            ("Cali", 2_200_000),
        ):
            p = place(name, self.co)
            p.population = population
            p.save()
        for i in range(12):
            hh = Household.objects.create(
                organization=self.iom, country=self.co, population_type="in_destination"
            )
            mother = person(hh, f"Madre{i}", "focal_point", "F", 30 + i)
            child = person(hh, f"Hijo{i}", "child", "M", 5)
            hh.focal_point = mother
            hh.save()
            if i < 5:  # the others' children have no document
                document(child, "birth_certificate", f"RC{i:06d}")
            document(mother, "cedula", f"V{i:08d}")
        said: list[str] = []
        demo.load(said.append)
        demo.load(said.append)
        stages = sorted(RelocationCase.objects.values_list("stage", flat=True))
        self.assertEqual(
            stages,
            sorted(
                [
                    Stage.PRE_DEPARTURE,
                    Stage.ARRIVED,
                    Stage.FOLLOW_UP_30,
                    Stage.CLOSED,
                    Stage.ELIGIBILITY,
                    Stage.CANCELLED,
                ]
            ),
        )
        today = timezone.localdate()
        due = selectors.due_follow_ups(user=rosa, today=today)
        self.assertEqual({d.kind for d in due}, {"relocation_30", "relocation_90", "livelihood"})
        self.assertTrue(any(d.is_overdue(today) for d in due))
        self.assertTrue(ServiceRecord.objects.filter(kind="multipurpose_cash").exists())
        self.assertEqual(LivelihoodActivity.objects.count(), 4)
        self.assertEqual(ServiceDelivery.objects.filter(indicator="people_relocated").count(), 3)
        self.assertIn("already there", said[-1])
