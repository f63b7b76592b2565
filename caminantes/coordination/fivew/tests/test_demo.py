from __future__ import annotations

from caminantes.accounts import demo as accounts_demo
from caminantes.coordination.fivew import consolidate, demo, summary
from caminantes.coordination.fivew.models import Publication, Report, Status, Summary
from caminantes.geo.models import Country
from tests.personas import PersonaTestCase


class DemoTests(PersonaTestCase):
    def test_it_loads_months_in_every_state_once(self) -> None:
        for iso2, iso3, name in (("EC", "ECU", "Ecuador"), ("BR", "BRA", "Brasil")):
            Country.objects.create(
                iso2=iso2,
                iso3=iso3,
                name_es=name,
                name_pt=name,
                name_en=name,
                is_host=True,
                pcode=iso2,
            )
        self.iom.countries.add(*Country.objects.all())
        accounts_demo.load(lambda _: None, password="x" * 16)
        said: list[str] = []
        demo.load(said.append, password="x" * 16)
        demo.load(said.append, password="x" * 16)
        statuses = set(Report.objects.values_list("status", flat=True))
        self.assertEqual(statuses, set(Status.values))
        self.assertEqual(
            set(Report.objects.values_list("country__iso2", flat=True)), {"CO", "PE", "EC"}
        )
        reached = consolidate.totals(consolidate.validated())["people_reached"]
        self.assertGreater(reached, 1000)
        # validated through the workflow: the dashboard's summaries are there, and agree
        self.assertEqual(summary.tables(Summary.objects.all()).totals["people_reached"], reached)
        self.assertTrue(Publication.objects.filter(country__iso2="CO").exists())
        self.assertIn("already there", said[-2])
