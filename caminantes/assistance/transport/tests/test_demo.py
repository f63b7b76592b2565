from __future__ import annotations

from caminantes.accounts.models import Membership, User
from caminantes.accounts.permissions import Role
from caminantes.assistance.models import ServiceDelivery
from caminantes.assistance.transport import demo
from caminantes.assistance.transport.models import Seat, Trip, TripStatus
from caminantes.assistance.transport.tests.base import family, town
from tests.personas import PersonaTestCase


class DemoTests(PersonaTestCase):
    def test_it_loads_an_arrived_trip_and_a_bus_partly_boarded_once(self) -> None:
        said: list[str] = []
        officer = User.objects.create_user(demo.OFFICER, "x" * 16, full_name="Diego")
        Membership.objects.create(
            user=officer, organization=self.ffs, role=Role.DISTRIBUTION_OFFICER
        ).countries.set([self.co])
        town(self.co, "Cúcuta", "co-cucuta")
        town(self.co, "Bogotá", "co-bogota")
        for i in range(9):
            family(self.ffs, self.co, f"Demo{i}", f"Hija{i}")
        demo.load(said.append)
        demo.load(said.append)
        self.assertIn("already there", said[-1])
        arrived, planned = Trip.objects.order_by("departs_on")
        self.assertEqual(arrived.status, TripStatus.ARRIVED)
        self.assertEqual(planned.status, TripStatus.BOARDING)
        boarded = Seat.objects.filter(trip=planned, boarding="boarded").count()
        self.assertTrue(0 < boarded < planned.seat_rows.count())
        self.assertEqual(ServiceDelivery.objects.filter(indicator="people_transported").count(),
                         6 + boarded)  # fmt: skip
