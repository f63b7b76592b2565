"""The catalogue pages: items by category and kits for stock and distribution staff; a new
item and a new kit for stock staff, wrong input answered in words."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.urls import reverse
from django.utils import translation

from caminantes.assistance.models import Item, Kit
from caminantes.assistance.tests.base import StockTestCase
from caminantes.audit.models import AuditEvent

ITEM = {"code": "water-filter", "name_es": "Filtro de agua", "name_pt": "Filtro de água",
        "name_en": "Water filter", "category": "wash", "unit": "piece"}  # fmt: skip


def kit_post(lines: list[tuple[Any, Any]], total: int = 6, **fields: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "code": "winter-kit", "name_es": "Kit de invierno", "name_pt": "", "name_en": "",
        "lines-TOTAL_FORMS": str(total), "lines-INITIAL_FORMS": "0",
        "lines-MIN_NUM_FORMS": "0", "lines-MAX_NUM_FORMS": "30", **fields,
    }  # fmt: skip
    for i in range(total):
        item, quantity = lines[i] if i < len(lines) else ("", "")
        data[f"lines-{i}-item"] = item
        data[f"lines-{i}-quantity"] = quantity
    return data


class CataloguePageTests(StockTestCase):
    def setUp(self) -> None:
        translation.activate("es")
        self.login(self.dora)

    def test_it_shows_items_by_category_and_kits_with_their_items_in_spanish(self) -> None:
        page = self.client.get(reverse("assistance_catalogue"))
        self.assertContains(page, "<h3>Higiene</h3>", html=True)
        self.assertContains(page, "<h3>Agua y saneamiento</h3>", html=True)
        self.assertContains(page, "Jabón de baño")
        self.assertContains(page, "Kit de higiene familiar")
        self.assertContains(page, "Crema dental")  # a line of the hygiene kit
        self.assertContains(page, "Nuevo artículo")

    def test_it_names_items_in_portuguese_for_a_portuguese_reader(self) -> None:
        self.client.cookies[settings.LANGUAGE_COOKIE_NAME] = "pt"
        page = self.client.get(reverse("assistance_catalogue"))
        self.assertContains(page, "Sabonete")
        self.assertContains(page, "Kit de higiene familiar")
        self.assertNotContains(page, "Jabón de baño")

    def test_it_is_reached_from_the_menu_and_the_warehouse_page(self) -> None:
        url = reverse("assistance_catalogue")
        self.assertContains(self.client.get(reverse("home")), f'href="{url}"')
        page = self.client.get(reverse("assistance_warehouse", args=[self.cucuta.uuid]))
        self.assertContains(page, f'href="{url}"')

    def test_it_refuses_staff_without_stock_or_distribution_roles(self) -> None:
        for user in (self.alice, self.carla, self.admin):
            self.login(user)
            self.assertNotContains(self.client.get(reverse("home")), "/assistance/catalogue/")
            for name in ("assistance_catalogue", "assistance_item_new", "assistance_kit_new"):
                self.assertEqual(self.client.get(reverse(name)).status_code, 403, name)
            posted = self.client.post(reverse("assistance_item_new"), ITEM)
            self.assertEqual(posted.status_code, 403)
        self.assertFalse(Item.objects.filter(code="water-filter").exists())

    def test_it_adds_an_item_and_records_who_did(self) -> None:
        page = self.client.post(reverse("assistance_item_new"), {**ITEM, "code": " Water-Filter "})
        self.assertRedirects(page, reverse("assistance_catalogue"))
        item = Item.objects.get(code="water-filter")
        self.assertEqual((item.name_pt, item.category, item.unit), ("Filtro de água", "wash",
                                                                    "piece"))  # fmt: skip
        self.assertContains(self.client.get(reverse("assistance_catalogue")), "Filtro de agua")
        event = AuditEvent.objects.get(action="create", object_uuid=item.uuid)
        self.assertEqual(event.actor, self.dora)

    def test_it_shows_the_spanish_name_where_no_other_was_given(self) -> None:
        posted = {**ITEM, "name_pt": "", "name_en": ""}
        self.client.post(reverse("assistance_item_new"), posted)
        self.client.cookies[settings.LANGUAGE_COOKIE_NAME] = "pt"
        page = self.client.get(reverse("assistance_catalogue"))
        self.assertContains(page, "Filtro de agua")

    def test_it_answers_an_empty_item_form_in_words(self) -> None:
        page = self.client.post(reverse("assistance_item_new"), {})
        self.assertEqual(page.status_code, 200)
        self.assertContains(page, "Este campo es obligatorio")
        self.assertEqual(Item.objects.count(), 18)

    def test_it_refuses_a_code_already_used_or_badly_written(self) -> None:
        page = self.client.post(reverse("assistance_item_new"), {**ITEM, "code": "rice"})
        self.assertContains(page, "Ya existe un artículo con este código.")
        page = self.client.post(reverse("assistance_item_new"), {**ITEM, "code": "agua potable"})
        self.assertContains(page, "Use como máximo 40")
        self.assertEqual(Item.objects.count(), 18)

    def test_it_refuses_a_name_of_blanks(self) -> None:
        page = self.client.post(reverse("assistance_item_new"), {**ITEM, "name_es": "   "})
        self.assertEqual(page.status_code, 200)
        self.assertFalse(Item.objects.filter(code="water-filter").exists())


class KitPageTests(StockTestCase):
    def setUp(self) -> None:
        translation.activate("es")
        self.login(self.dora)

    def test_it_adds_a_kit_with_its_lines_skipping_the_empty_ones(self) -> None:
        lines = [(self.blanket.pk, 2), ("", ""), (self.rice.pk, 5)]
        page = self.client.post(reverse("assistance_kit_new"), kit_post(lines))
        self.assertRedirects(page, reverse("assistance_catalogue"))
        kit = Kit.objects.get(code="winter-kit")
        self.assertEqual(
            sorted((li.item.code, li.quantity) for li in kit.lines.all()),
            [("blanket", 2), ("rice", 5)],
        )
        self.assertTrue(AuditEvent.objects.filter(action="create", object_uuid=kit.uuid).exists())

    def test_it_refuses_a_kit_with_no_item(self) -> None:
        page = self.client.post(reverse("assistance_kit_new"), kit_post([]))
        self.assertContains(page, "Añada al menos un artículo al kit.")
        self.assertFalse(Kit.objects.filter(code="winter-kit").exists())

    def test_it_refuses_a_quantity_of_zero_on_its_line(self) -> None:
        page = self.client.post(
            reverse("assistance_kit_new"), kit_post([(self.blanket.pk, 1), (self.rice.pk, 0)])
        )
        self.assertEqual(page.status_code, 200)
        self.assertTrue(page.context["lines"].forms[1].errors["quantity"])
        self.assertContains(page, "Línea 2")
        self.assertFalse(Kit.objects.filter(code="winter-kit").exists())

    def test_it_refuses_the_same_item_twice(self) -> None:
        lines = [(self.blanket.pk, 1), ("", ""), (self.blanket.pk, 2)]
        page = self.client.post(reverse("assistance_kit_new"), kit_post(lines))
        self.assertContains(page, "Este artículo ya está en el kit")
        self.assertTrue(page.context["lines"].forms[2].errors["item"])
        self.assertFalse(Kit.objects.filter(code="winter-kit").exists())

    def test_it_refuses_a_kit_code_already_used(self) -> None:
        posted = kit_post([(self.blanket.pk, 1)], code="hygiene-kit")
        page = self.client.post(reverse("assistance_kit_new"), posted)
        self.assertContains(page, "Ya existe un kit con este código.")
        self.assertEqual(self.hygiene.lines.count(), 4)

    def test_it_refuses_more_than_thirty_lines(self) -> None:
        items = list(Item.objects.all()) * 2
        lines = [(item.pk, 1) for item in items[:31]]
        page = self.client.post(reverse("assistance_kit_new"), kit_post(lines, total=31))
        self.assertEqual(page.status_code, 200)
        self.assertFalse(Kit.objects.filter(code="winter-kit").exists())

    def test_it_shows_more_empty_lines_when_asked_and_never_more_than_thirty(self) -> None:
        url = reverse("assistance_kit_new")
        self.assertEqual(len(self.client.get(url).context["lines"].forms), 6)
        self.assertEqual(len(self.client.get(url + "?lines=30").context["lines"].forms), 30)
        self.assertEqual(len(self.client.get(url + "?lines=9000").context["lines"].forms), 30)
        self.assertEqual(len(self.client.get(url + "?lines=abc").context["lines"].forms), 6)

    def test_it_survives_a_tampered_line_count(self) -> None:
        posted = {**kit_post([(self.blanket.pk, 1)]), "lines-TOTAL_FORMS": "x"}
        self.assertEqual(self.client.post(reverse("assistance_kit_new"), posted).status_code, 200)
        self.assertFalse(Kit.objects.filter(code="winter-kit").exists())


class SameCodeAtOnceTests(StockTestCase):
    """Two people adding the same code at the same moment: both pass the check, the unique
    index lets one in, and the other is told the code is taken (no server error)."""

    def test_it_refuses_the_second_of_two_items_added_at_once(self) -> None:
        from unittest import mock

        from django.db.models.query import QuerySet

        from caminantes.assistance import services_catalogue
        from caminantes.assistance.errors import Refused

        with mock.patch.object(QuerySet, "exists", return_value=False), \
                self.assertRaises(Refused) as refused:  # fmt: skip
            services_catalogue.item_create(
                actor=self.dora, code="rice", name_es="Arroz", category="food", unit="kg"
            )
        self.assertEqual(refused.exception.refusal_code, "code_taken")
        self.assertEqual(Item.objects.filter(code="rice").count(), 1)
        with mock.patch.object(QuerySet, "exists", return_value=False), \
                self.assertRaises(Refused):  # fmt: skip
            services_catalogue.kit_create(
                actor=self.dora, code="hygiene-kit", name_es="Otro", lines=[(self.rice, 1)]
            )
        self.assertEqual(self.hygiene.lines.count(), 4)
