from __future__ import annotations

import uuid
from datetime import timedelta
from decimal import Decimal
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from caminantes.assistance.casework import selectors, services_records
from caminantes.assistance.casework.models import LivelihoodActivity, ServiceRecord
from caminantes.assistance.casework.tests.base import CaseworkTestCase
from caminantes.assistance.errors import Refused
from caminantes.assistance.models import ServiceDelivery
from caminantes.registry.models import TimelineEntry


class ServiceRecordTests(CaseworkTestCase):
    def record(self, user: Any = None, **extra: Any) -> ServiceRecord:
        args: dict[str, Any] = {"kind": "consultation", "served_on": timezone.localdate()}
        args.update(extra)
        return services_records.service_record(
            actor=user or self.alice, household=self.rojas, **args
        ).record

    def test_it_writes_a_cash_transfer_as_a_delivery_with_value_currency_and_mechanism(
        self,
    ) -> None:
        record = self.record(
            kind="multipurpose_cash",
            value=Decimal("350000"),
            currency="cop",
            mechanism="mobile_money",
            place=self.bogota,
        )
        self.assertEqual((record.value, record.currency), (Decimal("350000"), "COP"))
        served = ServiceDelivery.objects.get(pk=record.delivery_id)
        self.assertEqual(
            (
                served.sector,
                served.indicator,
                served.modality,
                served.value,
                served.currency,
                served.mechanism,
            ),
            (
                "multipurpose_cash",
                "multipurpose_cash_transfers",
                "cash",
                Decimal("350000.00"),
                "COP",
                "mobile_money",
            ),
        )
        self.assertEqual(
            (served.ref_type, served.ref_uuid), ("casework.servicerecord", record.uuid)
        )
        self.assertEqual(served.people.count(), 2)  # the whole household
        self.assertTrue(
            TimelineEntry.objects.filter(household=self.rojas, kind="assistance").exists()
        )

    def test_it_writes_a_health_service_for_one_person_without_a_value(self) -> None:
        record = self.record(kind="vaccination", person=self.sofia, quantity=2)
        served = record.delivery
        self.assertEqual(
            (served.sector, served.indicator, served.modality, served.quantity),
            ("health", "vaccinations", "service", 2),
        )
        self.assertEqual([p.person_id for p in served.people.all()], [self.sofia.pk])
        with self.assertRaises(ValidationError) as caught:
            self.record(
                kind="consultation", value=Decimal("10"), currency="USD", mechanism="cash_in_hand"
            )
        self.assertIn("value", caught.exception.message_dict)

    def test_it_refuses_wrong_inputs_field_by_field(self) -> None:
        cases: list[tuple[dict[str, Any], str]] = [
            ({"served_on": timezone.localdate() + timedelta(days=1)}, "served_on"),
            ({"served_on": timezone.localdate() - timedelta(days=800)}, "served_on"),
            (
                {
                    "kind": "food_voucher",
                    "value": Decimal("-5"),
                    "currency": "COP",
                    "mechanism": "voucher",
                },
                "value",
            ),
            (
                {
                    "kind": "food_voucher",
                    "value": Decimal("5"),
                    "currency": "XYZ",
                    "mechanism": "voucher",
                },
                "currency",
            ),
            ({"kind": "food_voucher", "value": Decimal("5"), "currency": "COP"}, "mechanism"),
            ({"kind": "multipurpose_cash", "currency": "COP", "mechanism": "voucher"}, "value"),
            ({"quantity": 0}, "quantity"),
            ({"kind": "surgery"}, "kind"),
            ({"place": self.lima}, "place"),
        ]
        for extra, field in cases:
            with self.subTest(extra=extra), self.assertRaises(ValidationError) as caught:
                self.record(**extra)
            self.assertIn(field, caught.exception.message_dict)
        self.assertEqual(ServiceRecord.objects.count(), 0)
        self.assertEqual(ServiceDelivery.objects.count(), 0)

    def test_it_lets_distribution_staff_record_food_and_cash_only(self) -> None:
        self.record(self.dora, kind="food_kit")
        self.record(
            self.dora, kind="food_voucher", value=Decimal("50"), currency="USD", mechanism="voucher"
        )
        with self.assertRaises(PermissionDenied):
            self.record(self.dora, kind="mhpss_session")
        self.record(kind="consultation")
        seen = {r.kind for r in selectors.records_of(user=self.dora, household=self.rojas)}
        self.assertEqual(seen, {"food_kit", "food_voucher"})
        everything = {r.kind for r in selectors.records_of(user=self.alice, household=self.rojas)}
        self.assertEqual(everything, {"food_kit", "food_voucher", "consultation"})
        self.assertEqual(list(selectors.records_of(user=self.charlie, household=self.rojas)), [])
        with self.assertRaises(PermissionDenied):
            self.record(self.charlie, kind="food_kit")

    def test_it_records_once_per_request_id(self) -> None:
        key = uuid.uuid4()
        first = self.record(kind="hot_meals", quantity=3, request_id=key)
        again = self.record(kind="hot_meals", quantity=3, request_id=key)
        self.assertEqual(first.pk, again.pk)
        with self.assertRaises(Refused) as caught:
            self.record(kind="hot_meals", quantity=4, request_id=key)
        self.assertEqual(caught.exception.refusal_code, "request_id_reused")
        self.assertEqual(ServiceDelivery.objects.count(), 1)


