"""The shelter occupancy report: night by night, as a page, CSV or XLSX, for its staff only."""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone

from caminantes.assistance.shelter.tests.base import ShelterTestCase
from caminantes.audit.models import AuditEvent


class OccupancyReportTests(ShelterTestCase):
    def url(self, **query: str) -> str:
        params = "&".join(f"{k}={v}" for k, v in query.items())
        return f"/assistance/reports/occupancy/{self.site.uuid}/?{params}"

    def test_it_counts_the_beds_held_each_night_and_downloads_them(self) -> None:
        self.check_in([(self.luis, self.bed(self.general, "G1"))], nights=2)
        self.login(self.sara)
        today = timezone.localdate()
        start = (today - timedelta(days=2)).isoformat()
        response = self.client.get(self.url(start=start, end=today.isoformat()),
                                   HTTP_ACCEPT_LANGUAGE="es")  # fmt: skip
        self.assertContains(response, "<svg")
        nights = response.context["nights"]
        self.assertEqual([n.occupied for n in nights], [0, 0, 1])
        beds = nights[-1].beds
        self.assertEqual(nights[-1].free, beds - 1)
        csv = self.client.get(self.url(start=start, end=today.isoformat(), file_format="csv"))
        body = b"".join(csv.streaming_content).decode()  # type: ignore[attr-defined]
        self.assertIn(f"{today.isoformat()},{beds},1,{beds - 1}", body)
        self.assertTrue(
            AuditEvent.objects.filter(action="export", context__report="shelter_occupancy").exists()
        )
        xlsx = self.client.get(self.url(start=start, end=today.isoformat(), file_format="xlsx"))
        self.assertEqual(xlsx.status_code, 200)

    def test_it_answers_a_wrong_period_in_words(self) -> None:
        self.login(self.sara)
        today = timezone.localdate()
        for start, end in [
            (today.isoformat(), (today - timedelta(days=3)).isoformat()),  # backwards
            (today.isoformat(), (today + timedelta(days=3)).isoformat()),  # future
            ((today - timedelta(days=400)).isoformat(), today.isoformat()),  # over a year
            ("", ""),
            ("ayer", "hoy"),
        ]:
            with self.subTest(start=start, end=end):
                response = self.client.get(self.url(start=start, end=end))
                self.assertEqual(response.status_code, 200)
                self.assertNotIn("nights", response.context)
                self.assertTrue(response.context["form"].errors)

    def test_another_organisation_and_other_roles_do_not_see_it(self) -> None:
        self.login(self.fabi)  # FFS's shelter officer
        self.assertEqual(self.client.get(self.url()).status_code, 404)
        self.login(self.alice)  # a registration officer: no shelter permission
        self.assertEqual(self.client.get(self.url()).status_code, 403)
