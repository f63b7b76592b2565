"""Campaigns: the perception indicator on a hand-made example, the 5W count (one delivery per
activity, revised not duplicated), materials (sniffed, served as downloads), scoping and
the forms' errors."""

from __future__ import annotations

import shutil
import tempfile
from datetime import date, timedelta
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client, override_settings
from django.utils import timezone

from caminantes.accounts.services import api_token_create
from caminantes.assistance.models import ServiceDelivery, ServiceDeliveryPerson
from caminantes.coordination.campaigns import indicators, services
from caminantes.coordination.campaigns.models import Activity, Campaign, Material, SurveyRound
from caminantes.coordination.campaigns.tests.base import CampaignTestCase


class PerceptionTests(CampaignTestCase):
    def test_it_computes_the_indicator_and_its_change_by_hand(self) -> None:
        # Before: 200 people, 80 and 60 agree -> 140 / 400 = 35 %.
        # After: 100 people, 20 and 30 agree -> 50 / 200 = 25 %. Change: -10 points.
        before = indicators.Round(date(2026, 1, 10), "before", 200, [80, 60])
        after = indicators.Round(date(2026, 11, 10), "after", 100, [20, 30])
        self.assertEqual(indicators.share(before), 35.0)
        found = indicators.perception([after, before])
        self.assertEqual((found.before, found.after, found.change_pp), (35.0, 25.0, -10.0))
        self.assertIsNone(indicators.perception([before]).change_pp)

    def test_it_records_rounds_and_charts_before_and_after(self) -> None:
        client = self.login(self.carla)
        url = f"/coordination/campaigns/{self.campaign.uuid}/surveys/new/"
        for day, phase, sample, a, b in (("2026-01-10", "before", 200, 80, 60),
                                         ("2026-11-10", "after", 100, 20, 30)):  # fmt: skip
            answer = client.post(url, {"date": day, "phase": phase, "sample_size": sample,
                                       "agreeing_0": a, "agreeing_1": b})  # fmt: skip
            self.assertEqual(answer.status_code, 302)
        page = client.get(f"/coordination/campaigns/{self.campaign.uuid}/")
        self.assertContains(page, "<svg")
        self.assertContains(page, "35,0 %")
        self.assertContains(page, "25,0 %")
        self.assertContains(page, "-10,0")
        api = self.client.get(
            f"/api/v1/coordination/campaigns/campaigns/{self.campaign.uuid}",
            headers={"Authorization": "Bearer " + api_token_create(
                user=self.carla, name="t", scopes=["read"]).secret},
        )  # fmt: skip
        self.assertEqual(api.json()["perception_change_pp"], -10.0)

    def test_it_refuses_more_people_agreeing_than_surveyed(self) -> None:
        client = self.login(self.carla)
        url = f"/coordination/campaigns/{self.campaign.uuid}/surveys/new/"
        page = client.post(url, {"date": "2026-01-10", "phase": "before", "sample_size": 50,
                                 "agreeing_0": 51, "agreeing_1": 10})  # fmt: skip
        self.assertEqual(page.status_code, 200)
        self.assertContains(page, "Más personas de acuerdo (51) que personas encuestadas (50)")
        future = (timezone.localdate() + timedelta(days=2)).isoformat()
        page = client.post(url, {"date": future, "phase": "after", "sample_size": 50,
                                 "agreeing_0": 1, "agreeing_1": 1})  # fmt: skip
        self.assertContains(page, "La fecha no puede estar en el futuro")
        self.assertEqual(client.post(url, {}).status_code, 200)
        self.assertFalse(SurveyRound.objects.exists())


