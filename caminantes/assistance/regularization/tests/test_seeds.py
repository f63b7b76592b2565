from __future__ import annotations

from caminantes.assistance.regularization import seeds, services_setup
from caminantes.assistance.regularization.models import Scheme, Step
from caminantes.geo.models import Country
from caminantes.registry.models import Document
from tests.personas import PersonaTestCase


class SeedTests(PersonaTestCase):
    def test_it_seeds_the_real_schemes_of_the_countries_loaded_once(self) -> None:
        self.assertEqual(services_setup.schemes_seed(), 2)  # Colombia and Peru are loaded
        self.assertEqual(services_setup.schemes_seed(), 0)
        ppt = Scheme.objects.get(country=self.co, code="ppt")
        steps = list(ppt.steps.order_by("position"))
        self.assertEqual(steps[0].name, "Pre-registro virtual en el RUMV")
        self.assertTrue(steps[2].needs_appointment)
        self.assertEqual(steps[-1].document_type, Document.Type.PPT)
        cpp = Scheme.objects.get(country=self.pe)
        self.assertEqual(cpp.steps.get(position=3).document_type, Document.Type.CPP)

    def test_it_seeds_ecuador_and_brazil_when_their_countries_come(self) -> None:
        Country.objects.create(iso2="EC", iso3="ECU", name_es="Ecuador", name_en="Ecuador")
        Country.objects.create(iso2="BR", iso3="BRA", name_es="Brasil", name_en="Brazil")
        services_setup.schemes_seed()
        virte = Scheme.objects.get(country__iso2="EC")
        self.assertIn("humanitarias", virte.name)
        self.assertEqual(virte.steps.count(), 4)
        crnm = Step.objects.get(scheme__country__iso2="BR", position=3)
        self.assertEqual((crnm.name, crnm.document_type), ("Entrega da CRNM", "host_permit"))

    def test_it_leaves_a_scheme_a_manager_edited_as_it_is(self) -> None:
        services_setup.schemes_seed()
        Scheme.objects.filter(code="ppt").update(name="PPT (edited)")
        services_setup.schemes_seed()
        self.assertEqual(Scheme.objects.get(code="ppt").name, "PPT (edited)")

    def test_every_seeded_document_type_is_a_registry_type(self) -> None:
        for scheme in seeds.SCHEMES:
            for step in scheme.steps:
                self.assertIn(step.document_type, ["", *Document.Type.values])

    def test_the_data_migration_seeds_the_countries_already_loaded(self) -> None:
        import importlib

        from django.apps import apps
        from django.db import connection

        from caminantes.assistance.regularization.models import Scheme

        migration = importlib.import_module(
            "caminantes.assistance.regularization.migrations.0002_seed_country_schemes"
        )
        migration.seed(apps, connection.schema_editor())
        self.assertEqual(
            sorted(Scheme.objects.values_list("country__iso2", "code")),
            [("CO", "ppt"), ("PE", "cpp")],
        )
