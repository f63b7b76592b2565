"""POST /api/v1/assistance/items and /kits: stock staff add to the shared catalogue; a code
in use is 409 `code_taken` (so a re-send makes nothing twice), no permission 403, a bad body
422 with the problems by field."""

from __future__ import annotations

import json
from typing import Any

from caminantes.accounts.models import User
from caminantes.accounts.services import api_token_create
from caminantes.assistance.models import Item, Kit
from caminantes.assistance.tests.base import StockTestCase
from caminantes.audit.models import AuditEvent

BASE = "/api/v1/assistance"
ITEM = {"code": "water-filter", "name_es": "Filtro de agua", "name_pt": "Filtro de água",
        "name_en": "Water filter", "category": "wash", "unit": "piece"}  # fmt: skip
KIT = {"code": "winter-kit", "name_es": "Kit de invierno",
       "lines": [{"item": "blanket", "quantity": 2}, {"item": "rice", "quantity": 5}]}  # fmt: skip


class CatalogueApiTests(StockTestCase):
    def call(self, path: str, user: User, body: Any, scopes: tuple[str, ...] = ("read", "write"),
             raw: str | None = None) -> Any:  # fmt: skip
        secret = api_token_create(user=user, name="t", scopes=list(scopes)).secret
        return self.client.generic(
            "POST", BASE + path, raw if raw is not None else json.dumps(body),
            content_type="application/json",
            headers={"Authorization": f"Bearer {secret}", "Accept-Language": "es"},
        )  # fmt: skip

    def test_it_adds_an_item_and_answers_201_with_it(self) -> None:
        answer = self.call("/items", self.dora, ITEM)
        self.assertEqual(answer.status_code, 201, answer.content)
        self.assertEqual(answer.json()["code"], "water-filter")
        item = Item.objects.get(code="water-filter")
        self.assertTrue(AuditEvent.objects.filter(action="create", object_uuid=item.uuid).exists())
        listed = self.client.get(BASE + "/items", headers={
            "Authorization": "Bearer " + api_token_create(user=self.dora, name="r",
                                                          scopes=["read"]).secret})  # fmt: skip
        self.assertIn("water-filter", [i["code"] for i in listed.json()])

    def test_it_answers_a_resent_item_with_409_code_taken(self) -> None:
        self.assertEqual(self.call("/items", self.dora, ITEM).status_code, 201)
        again = self.call("/items", self.dora, ITEM)
        self.assertEqual(again.status_code, 409)
        self.assertEqual(again.json()["code"], "code_taken")
        self.assertEqual(again.json()["detail"], "Ya existe un artículo con este código.")
        self.assertEqual(Item.objects.filter(code="water-filter").count(), 1)

    def test_it_refuses_staff_without_stock_permission_with_403_whatever_the_body(self) -> None:
        for user in (self.alice, self.charlie, self.carla):
            self.assertEqual(self.call("/items", user, ITEM).status_code, 403)
            self.assertEqual(self.call("/kits", user, {}, raw="not json").status_code, 403)
        self.assertFalse(Item.objects.filter(code="water-filter").exists())
        denied = AuditEvent.objects.filter(action="access_denied", actor=self.alice)
        self.assertTrue(denied.exists())

    def test_it_refuses_a_token_without_the_write_scope(self) -> None:
        self.assertEqual(self.call("/items", self.dora, ITEM, scopes=("read",)).status_code, 403)

    def test_it_answers_bad_items_with_422_by_field(self) -> None:
        cases: list[tuple[dict[str, Any], str]] = [
            ({**ITEM, "name_es": "  "}, "name_es"),
            ({**ITEM, "code": ""}, "code"),
            ({**ITEM, "code": "con espacios"}, "code"),
            ({**ITEM, "category": "weapons"}, "category"),
            ({k: v for k, v in ITEM.items() if k != "unit"}, "unit"),
            ({**ITEM, "name_en": "x" * 201}, "name_en"),
        ]
        for body, field in cases:
            answer = self.call("/items", self.dora, body)
            self.assertEqual(answer.status_code, 422, body)
            self.assertIn(field, answer.json()["errors"], answer.json())
        self.assertEqual(self.call("/items", self.dora, None, raw="").status_code, 422)
        self.assertEqual(Item.objects.count(), 18)

    def test_it_adds_a_kit_with_its_lines(self) -> None:
        answer = self.call("/kits", self.dora, KIT)
        self.assertEqual(answer.status_code, 201, answer.content)
        self.assertEqual(answer.json()["lines"], [{"item": "blanket", "quantity": 2},
                                                  {"item": "rice", "quantity": 5}])  # fmt: skip
        again = self.call("/kits", self.dora, KIT)
        self.assertEqual((again.status_code, again.json()["code"]), (409, "code_taken"))
        self.assertEqual(Kit.objects.get(code="winter-kit").lines.count(), 2)

    def test_it_answers_bad_kits_with_422_naming_the_line(self) -> None:
        blanket = {"item": "blanket", "quantity": 1}
        cases: list[tuple[list[dict[str, Any]], str]] = [
            ([], "lines"),
            ([blanket, {"item": "rice", "quantity": 0}], "lines-1-quantity"),
            ([blanket, {"item": "blanket", "quantity": 3}], "lines-1-item"),
            ([blanket, {"item": "no-such-thing", "quantity": 3}], "lines-1-item"),
            ([{"item": "rice", "quantity": i} for i in range(1, 32)], "lines"),
        ]
        for lines, field in cases:
            answer = self.call("/kits", self.dora, {**KIT, "lines": lines})
            self.assertEqual(answer.status_code, 422, lines)
            self.assertIn(field, answer.json()["errors"], answer.json())
        self.assertFalse(Kit.objects.filter(code="winter-kit").exists())

    def test_it_documents_both_writes_beside_the_reads(self) -> None:
        self.login(self.dora)
        paths = self.client.get("/api/v1/openapi.json").json()["paths"]
        for path, field in (("/items", "category"), ("/kits", "lines")):
            operations = paths[BASE + path]
            self.assertIn("get", operations)
            body = operations["post"]["requestBody"]["content"]["application/json"]["schema"]
            self.assertIn(field, body["properties"])
            self.assertIn("409", operations["post"]["responses"])
