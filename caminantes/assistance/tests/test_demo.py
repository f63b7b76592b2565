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
