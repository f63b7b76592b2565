"""The assistance reports: stock per warehouse over a period, people reached, their exports."""

from __future__ import annotations

import io
from datetime import date, datetime, time, timedelta

from django.urls import reverse
from django.utils import timezone, translation
from openpyxl import load_workbook

from caminantes.accounts.models import Organization, User
from caminantes.assistance import delivery, services
from caminantes.assistance.delivery import Reached
from caminantes.assistance.models import LossReason, Modality, StockMovement
from caminantes.assistance.reports import reach, stock
from caminantes.assistance.reports.periods import Period
from caminantes.assistance.tests.base import StockTestCase
from caminantes.audit.models import AuditEvent
from caminantes.registry.models import Household, Person


class Dated(StockTestCase):
    """Today, read once when the class's data is made: a module constant was read when the
    tests were collected, and a run crossing midnight compared two different days."""

    today: date
    last_month: date

    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        cls.today = timezone.localdate()
        cls.last_month = cls.today - timedelta(days=40)


def on(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(10)))


class StockReportTests(Dated):
    """A small ledger: 100 blankets before the period, then in the period 30 received,
    12 issued, 4 lost, 10 sent away, 2 returned, a count finding 1 fewer."""

    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        dora, cucuta = cls.dora, cls.cucuta
        services.stock_receive(actor=dora, warehouse=cucuta, item=cls.blanket, quantity=100,
                               lot="B1", source="ECHO")  # fmt: skip
        StockMovement.objects.update(created_at=on(cls.last_month))
        services.stock_receive(actor=dora, warehouse=cucuta, item=cls.blanket, quantity=30,
                               lot="B2", source="ECHO")  # fmt: skip
        services.stock_issue(actor=dora, warehouse=cucuta, lines=[(cls.blanket, 12)])
        services.stock_loss(actor=dora, warehouse=cucuta, item=cls.blanket, quantity=4,
                            reason=LossReason.DAMAGED)  # fmt: skip
        services.transfer_send(actor=dora, source=cucuta, destination=cls.bogota,
                               item=cls.blanket, quantity=10)  # fmt: skip
        services.stock_return(actor=dora, warehouse=cucuta, item=cls.blanket, quantity=2,
                              lot="B1", expires_on=None, note="")  # fmt: skip
        services.stock_count(actor=dora, warehouse=cucuta, item=cls.blanket, lot="B2",
                             counted=29)  # fmt: skip

    def setUp(self) -> None:
        translation.activate("es")

    def test_it_adds_up_opening_in_out_and_counts_to_the_closing_balance(self) -> None:
        (line,) = stock.stock_report(
            self.cucuta, Period(self.today - timedelta(days=7), self.today)
        )
        self.assertEqual(line.item, self.blanket)
        self.assertEqual(line.opening, 100)
        self.assertEqual((line.receipts, line.returns, line.transfers_in), (30, 2, 0))
        self.assertEqual((line.issues, line.losses, line.transfers_out), (12, 4, 10))
        self.assertEqual(line.counts, -1)
        self.assertEqual(line.closing, 100 + 32 - 26 - 1)
        self.assertEqual(line.opening + line.total_in - line.total_out + line.counts, line.closing)
        on_hand = sum(b.quantity for b in self.cucuta.balances.all())
        self.assertEqual(line.closing, on_hand)

    def test_it_splits_the_same_figures_by_lot(self) -> None:
        lines = stock.stock_report(
            self.cucuta, Period(self.today - timedelta(days=7), self.today), by_lot=True
        )
        self.assertEqual([x.lot for x in lines], ["B1", "B2"])
        self.assertEqual(stock.totals(lines)["closing"], 105)
        b2 = lines[1]
        self.assertEqual((b2.opening, b2.receipts, b2.counts), (0, 30, -1))

    def test_it_shows_only_the_opening_before_anything_moved(self) -> None:
        before = Period(self.last_month - timedelta(days=10), self.last_month - timedelta(days=1))
        self.assertEqual(stock.stock_report(self.cucuta, before), [])
        (line,) = stock.stock_report(self.cucuta, Period(self.last_month, self.last_month))
        self.assertEqual((line.opening, line.receipts, line.closing), (0, 100, 100))

    def test_it_counts_the_transfer_in_at_the_destination_once_received(self) -> None:
        transfer = self.bogota.incoming.get()
        services.transfer_receive(actor=self.dora, transfer=transfer)
        (line,) = stock.stock_report(self.bogota, Period(self.today, self.today))
        self.assertEqual((line.transfers_in, line.closing), (10, 10))

    def test_it_charts_the_stock_of_an_item_day_by_day(self) -> None:
        period = Period(self.last_month - timedelta(days=1), self.today)
        bucket, points = stock.stock_over_time(self.cucuta, self.blanket, period)
        self.assertEqual(bucket, "day")
        self.assertEqual(points[0], (self.last_month - timedelta(days=1), 0))
        self.assertEqual(points[1][1], 100)
        self.assertEqual(points[-1], (self.today, 105))
        chart = stock.stock_chart(self.cucuta, self.blanket, period)
        self.assertIn("<svg", chart.svg)
        self.assertNotIn("<script", chart.svg)

    # --- the page ------------------------------------------------------------------------

    def url(self, **query: str) -> str:
        base = reverse("assistance_report_stock", args=[self.cucuta.uuid])
        return base + ("?" + "&".join(f"{k}={v}" for k, v in query.items()) if query else "")

    def test_it_shows_this_month_on_the_page_reached_from_the_warehouse(self) -> None:
        self.login(self.dora)
        page = self.client.get(reverse("assistance_warehouse", args=[self.cucuta.uuid]))
        self.assertContains(page, self.url())
        page = self.client.get(self.url())
        self.assertEqual(page.status_code, 200)
        self.assertContains(page, "<svg")
        self.assertEqual(page.context["lines"][0].closing, 105)
        nav = self.client.get(reverse("assistance_reports"))
        self.assertContains(nav, self.url())
        # The download links of the first visit name the period shown, so they download.
        csv = self.client.get(self.url() + page.context["csv_url"])
        self.assertTrue(csv["Content-Type"].startswith("text/csv"))

    def test_it_refuses_a_period_backwards_in_the_future_or_empty_with_words(self) -> None:
        self.login(self.dora)
        tomorrow = (self.today + timedelta(days=1)).isoformat()
        cases = {
            "backwards": ({"start": self.today.isoformat(), "end": self.last_month.isoformat()},
                          "anterior a su inicio"),
            "future": ({"start": self.today.isoformat(), "end": tomorrow}, "futuro"),
            "empty": ({"start": "", "end": ""}, "obligatorio"),
            "nonsense": ({"start": "ayer", "end": "31/02/2026"}, "fecha"),
            "too long": ({"start": "2001-01-01", "end": self.today.isoformat()}, "tres años"),
        }  # fmt: skip
        for name, (query, words) in cases.items():
            with self.subTest(name):
                page = self.client.get(self.url(**query, file_format="csv"))
                self.assertEqual(page.status_code, 200)
                self.assertEqual(page["Content-Type"], "text/html; charset=utf-8")
                self.assertContains(page, words)
                self.assertNotIn("lines", page.context)

    def test_it_exports_csv_and_xlsx_and_audits_them(self) -> None:
        self.login(self.dora)
        query = {
            "start": self.last_month.isoformat(),
            "end": self.today.isoformat(),
            "by_lot": "on",
        }
        csv = self.client.get(self.url(**query, file_format="csv"))
        self.assertEqual(csv["Content-Type"], "text/csv; charset=utf-8")
        text = b"".join(csv.streaming_content).decode("utf-8-sig")  # type: ignore[attr-defined]
        header, b1, b2 = text.strip().splitlines()
        self.assertIn("Saldo de cierre", header)
        self.assertTrue(b1.startswith("blanket,") and ",B1," in b1)
        self.assertTrue(b2.endswith(",29"))
        xlsx = self.client.get(self.url(**query, file_format="xlsx"))
        book = load_workbook(io.BytesIO(b"".join(xlsx.streaming_content)))  # type: ignore[attr-defined]
        rows = list(book.worksheets[0].iter_rows(values_only=True))
        self.assertEqual(rows[2][-1], 29)
        self.assertEqual(rows[1][4], 0)  # B1's opening: it came in during the period
        exports = AuditEvent.objects.filter(action="export", actor=self.dora)
        self.assertEqual(exports.count(), 2)

    def test_it_hides_the_warehouse_from_another_organisation_and_refuses_others(self) -> None:
        self.login(self.fede)
        self.assertEqual(self.client.get(self.url()).status_code, 404)
        self.assertEqual(self.client.get(self.url(file_format="csv")).status_code, 404)
        for user in (self.alice, self.eve, self.charlie):
            self.login(user)
            self.assertEqual(self.client.get(self.url()).status_code, 403)


