"""Correcting a distribution plan: the edit page, the service's checks and the PATCH API."""

from __future__ import annotations

import json
import uuid
from datetime import timedelta
from typing import Any

from django.urls import reverse
from django.utils import timezone

from caminantes.accounts.models import User
from caminantes.accounts.services import api_token_create
from caminantes.assistance import services_distribution as sd
from caminantes.assistance.models import DistributionPlan, Kit, PlanChange
from caminantes.assistance.tests.base_distribution import DistributionTestCase
from caminantes.audit.models import AuditEvent

BASE = "/api/v1/assistance/distribution"


def bands_of(plan: DistributionPlan) -> list[tuple[int, int | None, int]]:
    return [(b.min_size, b.max_size, b.quantity) for b in plan.bands.order_by("min_size")]


class PlanEditPageTests(DistributionTestCase):
    def setUp(self) -> None:
        self.login(self.dora)
        self.url = reverse("assistance_plan_edit", args=[self.plan.uuid])

    def edit_post(self, **changes: Any) -> Any:
        plan = self.plan
        data = {"name": plan.name, "warehouse": plan.warehouse_id, "site": plan.site_id,
                "kit": plan.kit_id, "starts_on": plan.starts_on.isoformat(),
                "ends_on": plan.ends_on.isoformat(), "min_household_size": 1,
                "interval_days": 30, "daily_cap": 50, "small_upto": 4, "small_kits": 1,
                "large_kits": 2}  # fmt: skip
        data.update(changes)
        return self.client.post(self.url, data)

    def handed_out(self) -> None:
        self.stock_hygiene_kits(2)
        assert self.small.focal_point is not None
        sd.handover_record(actor=self.dora, plan=self.plan, household=self.small,
                           request_id=uuid.uuid4(),
                           collected_by=self.small.focal_point)  # fmt: skip

    def test_the_page_is_filled_with_the_plan_and_linked_from_it(self) -> None:
        plan_page = self.client.get(reverse("assistance_plan", args=[self.plan.uuid]))
        self.assertContains(plan_page, self.url)
        page = self.client.get(self.url)
        self.assertEqual(page.status_code, 200)
        self.assertContains(page, 'value="Higiene Cúcuta"')
        self.assertEqual(page.context["form"]["interval_days"].value(), 30)
        self.assertNotIn("open_now", page.context["form"].fields)

    def test_a_correction_is_saved_and_audited_with_the_fields(self) -> None:
        answer = self.edit_post(name="Higiene Cúcuta norte", interval_days=15, large_kits=3)
        self.assertRedirects(answer, reverse("assistance_plan", args=[self.plan.uuid]))
        self.plan.refresh_from_db()
        self.assertEqual((self.plan.name, self.plan.interval_days),
                         ("Higiene Cúcuta norte", 15))  # fmt: skip
        self.assertEqual(bands_of(self.plan), [(1, 4, 1), (5, None, 3)])
        event = AuditEvent.objects.filter(action="update", object_uuid=self.plan.uuid).last()
        assert event is not None
        self.assertEqual(event.context["fields"], ["name", "interval_days", "bands"])

    def test_wrong_input_is_answered_in_words(self) -> None:
        today = timezone.localdate()
        for wrong in ({"name": ""}, {"ends_on": (today - timedelta(days=10)).isoformat()},
                      {"interval_days": 0}, {"small_kits": ""}, {"starts_on": "ayer"},
                      {"starts_on": (today + timedelta(days=900)).isoformat(),
                       "ends_on": (today + timedelta(days=901)).isoformat()},
                      {"max_household_size": 0}, {"population_types": ["martians"]},
                      {"kit": 999999}):  # fmt: skip
            with self.subTest(wrong=wrong):
                answer = self.edit_post(**wrong)
                self.assertEqual(answer.status_code, 200)
                self.assertTrue(answer.context["form"].errors)
        self.assertEqual(self.client.post(self.url, {}).status_code, 200)
        self.plan.refresh_from_db()
        self.assertEqual((self.plan.name, self.plan.interval_days), ("Higiene Cúcuta", 30))

    def test_the_kit_cannot_change_after_a_handover(self) -> None:
        self.handed_out()
        other = Kit.objects.exclude(pk=self.hygiene.pk).first()
        assert other is not None
        answer = self.edit_post(kit=other.pk)
        self.assertEqual(answer.status_code, 200)
        self.assertIn("kit", answer.context["form"].errors)
        answer = self.edit_post(warehouse=self.bogota.pk)
        self.assertIn("warehouse", answer.context["form"].errors)
        self.plan.refresh_from_db()
        self.assertEqual((self.plan.kit_id, self.plan.warehouse_id),
                         (self.hygiene.pk, self.cucuta.pk))  # fmt: skip
        # Other rules may still be corrected.
        self.assertEqual(self.edit_post(daily_cap=80).status_code, 302)

    def test_the_kit_may_change_before_any_handover(self) -> None:
        other = Kit.objects.exclude(pk=self.hygiene.pk).first()
        assert other is not None
        self.assertEqual(self.edit_post(kit=other.pk, warehouse=self.bogota.pk).status_code, 302)
        self.plan.refresh_from_db()
        self.assertEqual((self.plan.kit_id, self.plan.warehouse_id), (other.pk, self.bogota.pk))

    def test_another_organisation_gets_404_and_a_registrar_403(self) -> None:
        self.login(self.fede)
        self.assertEqual(self.client.get(self.url).status_code, 404)
        self.assertEqual(self.edit_post(name="X").status_code, 404)
        self.login(self.alice)
        self.assertEqual(self.client.get(self.url).status_code, 403)
        self.plan.refresh_from_db()
        self.assertEqual(self.plan.name, "Higiene Cúcuta")