class FiveWTests(CampaignTestCase):
    counted: Campaign

    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        cls.counted = cls.make_campaign(title="Escuelas sin xenofobia", count_in_5w=True,
                                        indicator_5w="people_reached_anti_xenophobia")  # fmt: skip

    def test_it_writes_one_delivery_and_revises_it_on_edit(self) -> None:
        client = self.login(self.carla)
        page = client.post(f"/coordination/campaigns/{self.counted.uuid}/activities/new/", {
            "date": "2026-03-05", "channel": "schools", "area": "CO-NSA",
            "population_type": "host_community", "women": 3, "men": 2, "girls": 10, "boys": 8,
        })  # fmt: skip
        self.assertEqual(page.status_code, 302)
        activity = Activity.objects.get(campaign=self.counted)
        delivery = ServiceDelivery.objects.get()
        self.assertEqual(activity.delivery, delivery)
        self.assertEqual((delivery.sector, delivery.indicator, delivery.quantity),
                         ("integration", "people_reached_anti_xenophobia", 23))  # fmt: skip
        self.assertEqual((delivery.ref_type, delivery.ref_uuid),
                         ("campaigns.activity", activity.uuid))  # fmt: skip
        people = ServiceDeliveryPerson.objects.filter(delivery=delivery)
        self.assertEqual(people.filter(sex="F", age__lt=18).count(), 10)
        self.assertEqual(people.filter(sex="M", age__gte=18).count(), 2)
        # Edited twice: the same delivery, its figures corrected, never a second one.
        for girls in (12, 12):
            client.post(f"/coordination/campaigns/activities/{activity.uuid}/", {
                "date": "2026-03-06", "channel": "schools", "area": "CO-NSA",
                "population_type": "host_community", "women": 3, "men": 2, "girls": girls,
                "boys": 8,
            })  # fmt: skip
        self.assertEqual(ServiceDelivery.objects.count(), 1)
        delivery.refresh_from_db()
        self.assertEqual(delivery.quantity, 25)
        self.assertEqual(ServiceDeliveryPerson.objects.filter(delivery=delivery).count(), 25)
        self.assertEqual(delivery.delivered_at.date(), date(2026, 3, 6))
        # Switching the campaign off withdraws it; on again writes it once more.
        values = {k: getattr(self.counted, k) for k in (
            "title", "objective", "audience", "themes", "languages", "channels", "start_on",
            "end_on", "statements")}  # fmt: skip
        services.campaign_update(actor=self.carla, campaign=self.counted, count_in_5w=False,
                                 areas=[self.nsa], **values)  # fmt: skip
        self.assertEqual(ServiceDelivery.objects.count(), 0)
        services.campaign_update(actor=self.carla, campaign=self.counted, count_in_5w=True,
                                 indicator_5w="people_reached_anti_xenophobia",
                                 areas=[self.nsa], **values)  # fmt: skip
        self.assertEqual(ServiceDelivery.objects.count(), 1)

    def test_it_never_counts_an_audience_estimate_as_people(self) -> None:
        activity = services.activity_save(
            actor=self.carla, campaign=self.counted, date=date(2026, 2, 1), channel="radio",
            area=None, population_type="host_community", audience_estimate=120_000,
        )  # fmt: skip
        self.assertIsNone(activity.delivery)
        self.assertEqual(activity.people_reached, 0)
        self.assertFalse(ServiceDelivery.objects.exists())
        page = self.login(self.carla).get(f"/coordination/campaigns/{self.counted.uuid}/")
        self.assertContains(page, "120000")

    def test_it_does_not_count_a_campaign_that_does_not_count(self) -> None:
        services.activity_save(actor=self.carla, campaign=self.campaign, date=date(2026, 2, 1),
                               channel="schools", area=None, population_type="in_transit",
                               women=4)  # fmt: skip
        self.assertFalse(ServiceDelivery.objects.exists())