class PeopleReachedTests(Dated):
    """IOM in Colombia served the Pérez family twice with hygiene kits (the mother, 34, and
    her son, 3) and counted two people without a record; FFS served someone too."""

    household: Household
    mother: Person
    son: Person

    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        cls.household = Household.objects.create(
            organization=cls.iom, country=cls.co, population_type="in_transit"
        )
        born = cls.today.replace(year=cls.today.year - 35) + timedelta(days=10)
        cls.mother = Person.objects.create(
            household=cls.household, relationship="focal_point", given_names="Yolimar",
            first_surname="Pérez", sex="F", birth_date=born,
        )  # fmt: skip
        cls.son = Person.objects.create(
            household=cls.household, relationship="child", given_names="Luis",
            first_surname="Pérez", sex="M", birth_date=cls.today - timedelta(days=3 * 366),
        )  # fmt: skip
        family = [Reached(person=cls.mother), Reached(person=cls.son)]
        for days_ago in (20, 3):
            delivery.record(
                actor=cls.dora, organization=cls.iom, country=cls.co, sector="nfi",
                indicator="hygiene_kits", quantity=1, modality=Modality.IN_KIND,
                people=family, when=on(cls.today - timedelta(days=days_ago)),
            )  # fmt: skip
        delivery.record(
            actor=cls.dora, organization=cls.iom, country=cls.co, sector="wash",
            indicator="jerrycans", quantity=2, modality=Modality.IN_KIND,
            people=[Reached(sex="F", age=70, population_type="pendular"),
                    Reached(sex="U", population_type="host_community")],
            when=on(cls.today - timedelta(days=2)),
        )  # fmt: skip
        delivery.record(
            actor=cls.fede, organization=cls.ffs, country=cls.co, sector="nfi",
            indicator="hygiene_kits", quantity=1, modality=Modality.IN_KIND,
            people=[Reached(sex="M", age=40, population_type="in_destination")],
            when=on(cls.today - timedelta(days=2)),
        )  # fmt: skip

    def setUp(self) -> None:
        translation.activate("es")

    def result(self, user: User, start: date, org: Organization | None = None) -> reach.Reach:
        deliveries = reach.deliveries_for_report(
            user=user, organization=org or self.iom, country=self.co
        )
        period = Period(start, self.today)
        return reach.reach(
            deliveries.filter(delivered_at__gte=period.since, delivered_at__lt=period.until)
        )

    def test_it_counts_a_person_reached_twice_once(self) -> None:
        result = self.result(self.carla, self.today - timedelta(days=30))
        self.assertEqual(result.people, 4)
        self.assertEqual(result.deliveries, 3)
        kits = next(i for i in result.indicators if i.indicator == "hygiene_kits")
        self.assertEqual((kits.deliveries, kits.people), (2, 2))
        self.assertEqual(kits.by_sex, {"F": 1, "M": 1})
        self.assertEqual(kits.by_age, {"0-4": 1, "18-59": 1})
        self.assertEqual(kits.by_population, {"in_transit": 2})
        water = next(i for i in result.indicators if i.indicator == "jerrycans")
        self.assertEqual(water.by_age, {"60+": 1, "unknown": 1})
        self.assertEqual(water.by_sex, {"F": 1, "U": 1})

    def test_it_follows_the_period(self) -> None:
        result = self.result(self.carla, self.today - timedelta(days=10))
        kits = next(i for i in result.indicators if i.indicator == "hygiene_kits")
        self.assertEqual((kits.deliveries, kits.people), (1, 2))

    def test_it_shows_another_organisation_and_a_dtm_enumerator_nothing(self) -> None:
        self.assertEqual(self.result(self.charlie, self.today - timedelta(days=30)).people, 0)
        self.assertEqual(self.result(self.eve, self.today - timedelta(days=30)).people, 0)
        self.assertEqual(self.result(self.pablo, self.today - timedelta(days=30)).people, 0)
        ffs = self.result(self.charlie, self.today - timedelta(days=30), org=self.ffs)
        self.assertEqual(ffs.people, 1)

    def test_it_shows_aggregates_on_the_page_and_no_names(self) -> None:
        self.login(self.carla)
        page = self.client.get(reverse("assistance_report_reach"))
        self.assertEqual(page.status_code, 200)
        self.assertEqual(page.context["result"].people, 4)
        self.assertContains(page, "<svg")
        self.assertNotContains(page, "Yolimar")
        self.assertNotContains(page, "Pérez")
        self.assertContains(page, "Artículos no alimentarios")
        self.assertContains(page, "Kits de higiene")  # indicators in words, not codes
        self.assertNotContains(page, "hygiene_kits")
        csv = self.client.get(reverse("assistance_report_reach") + page.context["csv_url"])
        self.assertTrue(csv["Content-Type"].startswith("text/csv"))

    def test_it_filters_by_sector_and_exports_audited(self) -> None:
        self.login(self.carla)
        url = reverse("assistance_report_reach")
        start = (self.today - timedelta(days=30)).isoformat()
        page = self.client.get(
            url, {"start": start, "end": self.today.isoformat(), "sector": "wash"}
        )
        self.assertEqual(page.context["result"].people, 2)
        csv = self.client.get(
            url, {"start": start, "end": self.today.isoformat(), "file_format": "csv"}
        )
        text = b"".join(csv.streaming_content).decode("utf-8-sig")  # type: ignore[attr-defined]
        row = (
            "nfi,Artículos no alimentarios,hygiene_kits,Kits de higiene,Femenino,18-59,"
            "En tránsito,1"
        )
        self.assertIn(row, text)
        self.assertNotIn("Yolimar", text)
        xlsx = self.client.get(
            url, {"start": start, "end": self.today.isoformat(), "file_format": "xlsx"}
        )
        book = load_workbook(io.BytesIO(b"".join(xlsx.streaming_content)))  # type: ignore[attr-defined]
        self.assertEqual(sum(r[-1] for r in list(book.worksheets[0].values)[1:]), 4)
        self.assertEqual(AuditEvent.objects.filter(action="export", actor=self.carla).count(), 2)

    def test_it_refuses_wrong_periods_and_people_without_the_right(self) -> None:
        self.login(self.carla)
        url = reverse("assistance_report_reach")
        tomorrow = (self.today + timedelta(days=1)).isoformat()
        for query in (
            {"start": "", "end": ""},
            {"start": self.today.isoformat(), "end": tomorrow},
            {"start": self.today.isoformat(), "end": "2020-01-01"},
            {"start": "2026-13-01", "end": "x", "sector": "<script>", "place": "9"},
        ):
            with self.subTest(query):
                page = self.client.get(url, {**query, "file_format": "xlsx"})
                self.assertEqual(page.status_code, 200)
                self.assertNotIn("result", page.context)
                self.assertContains(page, 'class="errorlist')
        for user in (self.eve, self.audrey, self.nobody):
            self.login(user)
            self.assertEqual(self.client.get(url).status_code, 403)
            self.assertEqual(self.client.get(reverse("assistance_reports")).status_code, 403)


class EmptyReportTests(Dated):
    def test_it_says_in_words_when_there_is_nothing_to_chart(self) -> None:
        translation.activate("es")
        period = Period(self.last_month, self.today)
        chart = stock.stock_chart(self.cucuta, self.blanket, period)
        self.assertTrue(chart.empty)
        self.assertIn("Sin existencias en este periodo.", chart.svg)
        none = reach.deliveries_for_report(user=self.dora, organization=self.iom, country=self.co)
        chart = reach.deliveries_chart(none, period)
        self.assertTrue(chart.empty)
        self.assertEqual(reach.reach(none).people, 0)
