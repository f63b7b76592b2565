from __future__ import annotations

from caminantes.accounts.models import Membership, User
from caminantes.accounts.permissions import Role
from caminantes.assistance import demo, selectors
from caminantes.assistance.models import Transfer, Warehouse
from tests.personas import PersonaTestCase


class DemoTests(PersonaTestCase):
    def test_it_loads_a_stocked_warehouse_once(self) -> None:
        said: list[str] = []
        officer = User.objects.create_user(demo.OFFICER, "x" * 16, full_name="Diego")
        Membership.objects.create(
            user=officer, organization=self.ffs, role=Role.DISTRIBUTION_OFFICER
        ).countries.set([self.co])
        demo.load(said.append)
        demo.load(said.append)
        main = Warehouse.objects.get(name=demo.MAIN)
        self.assertEqual(Warehouse.objects.filter(name=demo.MAIN).count(), 1)
        self.assertGreater(len(selectors.stock_by_item(main)), 10)
        self.assertEqual(selectors.reconcile(main), [])
        self.assertTrue(Transfer.objects.filter(status="in_transit").exists())
        self.assertIn("already there", said[-1])


class DistributionDemoTests(PersonaTestCase):
    def test_it_opens_a_distribution_with_families_served_today_once(self) -> None:
        from caminantes.assistance.demo_distribution import PLAN
        from caminantes.assistance.models import DistributionPlan, Handover
        from caminantes.assistance.tests.base_distribution import make_household, make_site

        officer = User.objects.create_user(demo.OFFICER, "x" * 16, full_name="Diego")
        Membership.objects.create(
            user=officer, organization=self.ffs, role=Role.DISTRIBUTION_OFFICER
        ).countries.set([self.co])
        make_site(self.co, "Cúcuta")
        for i in range(3):
            family = make_household(self.ffs, self.co, [f"Demo{i} Familia", f"Hijo{i} Familia"])
            family.current_area = self.nsa
            family.save()
        said: list[str] = []
        demo.load(said.append)
        demo.load(said.append)
        plan = DistributionPlan.objects.get(name=PLAN)
        self.assertEqual(plan.status, "open")
        self.assertEqual(Handover.objects.filter(plan=plan).count(), 3)
        self.assertEqual(Handover.objects.exclude(proxy_name="").count(), 1)
        self.assertIn("already there", said[-1])


class CatalogueDemoTests(PersonaTestCase):
    def test_it_adds_a_kit_to_the_catalogue_once(self) -> None:
        from caminantes.assistance.demo_catalogue import KIT
        from caminantes.assistance.models import Kit

        officer = User.objects.create_user(demo.OFFICER, "x" * 16, full_name="Diego")
        Membership.objects.create(
            user=officer, organization=self.ffs, role=Role.DISTRIBUTION_OFFICER
        ).countries.set([self.co])
        demo.load(lambda _said: None)
        demo.load(lambda _said: None)
        self.assertEqual(Kit.objects.get(code=KIT).lines.count(), 3)
