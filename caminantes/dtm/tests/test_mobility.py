from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from caminantes.dtm.imports import import_commit, import_create
from caminantes.dtm.intake import submit_baseline, submit_site_assessment
from caminantes.dtm.models import BaselineAssessment, CollectiveSite, SiteAssessment
from caminantes.dtm.tests.base import DtmTestCase


def baseline(**overrides: object) -> dict[str, object]:
    data: dict[str, object] = {
        "round": "1", "admin_area": "CO54", "date": "2025-03-20", "households": 300,
        "female_0_5": 100, "female_6_17": 150, "female_18_59": 300, "female_60_plus": 20,
        "male_0_5": 100, "male_6_17": 150, "male_18_59": 350, "male_60_plus": 30,
        "origin_VE": 1150, "origin_CO": 50, "shelter_rented": 900, "shelter_street": 100,
        "need_food": 4, "need_health": 3,
    }  # fmt: skip
    data.update(overrides)
    return data


class BaselineTest(DtmTestCase):
    def test_it_stores_people_present_and_breakdowns(self) -> None:
        obj = submit_baseline(baseline(), operation=self.operation, user=self.eve).obj
        self.assertEqual((obj.individuals, obj.children, obj.admin_area), (1200, 500, self.nsa))
        parts = {(b.dimension, b.code): b.value for b in obj.breakdowns.all()}
        self.assertEqual(parts[("origin_country", "VE")], 1150)
        self.assertEqual(parts[("need_sector", "food")], 4)

    def test_it_refuses_breakdowns_larger_than_the_people_present(self) -> None:
        with self.assertRaises(ValidationError) as cm:
            submit_baseline(baseline(origin_VE=5000, need_food=7), operation=self.operation,
                            user=self.eve)  # fmt: skip
        self.assertIn("origin_country", cm.exception.message_dict)
        self.assertIn("need_food", cm.exception.message_dict)

    def test_it_keeps_one_assessment_per_area_and_round(self) -> None:
        submit_baseline(baseline(), operation=self.operation, user=self.eve)
        with self.assertRaises(ValidationError):
            submit_baseline(baseline(), operation=self.operation, user=self.eve)
        submit_baseline(baseline(households=200), operation=self.operation, user=self.eve,
                        replace=True)  # fmt: skip
        self.assertEqual(BaselineAssessment.objects.get().households, 200)

    def test_it_refuses_a_date_outside_the_round(self) -> None:
        with self.assertRaises(ValidationError) as cm:
            submit_baseline(baseline(date="2025-04-02"), operation=self.operation, user=self.eve)
        self.assertIn("date", cm.exception.message_dict)

    def test_it_refuses_another_organisations_member(self) -> None:
        with self.assertRaises(PermissionDenied):
            submit_baseline(baseline(), operation=self.operation, user=self.charlie)

    def test_it_imports_a_baseline_file(self) -> None:
        header = list(baseline())
        rows = [",".join(header), ",".join(str(v) for v in baseline().values())]
        batch = import_create(user=self.eve, operation=self.operation, country=self.co,
                              kind="baseline", file_name="b.csv",
                              chunks=["\n".join(rows).encode()])  # fmt: skip
        self.assertEqual(batch.status, "validated", [r.errors for r in batch.rows.all()])
        self.assertFalse(BaselineAssessment.objects.exists())
        import_commit(user=self.eve, batch=batch)
        self.assertEqual(BaselineAssessment.objects.get().individuals, 1200)

    def test_the_page_saves_an_assessment(self) -> None:
        self.login(self.eve)
        data = {k: str(v) for k, v in baseline(admin_area=str(self.nsa.uuid)).items()}
        response = self.client.post(reverse("dtm_baseline_new", args=[self.operation.uuid]), data)
        self.assertEqual(response.status_code, 302)
        self.assertTrue(BaselineAssessment.objects.exists())


class SiteAssessmentTest(DtmTestCase):
    site: CollectiveSite

    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        cls.site = CollectiveSite.objects.create(
            organization=cls.iom, country=cls.co, admin_area=cls.nsa, name="Albergue",
            code="albergue", site_type="shelter",
        )  # fmt: skip

    def test_it_stores_occupancy_and_services(self) -> None:
        data = {"site": "albergue", "round": 1, "date": "2025-03-15", "capacity": 100,
                "female_18_59": 60, "male_18_59": 50, "nationality_VE": 100,
                "nationality_CO": 10, "services": "water food"}  # fmt: skip
        obj = submit_site_assessment(data, operation=self.operation, user=self.eve).obj
        self.assertEqual(obj.individuals, 110)
        self.assertAlmostEqual(obj.occupancy_rate, 1.1)
        services = set(obj.breakdowns.filter(dimension="service").values_list("code", flat=True))
        self.assertEqual(services, {"water", "food"})

    def test_the_page_saves_an_assessment(self) -> None:
        self.login(self.eve)
        response = self.client.post(reverse("dtm_site_assess", args=[self.site.uuid]), {
            "round": "1", "date": "2025-03-15", "capacity": "80", "female_18_59": "10",
            "services": ["water", "health"],
        })  # fmt: skip
        self.assertEqual(response.status_code, 302)
        self.assertEqual(SiteAssessment.objects.get().individuals, 10)

    def test_it_rejects_unknown_services(self) -> None:
        data = {"site": "albergue", "round": 1, "date": "2025-03-15", "capacity": 10,
                "services": "water spa"}  # fmt: skip
        with self.assertRaises(ValidationError) as cm:
            submit_site_assessment(data, operation=self.operation, user=self.eve)
        self.assertIn("services", cm.exception.message_dict)
