"""Distribution plans and handovers: the rules a desk officer meets."""

from __future__ import annotations

import uuid
from datetime import timedelta
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from caminantes.assistance import distribution as reads
from caminantes.assistance import services
from caminantes.assistance import services_distribution as sd
from caminantes.assistance.errors import Refused
from caminantes.assistance.models import DistributionPlan, Handover, ServiceDelivery
from caminantes.assistance.tests.base_distribution import DistributionTestCase, make_household
from caminantes.registry.models import TimelineEntry


class HandoverTest(DistributionTestCase):
    def setUp(self) -> None:
        self.stock_hygiene_kits(10)

    def hand(self, household: Any = None, **kwargs: Any) -> Any:
        household = household or self.small
        kwargs.setdefault("collected_by", household.focal_point)
        return sd.handover_record(
            actor=self.dora, plan=self.plan, household=household,
            request_id=kwargs.pop("request_id", uuid.uuid4()), **kwargs,
        )  # fmt: skip

    def refusal(self, **kwargs: Any) -> str:
        with self.assertRaises(Refused) as caught:
            self.hand(**kwargs)
        return caught.exception.refusal_code

    def test_a_handover_issues_the_kits_and_is_a_service_delivery_on_the_timeline(self) -> None:
        result = self.hand(self.large)
        self.assertEqual(result.handover.quantity, 2)  # 6 people: the 5+ band
        self.assertEqual(services.kits_available(self.cucuta, self.hygiene), 8)
        served = ServiceDelivery.objects.get(pk=result.handover.delivery_id)
        self.assertEqual((served.sector, served.indicator), ("nfi", "households_receiving_nfi"))
        self.assertEqual(served.people.count(), 6)
        self.assertEqual(served.ref_uuid, result.handover.uuid)
        self.assertTrue(TimelineEntry.objects.filter(household=self.large).exists())

    def test_the_same_handover_sent_again_is_recorded_once(self) -> None:
        key = uuid.uuid4()
        self.hand(request_id=key)
        again = self.hand(request_id=key)
        self.assertTrue(again.replayed)
        self.assertEqual(Handover.objects.count(), 1)
        self.assertEqual(services.kits_available(self.cucuta, self.hygiene), 9)

    def test_the_same_id_for_another_handover_is_refused(self) -> None:
        key = uuid.uuid4()
        self.hand(request_id=key)
        self.assertEqual(self.refusal(household=self.large, request_id=key), "request_id_reused")

    def test_a_second_handover_inside_the_interval_is_refused(self) -> None:
        self.hand()
        self.assertEqual(self.refusal(), "inside_interval")
        Handover.objects.update(day=timezone.localdate() - timedelta(days=10))
        with self.assertRaises(Refused) as caught:
            self.hand()
        self.assertEqual(caught.exception.refusal_code, "inside_interval")
        again = timezone.localdate() + timedelta(days=20)
        self.assertIn(again.strftime("%d/%m/%Y"), caught.exception.detail)  # as people write it
        Handover.objects.update(day=timezone.localdate() - timedelta(days=30))
        self.assertFalse(self.hand().replayed)

    def test_a_household_outside_the_rules_is_not_entitled(self) -> None:
        DistributionPlan.objects.filter(pk=self.plan.pk).update(population_types=["returnee"])
        self.plan.refresh_from_db()
        self.assertEqual(self.refusal(), "not_entitled")

    def test_another_organisations_household_is_not_entitled(self) -> None:
        self.assertEqual(self.refusal(household=self.foreign), "not_entitled")

    def test_the_daily_cap(self) -> None:
        DistributionPlan.objects.filter(pk=self.plan.pk).update(daily_cap=1)
        self.hand()
        self.assertEqual(self.refusal(household=self.large), "daily_cap_reached")

    def test_no_stock(self) -> None:
        line = self.hygiene.lines.select_related("item")[0]
        services.stock_loss(actor=self.dora, warehouse=self.cucuta, item=line.item,
                            quantity=10 * line.quantity, reason="damaged")  # fmt: skip
        self.assertEqual(self.refusal(), "out_of_stock")
        self.assertFalse(Handover.objects.exists())
        self.assertFalse(ServiceDelivery.objects.exists())

    def test_a_proxy_needs_the_households_consent(self) -> None:
        code = self.refusal(collected_by=None, proxy_name="Vecina Carmen")
        self.assertEqual(code, "proxy_without_consent")
        result = self.hand(collected_by=None, proxy_name="Vecina Carmen", proxy_consent=True)
        self.assertEqual(result.handover.proxy_name, "Vecina Carmen")

    def test_who_collects_must_be_said_and_be_a_member(self) -> None:
        with self.assertRaises(ValidationError):
            self.hand(collected_by=None)
        with self.assertRaises(ValidationError):
            self.hand(collected_by=self.large.focal_point)

    def test_a_closed_or_finished_plan_hands_out_nothing(self) -> None:
        sd.plan_set_status(actor=self.dora, plan=self.plan, status="closed")
        self.assertEqual(self.refusal(), "plan_not_open")

    def test_a_registration_officer_may_not_hand_out(self) -> None:
        with self.assertRaises(PermissionDenied):
            sd.handover_record(
                actor=self.alice,
                plan=self.plan,
                household=self.small,
                request_id=uuid.uuid4(),
                collected_by=self.small.focal_point,
            )


