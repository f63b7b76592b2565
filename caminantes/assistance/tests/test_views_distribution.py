"""The distribution pages as the officer uses them: plans, the list, the desk, the card."""

from __future__ import annotations

import uuid
from datetime import timedelta
from typing import Any

from django.urls import reverse
from django.utils import timezone

from caminantes.assistance.models import DistributionPlan, Handover
from caminantes.assistance.tests.base_distribution import DistributionTestCase
from caminantes.audit.models import AuditEvent


class PlanPageTests(DistributionTestCase):
    def setUp(self) -> None:
        self.login(self.dora)

    def plan_post(self, **changes: Any) -> Any:
        today = timezone.localdate()
        data = {"name": "Cocina Cúcuta", "warehouse": self.cucuta.pk, "site": self.site.pk,
                "kit": self.hygiene.pk, "starts_on": today.isoformat(),
                "ends_on": (today + timedelta(days=20)).isoformat(), "min_household_size": 1,
                "interval_days": 30, "small_upto": 4, "small_kits": 1, "large_kits": 2,
                "population_types": ["in_transit"], "open_now": "on"}  # fmt: skip
        data.update(changes)
        return self.client.post(reverse("assistance_plans"), data)

    def test_a_plan_is_created_and_shows_its_distribution_list(self) -> None:
        answer = self.plan_post()
        plan = DistributionPlan.objects.get(name="Cocina Cúcuta")
        self.assertRedirects(answer, reverse("assistance_plan", args=[plan.uuid]))
        self.assertEqual(plan.status, "open")
        self.assertEqual([(b.min_size, b.max_size, b.quantity) for b in plan.bands.all()],
                         [(1, 4, 1), (5, None, 2)])  # fmt: skip
        page = self.client.get(reverse("assistance_plan", args=[plan.uuid]))
        self.assertContains(page, "Marisol Quintero")
        self.assertNotContains(page, "Rosa Foranea")

    def test_wrong_input_is_answered_in_words(self) -> None:
        today = timezone.localdate()
        for wrong in ({"name": ""}, {"ends_on": (today - timedelta(days=2)).isoformat()},
                      {"starts_on": "yesterday"}, {"interval_days": 0}, {"small_kits": ""},
                      {"starts_on": (today + timedelta(days=900)).isoformat()},
                      {"max_household_size": 0}, {"population_types": ["martians"]}):  # fmt: skip
            with self.subTest(wrong=wrong):
                answer = self.plan_post(**wrong)
                self.assertEqual(answer.status_code, 200)
                self.assertTrue(answer.context["form"].errors)
        self.assertFalse(DistributionPlan.objects.filter(name="Cocina Cúcuta").exists())
        self.assertEqual(self.client.post(reverse("assistance_plans"), {}).status_code, 200)

    def test_the_status_changes(self) -> None:
        url = reverse("assistance_plan_status", args=[self.plan.uuid])
        self.client.post(url, {"status": "closed"})
        self.plan.refresh_from_db()
        self.assertEqual(self.plan.status, "closed")
        self.client.post(url, {"status": "nonsense"})
        self.plan.refresh_from_db()
        self.assertEqual(self.plan.status, "closed")

    def test_another_organisation_gets_404_and_a_registrar_403(self) -> None:
        self.login(self.fede)
        for name in ("assistance_plan", "assistance_desk"):
            self.assertEqual(self.client.get(reverse(name, args=[self.plan.uuid])).status_code,
                             404)  # fmt: skip
        self.login(self.alice)
        self.assertEqual(self.client.get(reverse("assistance_plans")).status_code, 403)
        self.assertEqual(
            self.client.get(reverse("assistance_desk", args=[self.plan.uuid])).status_code, 403
        )


class DeskPageTests(DistributionTestCase):
    def setUp(self) -> None:
        self.login(self.dora)
        self.url = reverse("assistance_desk", args=[self.plan.uuid])

    def test_it_finds_the_household_by_name_and_by_the_scanned_card(self) -> None:
        page = self.client.get(self.url, {"q": "marisol quintero"})
        self.assertContains(page, "Marisol Quintero")
        self.assertEqual(page.context["household"], self.small)
        scanned = self.client.get(self.url, {"q": str(self.large.uuid)})
        self.assertEqual(scanned.context["household"], self.large)
        self.assertContains(scanned, "2")
        foreign = self.client.get(self.url, {"q": str(self.foreign.uuid)})
        self.assertIsNone(foreign.context["household"])
        self.assertNotContains(foreign, "Rosa")

    def handover(self, **changes: Any) -> Any:
        assert self.small.focal_point is not None
        data = {"request_id": str(uuid.uuid4()), "household": str(self.small.uuid),
                "collected_by": str(self.small.focal_point.uuid), "proxy_name": ""}  # fmt: skip
        data.update(changes)
        return self.client.post(reverse("assistance_handover", args=[self.plan.uuid]), data)

    def test_a_handover_on_the_page_and_the_second_refused_in_words(self) -> None:
        self.stock_hygiene_kits(4)
        key = str(uuid.uuid4())
        answer = self.handover(request_id=key)
        self.assertEqual(answer.status_code, 302)
        self.handover(request_id=key)  # a double tap
        self.assertEqual(Handover.objects.count(), 1)
        page = self.client.get(self.url, {"household": str(self.small.uuid)})
        self.assertContains(page, "Marisol Quintero")
        self.assertEqual(page.context["entitlement"].standing, "served_today")
        again = self.handover()
        self.assertEqual(again.status_code, 200)
        self.assertTrue(again.context["form"].errors)
        self.assertEqual(Handover.objects.count(), 1)

    def test_wrong_input_on_the_handover_form(self) -> None:
        self.stock_hygiene_kits(4)
        for wrong in ({"collected_by": ""}, {"collected_by": "", "proxy_name": "Vecina"},
                      {"collected_by": str(uuid.uuid4())}, {"request_id": "x"}):  # fmt: skip
            with self.subTest(wrong=wrong):
                answer = self.handover(**wrong)
                self.assertEqual(answer.status_code, 200)
                self.assertTrue(answer.context["form"].errors)
        self.assertEqual(self.handover(household="nope").status_code, 404)
        self.assertEqual(self.handover(household=str(self.foreign.uuid)).status_code, 404)
        self.assertFalse(Handover.objects.exists())
        done = self.handover(collected_by="", proxy_name="Vecina", proxy_consent="on")
        self.assertEqual(done.status_code, 302)

    def test_the_card_pdf_and_its_reprint_are_audited(self) -> None:
        url = reverse("assistance_card", args=[self.small.uuid])
        first = self.client.get(url)
        self.assertEqual(first["Content-Type"], "application/pdf")
        self.assertTrue(first.content.startswith(b"%PDF"))
        self.client.get(url, {"reprint": "1"})
        events = AuditEvent.objects.filter(action="export", object_uuid=self.small.uuid)
        self.assertEqual(events.count(), 2)
        self.login(self.fede)
        self.assertEqual(self.client.get(url).status_code, 404)
