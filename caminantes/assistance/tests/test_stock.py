from __future__ import annotations

import uuid
from datetime import date

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction

from caminantes.assistance import selectors, services
from caminantes.assistance.errors import Refused, RequestConflict
from caminantes.assistance.models import LossReason, StockBalance, StockMovement, Transfer
from caminantes.assistance.tests.base import StockTestCase


def on_hand(warehouse, item) -> int:
    return sum(b.quantity for b in StockBalance.objects.filter(warehouse=warehouse, item=item))


class KitIssueTests(StockTestCase):
    def test_it_refuses_the_eleventh_kit_when_ten_are_left(self) -> None:
        self.stock_hygiene_kits(10)
        for _ in range(10):
            services.kit_issue(actor=self.dora, warehouse=self.cucuta, kit=self.hygiene, count=1)
        with self.assertRaises(Refused) as refused:
            services.kit_issue(actor=self.dora, warehouse=self.cucuta, kit=self.hygiene, count=1)
        self.assertEqual(refused.exception.refusal_code, "out_of_stock")
        self.assertIn("0", refused.exception.detail)
        self.assertEqual(services.kits_available(self.cucuta, self.hygiene), 0)
        self.assertEqual(selectors.reconcile(self.cucuta), [])

    def test_it_issues_all_the_kits_lines_or_none(self) -> None:
        self.stock_hygiene_kits(2)
        soap = self.hygiene.lines.get(item__code="soap-bar").item
        services.stock_loss(actor=self.dora, warehouse=self.cucuta, item=soap, quantity=1,
                            reason=LossReason.DAMAGED)  # fmt: skip
        before = StockMovement.objects.count()
        with self.assertRaises(Refused):
            services.kit_issue(actor=self.dora, warehouse=self.cucuta, kit=self.hygiene, count=2)
        self.assertEqual(StockMovement.objects.count(), before)
        self.assertEqual(services.kits_available(self.cucuta, self.hygiene), 1)

    def test_it_never_lets_a_balance_go_below_zero_in_the_database(self) -> None:
        self.receive(self.blanket, 1)
        with self.assertRaises(IntegrityError), transaction.atomic():
            StockBalance.objects.filter(warehouse=self.cucuta).update(quantity=-1)


class FefoTests(StockTestCase):
    def test_it_issues_the_lot_that_expires_first(self) -> None:
        self.receive(self.rice, 50, lot="LATE", expires=date(2027, 6, 1))
        self.receive(self.rice, 30, lot="EARLY", expires=date(2027, 1, 1))
        result = services.stock_issue(actor=self.dora, warehouse=self.cucuta,
                                      lines=[(self.rice, 40)])  # fmt: skip
        self.assertEqual([(m.lot, m.quantity) for m in result.movements],
                         [("EARLY", -30), ("LATE", -10)])  # fmt: skip
        self.assertEqual([(b.lot, b.quantity) for b in selectors.stock_by_lot(self.cucuta)],
                         [("LATE", 40)])  # fmt: skip

    def test_it_asks_for_the_expiry_of_food(self) -> None:
        with self.assertRaises(ValidationError) as error:
            self.receive(self.rice, 5, lot="X")
        self.assertIn("expires_on", error.exception.message_dict)


class TransferTests(StockTestCase):
    def test_it_keeps_a_transfer_in_transit_until_it_is_received(self) -> None:
        self.receive(self.blanket, 20)
        sent = services.transfer_send(
            actor=self.dora,
            source=self.cucuta,
            destination=self.bogota,
            item=self.blanket,
            quantity=8,
        )
        assert sent.transfer is not None
        self.assertEqual(sent.transfer.status, Transfer.Status.IN_TRANSIT)
        self.assertEqual(on_hand(self.cucuta, self.blanket), 12)
        self.assertEqual(on_hand(self.bogota, self.blanket), 0)
        self.assertEqual(list(selectors.in_transit_to(self.bogota)), [sent.transfer])
        services.transfer_receive(actor=self.dora, transfer=sent.transfer)
        self.assertEqual(on_hand(self.bogota, self.blanket), 8)
        self.assertEqual(list(selectors.in_transit_to(self.bogota)), [])
        with self.assertRaises(Refused):
            services.transfer_receive(actor=self.dora, transfer=sent.transfer)
        self.assertEqual(on_hand(self.bogota, self.blanket), 8)


class CountTests(StockTestCase):
    def test_it_books_the_difference_of_a_count_and_reconciles(self) -> None:
        self.receive(self.blanket, 20, lot="B1")
        result = services.stock_count(actor=self.dora, warehouse=self.cucuta, item=self.blanket,
                                      lot="B1", counted=17, note="shelf 3")  # fmt: skip
        self.assertEqual([m.quantity for m in result.movements], [-3])
        self.assertEqual(on_hand(self.cucuta, self.blanket), 17)
        self.assertEqual(selectors.reconcile(self.cucuta), [])
        same = services.stock_count(actor=self.dora, warehouse=self.cucuta, item=self.blanket,
                                    lot="B1", counted=17)  # fmt: skip
        self.assertEqual(same.movements, [])

    def test_it_finds_a_balance_that_disagrees_with_the_ledger(self) -> None:
        self.receive(self.blanket, 20, lot="B1")
        StockBalance.objects.filter(warehouse=self.cucuta).update(quantity=25)
        [gap] = selectors.reconcile(self.cucuta)
        self.assertEqual((gap.lot, gap.balance, gap.ledger), ("B1", 25, 20))


class IdempotencyTests(StockTestCase):
    def test_it_records_a_resent_request_once_and_refuses_a_reused_id(self) -> None:
        self.receive(self.blanket, 10)
        rid = uuid.uuid4()
        first = services.stock_issue(actor=self.dora, warehouse=self.cucuta,
                                     lines=[(self.blanket, 3)], request_id=rid)  # fmt: skip
        again = services.stock_issue(actor=self.dora, warehouse=self.cucuta,
                                     lines=[(self.blanket, 3)], request_id=rid)  # fmt: skip
        self.assertFalse(first.replayed)
        self.assertTrue(again.replayed)
        self.assertEqual(on_hand(self.cucuta, self.blanket), 7)
        with self.assertRaises(RequestConflict):
            services.stock_issue(actor=self.dora, warehouse=self.cucuta,
                                 lines=[(self.blanket, 4)], request_id=rid)  # fmt: skip
        self.assertEqual(on_hand(self.cucuta, self.blanket), 7)


class AccessTests(StockTestCase):
    def test_it_lets_no_one_of_another_organisation_touch_a_warehouse(self) -> None:
        self.receive(self.blanket, 10)
        for user in (self.fede, self.charlie, self.alice, self.nobody):
            self.assertEqual(list(selectors.warehouses_for_user(user=user)), [])
            with self.assertRaises(PermissionDenied):
                services.stock_issue(actor=user, warehouse=self.cucuta,
                                     lines=[(self.blanket, 1)])  # fmt: skip
        self.assertEqual(on_hand(self.cucuta, self.blanket), 10)
        self.assertEqual(len(selectors.warehouses_for_user(user=self.dora)), 2)