class ListTest(DistributionTestCase):
    def test_the_list_follows_from_the_rules(self) -> None:
        make_household(self.iom, self.co, ["Pedro Returnado"], population_type="returnee")
        listed = list(reads.distribution_list(user=self.dora, plan=self.plan))
        self.assertIn(self.small, listed)
        self.assertNotIn(self.foreign, listed)
        DistributionPlan.objects.filter(pk=self.plan.pk).update(
            population_types=["in_transit"], max_household_size=4
        )
        self.plan.refresh_from_db()
        self.assertEqual(list(reads.distribution_list(user=self.dora, plan=self.plan)),
                         [self.small])  # fmt: skip

    def test_specific_needs_any_of(self) -> None:
        needy = make_household(self.iom, self.co, ["Olga Gestante"], needs=["pregnant_lactating"])
        DistributionPlan.objects.filter(pk=self.plan.pk).update(
            specific_needs=["pregnant_lactating", "uasc"]
        )
        self.plan.refresh_from_db()
        self.assertEqual(list(reads.distribution_list(user=self.dora, plan=self.plan)), [needy])

    def test_standings(self) -> None:
        self.stock_hygiene_kits(2)
        sd.handover_record(
            actor=self.dora,
            plan=self.plan,
            household=self.small,
            request_id=uuid.uuid4(),
            collected_by=self.small.focal_point,
        )
        page = list(reads.distribution_list(user=self.dora, plan=self.plan))
        by = {e.household.pk: e for e in reads.standings(user=self.dora, plan=self.plan,
                                                         households=page)}  # fmt: skip
        self.assertEqual(by[self.small.pk].standing, reads.Standing.SERVED_TODAY)
        self.assertEqual(by[self.large.pk].standing, reads.Standing.ENTITLED)
        self.assertEqual(by[self.large.pk].quantity, 2)

    def test_the_registry_policy_door(self) -> None:
        self.assertEqual(list(reads.distribution_list(user=self.fede, plan=self.plan)), [])


class PlanTest(DistributionTestCase):
    def plan_with(self, **kwargs: Any) -> Any:
        today = timezone.localdate()
        values: dict[str, Any] = {
            "actor": self.dora,
            "warehouse": self.cucuta,
            "site": self.site,
            "kit": self.hygiene,
            "name": "Plan",
            "starts_on": today,
            "ends_on": today + timedelta(days=10),
            "bands": [sd.Band(1, None, 1)],
        }
        values.update(kwargs)
        return sd.plan_create(**values)

    def test_wrong_rules_are_refused_in_words(self) -> None:
        today = timezone.localdate()
        wrongs: list[dict[str, Any]] = [
            {"name": " "},
            {"ends_on": today - timedelta(days=1)},
            {"bands": []},
            {"bands": [sd.Band(1, 4, 1), sd.Band(3, None, 2)]},
            {"interval_days": 0},
            {"daily_cap": 0},
            {"min_household_size": 5, "max_household_size": 2},
            {"population_types": ["martians"]},
        ]
        for wrong in wrongs:
            with self.subTest(wrong=wrong), self.assertRaises(ValidationError):
                self.plan_with(**wrong)

    def test_only_a_distributor_of_the_organisation_makes_plans(self) -> None:
        with self.assertRaises(PermissionDenied):
            self.plan_with(actor=self.fede)
        with self.assertRaises(PermissionDenied):
            self.plan_with(actor=self.alice)
