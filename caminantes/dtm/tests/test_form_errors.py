"""Ordinary mistakes on the DTM pages are told in words, never a 500: a code or round number
already taken, dates at the calendar's edge, a number too large to store."""

from __future__ import annotations

from django.conf import settings
from django.urls import reverse

from caminantes.dtm.models import CollectiveSite, Operation, Round, SiteAssessment
from caminantes.dtm.tests.base import DtmTestCase


class DtmFormErrorsTest(DtmTestCase):
    def setUp(self) -> None:
        super().setUp()
        self.client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"

    def test_it_says_an_operation_code_is_taken(self) -> None:
        self.login(self.andres)
        response = self.client.post(reverse("dtm_operation_new"), {
            "name": "Another", "code": "ven", "countries": [self.co.pk], "starts_on": "2025-01-01",
        })  # fmt: skip
        self.assertEqual(response.status_code, 200)
        self.assertContains(response, "Another operation of this organisation already has")
        self.assertContains(response, 'href="#id_code"')
        self.assertEqual(Operation.objects.filter(code="ven").count(), 1)

    def test_it_says_a_round_number_is_taken_and_a_round_ending_before_it_starts(self) -> None:
        self.login(self.andres)
        url = reverse("dtm_round_new", args=[self.operation.uuid])
        taken = self.client.post(url, {"number": "1", "starts_on": "2025-04-01",
                                       "ends_on": "2025-04-30"})  # fmt: skip
        self.assertContains(taken, "This operation already has a round with this number.")
        reversed_ = self.client.post(url, {"number": "2", "starts_on": "2025-04-30",
                                           "ends_on": "2025-04-01"})  # fmt: skip
        self.assertContains(reversed_, "The end is before the start.")
        self.assertEqual(Round.objects.filter(operation=self.operation).count(), 1)

    def test_it_refuses_a_dashboard_period_at_the_calendar_edge(self) -> None:
        self.login(self.andres)
        url = reverse("dtm_dashboard_flows", args=[self.operation.uuid])
        for start, end in (("0001-01-01", "0001-01-31"), ("9999-12-01", "9999-12-31")):
            response = self.client.get(url, {"start": start, "end": end})
            self.assertEqual(response.status_code, 200)
            self.assertContains(response, "Choose a date between 1990-01-01 and 2100-12-31.")

    def test_it_refuses_a_number_too_large_in_a_site_assessment(self) -> None:
        site = CollectiveSite.objects.create(
            organization=self.iom, country=self.co, admin_area=self.nsa, name="Albergue",
            code="albergue", site_type="shelter",
        )  # fmt: skip
        self.login(self.eve)
        url = reverse("dtm_site_assess", args=[site.uuid])
        for huge in ("99999999999999999999999", "1e400"):
            response = self.client.post(url, {"round": "1", "date": "2025-03-15",
                                              "capacity": huge, "female_18_59": "10"})  # fmt: skip
            self.assertEqual(response.status_code, 200)
            self.assertContains(response, "Capacity (people)")
        self.assertFalse(SiteAssessment.objects.exists())
