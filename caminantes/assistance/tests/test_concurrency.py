"""Parallel issues of the last units: never more issued than there are, never below zero.

Two guards make this hold: the rows drawn from are locked before they are read
(select_for_update on PostgreSQL; on SQLite every write transaction is IMMEDIATE, so the
whole database is the lock), and the subtraction itself is conditional (`quantity >= n`)
with a CHECK under it. The first is asserted on the SQL each backend runs; the second is
tested by replaying the interleaving a missing lock would allow: a desk plans its issue
from a stale read while another desk takes the last units first.

(A threaded test with committed transactions cannot run in this suite: emptying the tables
between such tests deletes audit events, which the append-only triggers refuse.)
"""

from __future__ import annotations

from unittest import mock

from django.db import connection
from django.test.utils import CaptureQueriesContext

from caminantes.assistance import selectors, services
from caminantes.assistance.errors import Refused
from caminantes.assistance.models import StockBalance
from caminantes.assistance.tests.base import StockTestCase


class LastUnitsTests(StockTestCase):
    def test_it_refuses_a_desk_that_read_the_stock_before_another_took_the_last_units(
        self,
    ) -> None:
        self.receive(self.blanket, 10, lot="B1")
        stale = services.fefo_plan(self.cucuta, self.blanket, 10)  # desk A reads: 10 left
        services.stock_issue(actor=self.dora, warehouse=self.cucuta,
                             lines=[(self.blanket, 10)])  # desk B takes them  # fmt: skip
        with mock.patch.object(services, "fefo_plan", return_value=stale), \
                self.assertRaises(Refused) as refused:  # fmt: skip
            services.stock_issue(actor=self.dora, warehouse=self.cucuta,
                                 lines=[(self.blanket, 10)])  # fmt: skip
        self.assertEqual(refused.exception.refusal_code, "out_of_stock")
        self.assertEqual(StockBalance.objects.get(warehouse=self.cucuta).quantity, 0)
        self.assertEqual(selectors.reconcile(self.cucuta), [])

    def test_it_issues_exactly_as_many_as_there_are_when_many_desks_ask(self) -> None:
        self.receive(self.blanket, 10, lot="B1")
        outcomes = []
        for _desk in range(25):
            try:
                services.stock_issue(actor=self.dora, warehouse=self.cucuta,
                                     lines=[(self.blanket, 1)])  # fmt: skip
                outcomes.append("issued")
            except Refused as exc:
                outcomes.append(exc.refusal_code)
        self.assertEqual(outcomes.count("issued"), 10)
        self.assertEqual(outcomes.count("out_of_stock"), 15)
        self.assertEqual(StockBalance.objects.get(warehouse=self.cucuta).quantity, 0)

    def test_it_locks_the_rows_it_draws_from_where_the_backend_can(self) -> None:
        self.receive(self.blanket, 3, lot="B1")
        with CaptureQueriesContext(connection) as queries:
            services.stock_issue(actor=self.dora, warehouse=self.cucuta,
                                 lines=[(self.blanket, 1)])  # fmt: skip
        sql = " ".join(q["sql"] for q in queries.captured_queries).replace("'", '"')
        if connection.features.has_select_for_update:
            self.assertIn("FOR UPDATE", sql)
        else:  # SQLite takes the database's write lock at BEGIN IMMEDIATE
            self.assertEqual(connection.settings_dict["OPTIONS"]["transaction_mode"], "IMMEDIATE")
        self.assertIn('"quantity" >= ', sql)