class PlanUpdateServiceTests(DistributionTestCase):
    def test_overlapping_bands_and_a_zero_interval_are_refused(self) -> None:
        from django.core.exceptions import ValidationError

        wrong: dict[str, Any]
        for wrong in ({"bands": [sd.Band(1, 5, 1), sd.Band(4, None, 2)]}, {"bands": []},
                      {"interval_days": 0},
                      {"ends_on": self.plan.starts_on - timedelta(days=1)},
                      {"colour": "red"}):  # fmt: skip
            with self.subTest(wrong=wrong), self.assertRaises(ValidationError):
                sd.plan_update(actor=self.dora, plan=self.plan, **wrong)
        self.assertEqual(bands_of(self.plan), [(1, 4, 1), (5, None, 2)])

    def test_bands_are_replaced_as_a_whole(self) -> None:
        result = sd.plan_update(actor=self.dora, plan=self.plan, bands=[
            sd.Band(1, 2, 1), sd.Band(3, 6, 2), sd.Band(7, None, 3)])  # fmt: skip
        self.assertEqual(result.changed, ["bands"])
        self.assertEqual(bands_of(self.plan), [(1, 2, 1), (3, 6, 2), (7, None, 3)])


class PlanPatchApiTests(DistributionTestCase):
    def call(self, user: User, body: Any, scopes: tuple[str, ...] = ("read", "write")) -> Any:
        secret = api_token_create(user=user, name="t", scopes=list(scopes)).secret
        return self.client.generic(
            "PATCH", f"{BASE}/plans/{self.plan.uuid}", json.dumps(body),
            content_type="application/json",
            headers={"Authorization": f"Bearer {secret}", "Accept-Language": "es"},
        )  # fmt: skip

    def test_a_patch_changes_only_what_is_sent_and_a_resend_is_200(self) -> None:
        body = {"request_id": str(uuid.uuid4()), "interval_days": 20, "daily_cap": None,
                "bands": [{"min_size": 1, "max_size": None, "quantity": 1}]}  # fmt: skip
        answer = self.call(self.dora, body)
        self.assertEqual(answer.status_code, 200, answer.content)
        self.assertEqual(sorted(answer.json()["changed"]), ["bands", "daily_cap", "interval_days"])
        self.assertEqual(answer.json()["plan"]["interval_days"], 20)
        self.assertIsNone(answer.json()["plan"]["daily_cap"])
        self.plan.refresh_from_db()
        self.assertEqual(self.plan.name, "Higiene Cúcuta")
        again = self.call(self.dora, body)
        self.assertEqual(again.status_code, 200)
        self.assertTrue(again.json()["replayed"])
        reused = self.call(self.dora, {**body, "interval_days": 10})
        self.assertEqual(reused.status_code, 409)
        self.assertEqual(reused.json()["code"], "request_id_reused")
        self.assertEqual(PlanChange.objects.count(), 1)

    def test_wrong_input_is_422_and_a_kit_change_after_a_handover_409(self) -> None:
        key = {"request_id": str(uuid.uuid4())}
        for wrong in ({"interval_days": 0}, {"ends_on": "2020-01-01"}, {"name": None},
                      {"bands": [{"min_size": 1, "max_size": 5, "quantity": 1},
                                 {"min_size": 3, "max_size": None, "quantity": 1}]},
                      {"kit": "no-such-kit"}, {"warehouse": str(uuid.uuid4())},
                      {"interval_days": "many"}):  # fmt: skip
            with self.subTest(wrong=wrong):
                answer = self.call(self.dora, {"request_id": str(uuid.uuid4()), **wrong})
                self.assertEqual(answer.status_code, 422, answer.content)
        self.stock_hygiene_kits(2)
        assert self.small.focal_point is not None
        sd.handover_record(actor=self.dora, plan=self.plan, household=self.small,
                           request_id=uuid.uuid4(),
                           collected_by=self.small.focal_point)  # fmt: skip
        other = Kit.objects.exclude(pk=self.hygiene.pk).first()
        assert other is not None
        answer = self.call(self.dora, {**key, "kit": other.code})
        self.assertEqual(answer.status_code, 409)
        self.assertEqual(answer.json()["code"], "plan_in_use")

    def test_another_organisation_and_a_registrar_404_a_read_token_403(self) -> None:
        body = {"request_id": str(uuid.uuid4()), "name": "Robado"}
        self.assertEqual(self.call(self.fede, body).status_code, 404)
        # Like every read of a plan: one the caller may not distribute from is not there.
        self.assertEqual(self.call(self.alice, body).status_code, 404)
        self.assertEqual(self.call(self.dora, body, scopes=("read",)).status_code, 403)
        self.plan.refresh_from_db()
        self.assertEqual(self.plan.name, "Higiene Cúcuta")