class LivelihoodTests(CaseworkTestCase):
    def enrol(self, **extra: Any) -> LivelihoodActivity:
        args: dict[str, Any] = {
            "person": self.marta,
            "kind": "training",
            "title": "Costura",
            "started_on": timezone.localdate() - timedelta(days=10),
        }
        args.update(extra)
        return services_records.livelihood_enrol(actor=self.alice, **args).activity

    def test_it_enrols_with_a_follow_up_90_days_on_and_a_delivery(self) -> None:
        activity = self.enrol()
        self.assertEqual(activity.follow_up_on, activity.started_on + timedelta(days=90))
        self.assertEqual(
            (activity.delivery.sector, activity.delivery.indicator),
            ("integration", "people_trained"),
        )

    def test_it_records_seed_capital_with_its_value(self) -> None:
        activity = self.enrol(
            kind="seed_capital",
            title="Arepera",
            value=Decimal("800"),
            currency="PEN",
            mechanism="bank_account",
        )
        served = activity.delivery
        self.assertEqual(
            (served.modality, served.value, served.currency, served.mechanism),
            ("cash", Decimal("800.00"), "PEN", "bank_account"),
        )
        with self.assertRaises(ValidationError) as caught:
            self.enrol(
                kind="seed_capital",
                title="Arepera",
                value=Decimal("0"),
                currency="PEN",
                mechanism="bank_account",
            )
        self.assertIn("value", caught.exception.message_dict)
        with self.assertRaises(ValidationError):
            self.enrol(value=Decimal("10"), currency="PEN", mechanism="bank_account")

    def test_it_refuses_wrong_dates(self) -> None:
        today = timezone.localdate()
        cases: list[tuple[dict[str, Any], str]] = [
            ({"started_on": today + timedelta(days=1)}, "started_on"),
            ({"follow_up_on": today - timedelta(days=20)}, "follow_up_on"),
            ({"title": "  "}, "title"),
        ]
        for extra, field in cases:
            with self.subTest(extra=extra), self.assertRaises(ValidationError) as caught:
                self.enrol(**extra)
            self.assertIn(field, caught.exception.message_dict)

    def test_it_lists_the_follow_up_when_due_and_records_the_outcome_once(self) -> None:
        today = timezone.localdate()
        activity = self.enrol(
            kind="job_placement",
            title="Panadería La Espiga",
            started_on=today - timedelta(days=100),
        )
        due = selectors.due_follow_ups(user=self.alice, today=today)
        self.assertEqual([(d.kind, d.activity) for d in due], [("livelihood", activity)])
        self.assertTrue(due[0].is_overdue(today))
        with self.assertRaises(ValidationError) as wrong:
            services_records.livelihood_follow_up(
                actor=self.alice, activity=activity, outcome="business_active"
            )
        self.assertIn("outcome", wrong.exception.message_dict)
        with self.assertRaises(ValidationError) as months:
            services_records.livelihood_follow_up(
                actor=self.alice, activity=activity, outcome="employed"
            )
        self.assertIn("months_employed", months.exception.message_dict)
        done = services_records.livelihood_follow_up(
            actor=self.alice, activity=activity, outcome="employed", months_employed=3
        )
        self.assertEqual((done.outcome, done.months_employed), ("employed", 3))
        self.assertEqual(selectors.due_follow_ups(user=self.alice, today=today), [])
        with self.assertRaises(Refused) as again:
            services_records.livelihood_follow_up(
                actor=self.alice, activity=activity, outcome="dropped"
            )
        self.assertEqual(again.exception.refusal_code, "outcome_recorded")
        with self.assertRaises(PermissionDenied):
            services_records.livelihood_follow_up(
                actor=self.charlie, activity=activity, outcome="dropped"
            )
