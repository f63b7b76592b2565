from __future__ import annotations

from django.urls import reverse

from caminantes.geo.models import AdminArea
from tests.personas import PersonaTestCase


class TracingFormPlacesTest(PersonaTestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        for country, code in ((cls.co, "CO-AMA"), (cls.pe, "PE-AMA"), (cls.ve, "VE-Z")):
            AdminArea.objects.create(
                country=country,
                iso_code=code,
                name_es="Amazonas",
                name_pt="Amazonas",
                name_en="Amazonas",
            )

    def test_it_names_the_country_of_each_place_a_relative_was_born_or_last_seen(self) -> None:
        self.login(self.alice)
        page = self.client.get(reverse("identity_tracing_new"))
        # Three departments called Amazonas: the requester can tell which is which.
        for country in ("Colombia", "Perú", "Venezuela"):
            self.assertContains(page, f"Amazonas ({country})", count=2)

    def test_its_labels_have_no_colon_like_the_other_forms(self) -> None:
        self.login(self.alice)
        page = self.client.get(reverse("identity_tracing_new"))
        self.assertNotContains(page, "Nombres del familiar:")
        self.assertContains(page, "Nombres del familiar")