class CampaignFormTests(CampaignTestCase):
    def test_it_answers_bad_campaigns_and_activities_in_words(self) -> None:
        client = self.login(self.carla)
        self.assertEqual(client.post("/coordination/campaigns/new/", {}).status_code, 200)
        page = client.post("/coordination/campaigns/new/", {
            "title": "Al revés", "country": "CO", "objective": "x", "audience": "host",
            "themes": ["xenophobia"], "languages": ["es"], "channels": ["radio"],
            "start_on": "2026-05-01", "end_on": "2026-04-01", "count_in_5w": "on",
        })  # fmt: skip
        self.assertContains(page, "La campaña no puede terminar antes de empezar")
        self.assertContains(page, "Elija el indicador 5W")
        url = f"/coordination/campaigns/{self.campaign.uuid}/activities/new/"
        future = (timezone.localdate() + timedelta(days=1)).isoformat()
        page = client.post(url, {"date": future, "channel": "schools", "women": 2})
        self.assertContains(page, "La fecha no puede estar en el futuro")
        page = client.post(url, {"date": "2026-02-01", "channel": "schools",
                                 "audience_estimate": 500})  # fmt: skip
        self.assertContains(page, "La audiencia estimada es para radio y redes sociales")
        page = client.post(url, {"date": "2026-02-01", "channel": "schools",
                                 "population_type": "in_destination"})  # fmt: skip
        self.assertContains(page, "Ingrese las personas alcanzadas")
        self.assertContains(client.post(url, {}), "errorlist")
        self.assertFalse(Activity.objects.exists())

    def test_it_keeps_campaigns_to_their_organisation(self) -> None:
        other = self.login(self.charlie)
        self.assertEqual(other.get(f"/coordination/campaigns/{self.campaign.uuid}/").status_code,
                         404)  # fmt: skip
        self.assertNotContains(other.get("/coordination/campaigns/"), "Somos vecinos")
        token = api_token_create(user=self.charlie, name="t", scopes=["read"]).secret
        api = self.client.get("/api/v1/coordination/campaigns/campaigns",
                              headers={"Authorization": f"Bearer {token}"})  # fmt: skip
        self.assertNotIn("Somos vecinos", api.content.decode())
        self.assertEqual(self.login(self.alice, client=Client()).get(
            "/coordination/campaigns/").status_code, 403)  # fmt: skip


PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 40


class MaterialTests(CampaignTestCase):
    def setUp(self) -> None:
        self.media = tempfile.mkdtemp()
        self.settings_override = override_settings(MEDIA_ROOT=self.media)
        self.settings_override.enable()

    def tearDown(self) -> None:
        self.settings_override.disable()
        shutil.rmtree(self.media, ignore_errors=True)

    def test_it_keeps_a_sniffed_file_and_serves_it_as_a_download(self) -> None:
        client = self.login(self.carla)
        url = f"/coordination/campaigns/{self.campaign.uuid}/materials/new/"
        disguised = SimpleUploadedFile("afiche.png", b"<html><script>alert(1)</script>",
                                       content_type="image/png")  # fmt: skip
        page = client.post(url, {"title": "Afiche", "file": disguised})
        self.assertContains(page, "Suba un archivo PDF, PNG, JPEG o MP3")
        renamed = SimpleUploadedFile("afiche.pdf", PNG, content_type="application/pdf")
        self.assertContains(client.post(url, {"title": "Afiche", "file": renamed}),
                            "no corresponde a su contenido")  # fmt: skip
        good = SimpleUploadedFile("Afiche «vecinos».png", PNG, content_type="text/html")
        self.assertEqual(client.post(url, {"title": "Afiche", "file": good}).status_code, 302)
        material = Material.objects.get()
        self.assertEqual((material.content_type, material.original_name),
                         ("image/png", "Afiche-vecinos.png"))  # fmt: skip
        self.assertNotIn("Afiche", material.file.name)
        download: Any = client.get(f"/coordination/campaigns/materials/{material.uuid}/download/")
        self.assertEqual(download["Content-Type"], "image/png")
        self.assertIn("attachment", download["Content-Disposition"])
        self.assertEqual(download["X-Content-Type-Options"], "nosniff")
        self.assertEqual(b"".join(download.streaming_content), PNG)
        other = self.login(self.charlie, client=Client())
        self.assertEqual(
            other.get(f"/coordination/campaigns/materials/{material.uuid}/download/").status_code,
            404,
        )
