from __future__ import annotations

from datetime import datetime, time, timedelta
from unittest import mock

from django.utils import timezone

from caminantes.accounts.models import Membership, User
from caminantes.accounts.permissions import Role
from caminantes.assistance.shelter import demo, selectors
from caminantes.assistance.shelter.models import Site
from caminantes.assistance.shelter.tests.base import household
from tests.personas import PersonaTestCase


class DemoTests(PersonaTestCase):
    def test_it_loads_a_shelter_two_thirds_full_once(self) -> None:
        self.load_and_check()

    def test_it_has_guests_due_today_when_loaded_just_after_midnight(self) -> None:
        # Stays used to start "two hours before now": yesterday, just after midnight.
        today = timezone.localdate()
        half_past = timezone.make_aware(datetime.combine(today, time(0, 30)))
        with mock.patch("django.utils.timezone.now", return_value=half_past):
            self.load_and_check()

    def load_and_check(self) -> None:
        officer = User.objects.create_user(demo.OFFICER, "x" * 16, full_name="Andrea")
        Membership.objects.create(
            user=officer, organization=self.ffs, role=Role.SHELTER_OFFICER
        ).countries.set([self.co])
        for i in range(8):
            household(self.ffs, self.co, [(f"Madre{i}", "F", 30), (f"Hijo{i}", "M", 6)])
            household(self.ffs, self.co, [(f"Solo{i}", "M", 25 + i)])
            household(self.ffs, self.co, [(f"Sola{i}", "F", 25 + i)])
        said: list[str] = []
        demo.load(said.append)
        demo.load(said.append)
        site = Site.objects.get(name=demo.SITE)
        today = timezone.localdate()
        board = selectors.board(site, today)
        self.assertEqual(board.beds, 23)  # 24 made, one broken a week ago
        self.assertGreaterEqual(board.occupied, 14)
        self.assertLessEqual(board.occupied, 18)
        self.assertTrue(board.due_today)
        self.assertTrue(board.overdue)
        self.assertEqual(len(board.waiting), 3)
        self.assertIsNotNone(board.headcount)
        self.assertEqual(len(board.absent), 1)
        nights = selectors.occupancy_by_night(site, today - timedelta(days=29), today)
        self.assertGreater(sum(n.occupied for n in nights[:15]), 0)  # the chart has a past
        self.assertEqual((nights[0].beds, nights[-1].beds), (24, 23))
        self.assertIn("already there", said[-1])
