"""The campaigns and feedback demos load through the services, twice without duplicating."""

from __future__ import annotations

import shutil
import tempfile

from django.test import TestCase, override_settings

from caminantes.accounts import demo as accounts_demo
from caminantes.accounts.models import User
from caminantes.assistance.models import ServiceDelivery
from caminantes.coordination.campaigns import demo as campaigns_demo
from caminantes.coordination.campaigns.models import Campaign, Material
from caminantes.coordination.feedback import demo as feedback_demo
from caminantes.coordination.feedback import selectors
from caminantes.coordination.feedback.models import FeedbackItem
from caminantes.geo.models import AdminArea, Country


class DemoTests(TestCase):
    def setUp(self) -> None:
        self.media = tempfile.mkdtemp()
        self.override = override_settings(MEDIA_ROOT=self.media)
        self.override.enable()

    def tearDown(self) -> None:
        self.override.disable()
        shutil.rmtree(self.media, ignore_errors=True)

    def test_it_loads_campaigns_and_feedback(self) -> None:
        co = Country.objects.create(iso2="CO", iso3="COL", name_es="Colombia", name_pt="Colômbia",
                                    name_en="Colombia", is_host=True, pcode="CO")  # fmt: skip
        AdminArea.objects.create(country=co, iso_code="CO-NSA", pcode="CO54",
                                 name_es="Norte de Santander", name_pt="Norte de Santander",
                                 name_en="Norte de Santander")  # fmt: skip
        for iso2, iso3 in (("PE", "PER"), ("EC", "ECU"), ("BR", "BRA")):
            Country.objects.create(iso2=iso2, iso3=iso3, name_es=iso2, name_pt=iso2,
                                   name_en=iso2, is_host=True, pcode=iso2)  # fmt: skip
        said: list[str] = []
        for _ in range(2):
            accounts_demo.load(said.append, password="demo-pass")
            campaigns_demo.load(said.append)
            feedback_demo.load(said.append, password="demo-pass")
        self.assertEqual(Campaign.objects.count(), 2)
        self.assertEqual(Material.objects.count(), 2)
        self.assertEqual(ServiceDelivery.objects.filter(sector="integration").count(), 3)
        self.assertEqual(FeedbackItem.objects.count(), len(feedback_demo.ITEMS))
        self.assertTrue(any(feedback_demo.FOCAL_POINT in line for line in said))
        focal = User.objects.get(email=feedback_demo.FOCAL_POINT)
        intake = User.objects.get(email=feedback_demo.INTAKE)
        self.assertTrue(focal.is_demo)
        self.assertEqual(selectors.items_for(focal).filter(sensitive=True).count(), 3)
        self.assertEqual(selectors.items_for(intake).filter(sensitive=True).count(), 0)
        self.assertTrue(selectors.overdue_items(selectors.items_for(intake)).exists())
