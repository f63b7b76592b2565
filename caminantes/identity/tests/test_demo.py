from __future__ import annotations

from django.test import TestCase

from caminantes.accounts import demo as accounts_demo
from caminantes.accounts.models import User
from caminantes.geo.services import places_load
from caminantes.identity import demo, selectors
from caminantes.identity.models import ReviewTicket, TracingRequest
from caminantes.registry import demo as registry_demo

SMALL = 60


def quiet(_: str) -> None:
    pass


class DemoTest(TestCase):
    said: list[str]

    @classmethod
    def setUpTestData(cls) -> None:
        places_load(towns_min_population=10**9)
        accounts_demo.load(quiet, password="x" * 12)
        registry_demo.load(quiet, password="x" * 12, households=SMALL)
        cls.said = []
        demo.load(cls.said.append)

    def test_it_gives_the_demo_registrar_tickets_to_review(self) -> None:
        registrar = User.objects.get(email=demo.CASEWORKER)
        visible = selectors.tickets_for_user(user=registrar).filter(status="open")
        self.assertGreaterEqual(visible.count(), demo.PLANTED)

    def test_it_opens_two_tracing_requests_one_with_a_match(self) -> None:
        requests = TracingRequest.objects.all()
        self.assertEqual(requests.count(), 2)
        self.assertEqual(sorted(r.matches.count() for r in requests), [0, 1])

    def test_it_adds_nothing_the_second_time(self) -> None:
        before = (ReviewTicket.objects.count(), TracingRequest.objects.count())
        demo.load(quiet)
        self.assertEqual((ReviewTicket.objects.count(), TracingRequest.objects.count()), before)
