from __future__ import annotations

from django.urls import reverse
from django.utils import translation

from caminantes.assistance.models import StockMovement
from caminantes.assistance.tests.base import StockTestCase


class WarehousePageTests(StockTestCase):
    def setUp(self) -> None:
        translation.activate("es")
        self.login(self.dora)

    def test_it_lists_the_warehouses_and_shows_stock_by_item_and_lot(self) -> None:
        self.receive(self.blanket, 12, lot="B7")
        page = self.client.get(reverse("assistance_warehouses"), HTTP_ACCEPT_LANGUAGE="es")
        self.assertContains(page, "Cúcuta central")
        page = self.client.get(reverse("assistance_warehouse", args=[self.cucuta.uuid]))
        self.assertContains(page, "B7")
        self.assertContains(page, "12")

    def test_it_refuses_the_eleventh_kit_on_the_page_in_words(self) -> None:
        self.stock_hygiene_kits(10)
        url = reverse("assistance_issue", args=[self.cucuta.uuid])
        form = self.client.get(url).context["form"]
        posted = {"request_id": form["request_id"].value(), "kit": self.hygiene.pk, "count": 11}
        page = self.client.post(url, posted)
        self.assertEqual(page.status_code, 200)
        self.assertContains(page, "10")
        self.assertFalse(StockMovement.objects.filter(kind="issue").exists())

    def test_it_records_a_form_posted_twice_once(self) -> None:
        url = reverse("assistance_receipt", args=[self.cucuta.uuid])
        posted = {"request_id": "8d6f0c53-38a8-4f57-9d29-6f1b1c0f6b6e",
                  "item": self.blanket.pk, "quantity": 5, "source": "ECHO"}  # fmt: skip
        self.assertEqual(self.client.post(url, posted).status_code, 302)
        self.assertEqual(self.client.post(url, posted).status_code, 302)
        self.assertEqual(StockMovement.objects.filter(kind="receipt").count(), 1)

    def test_it_shows_a_partner_nothing_of_a_warehouse(self) -> None:
        self.receive(self.blanket, 12, lot="B7")
        self.login(self.fede)
        self.assertNotContains(self.client.get(reverse("assistance_warehouses")), "Cúcuta")
        for name in ("assistance_warehouse", "assistance_ledger"):
            page = self.client.get(reverse(name, args=[self.cucuta.uuid]))
            self.assertEqual(page.status_code, 404)
        self.login(self.charlie)
        page = self.client.get(reverse("assistance_warehouse", args=[self.cucuta.uuid]))
        self.assertEqual(page.status_code, 403)
