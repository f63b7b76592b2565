from __future__ import annotations

from django.urls import reverse

from caminantes.dtm.tests.outputs_world import OutputsTestCase

QUERY = "?start=2025-03-10&end=2025-03-12"


class DashboardPagesTest(OutputsTestCase):
    def test_it_shows_the_flow_figures_in_spanish(self) -> None:
        self.login(self.andres)
        url = reverse("dtm_dashboard_flows", args=[self.operation.uuid])
        response = self.client.get(url + QUERY)
        self.assertEqual(response.status_code, 200)
        page = response.content.decode()
        self.assertIn("Movimientos", page)
        # Per monitored day: 20 / 3 days now against 8 / 1 day on 7-9 March.
        self.assertIn("-16,7 %", page)
        self.assertIn("6,7", page)  # average per monitored day 20 / 3
        self.assertIn("25,0 %", page)  # children
        self.assertIn("<svg", page)
        self.assertIn("Paraguachón", page)
        self.assertNotIn("CEBAF Tumbes", page)  # Peru is outside his scope

    def test_it_filters_by_direction_from_the_query_string(self) -> None:
        self.login(self.andres)
        url = reverse("dtm_dashboard_flows", args=[self.operation.uuid])
        response = self.client.get(url + QUERY + "&direction=incoming")
        self.assertContains(response, "-33,3 %")  # 16 / 3 days against 8 / 1 day

    def test_it_puts_the_representativeness_note_on_the_survey_page(self) -> None:
        self.login(self.andres)
        url = reverse("dtm_dashboard_surveys", args=[self.operation.uuid])
        response = self.client.get(url + QUERY)
        self.assertContains(response, "no es estadísticamente representativa")
        self.assertContains(response, "75,0 %")  # economic reasons, 3 of 4

    def test_it_answers_404_for_another_organisations_operation(self) -> None:
        self.login(self.andres)
        for name in ("dtm_dashboard_flows", "dtm_dashboard_surveys", "dtm_reports"):
            url = reverse(name, args=[self.ffs_point.operation.uuid])
            self.assertEqual(self.client.get(url).status_code, 404)

    def test_it_refuses_an_enumerator(self) -> None:
        self.login(self.eve)
        url = reverse("dtm_dashboard_flows", args=[self.operation.uuid])
        self.assertEqual(self.client.get(url).status_code, 403)

    def test_it_lists_the_operations(self) -> None:
        self.login(self.andres)
        response = self.client.get(reverse("dtm_dashboards"))
        self.assertContains(response, "Venezuela regional")
        self.assertNotContains(response, "FFS monitoring")
