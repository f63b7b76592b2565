"""Nobody reaches another organisation's object by its id, through any page or API route.

Walks Django's URL configuration and the OpenAPI schema, so every route added later is
covered without editing this file. The answer for a foreign id must be exactly the answer
for an id that does not exist (404 where the person may use the route at all).
"""

from __future__ import annotations

import re
import uuid
from typing import Any

from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver

from caminantes.accounts import policies
from caminantes.accounts.services import api_token_create
from caminantes.api import api
from tests.personas import PersonaTestCase
from tests.world import BUILDERS, build_foreign_world

UUID_CONVERTER = re.compile(r"<uuid:(\w+)>")


def _walk(patterns: list[Any], prefix: str = "") -> list[str]:
    routes = []
    for p in patterns:
        route = prefix + str(p.pattern)
        if isinstance(p, URLResolver):
            routes += _walk(p.url_patterns, route)
        elif isinstance(p, URLPattern):
            routes.append(route)
    return routes


def page_routes_with_ids() -> list[str]:
    return sorted({r for r in _walk(get_resolver().url_patterns) if UUID_CONVERTER.search(r)})


def api_routes_with_ids() -> list[tuple[str, str]]:
    schema = api.get_openapi_schema()
    found = []
    for path, operations in schema["paths"].items():
        if "{" in path:
            for method in operations:
                found.append((method.upper(), path))
    return found


class CrossOrganisationTest(PersonaTestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        cls.foreign = build_foreign_world(cls.ffs, cls.charlie)
        # IOM staff of every kind; none of them belongs to FFS.
        cls.askers = [cls.alice, cls.bob, cls.carla, cls.pablo, cls.audrey, cls.eve]

    def test_it_has_a_foreign_object_for_every_scoped_model(self) -> None:
        scoped = {
            model for model, scope in policies.registered_models().items() if not scope.any_member
        }
        missing = sorted(m.__name__ for m in scoped - set(BUILDERS))
        self.assertEqual(missing, [], "add a builder to tests/world.py for these models")

    def test_it_walks_a_real_route_list(self) -> None:
        self.assertIn("accounts/organisations/<uuid:uuid>/", page_routes_with_ids())
        self.assertIn(("GET", "/api/v1/organizations/{uuid}"), api_routes_with_ids())

    def _page_status(self, client: Client, route: str, key: uuid.UUID) -> int:
        url = "/" + UUID_CONVERTER.sub(str(key), route).replace("^", "").replace("$", "")
        response = client.get(url)
        if response.status_code == 405:
            response = client.post(url)
        return response.status_code

    def test_it_answers_pages_for_foreign_ids_as_for_missing_ids(self) -> None:
        routes = page_routes_with_ids()
        self.assertTrue(routes)
        foreign_ids = [obj.uuid for obj in self.foreign.values()]
        for route in routes:
            saw_404 = False
            for asker in self.askers:
                client = self.login(asker, client=Client(), sudo=True)
                missing = self._page_status(client, route, uuid.uuid4())
                for key in foreign_ids:
                    status = self._page_status(client, route, key)
                    with self.subTest(route=route, asker=asker.email, key=str(key)):
                        self.assertEqual(status, missing)
                        self.assertIn(status, (403, 404))
                saw_404 = saw_404 or missing == 404
            with self.subTest(route=route):
                self.assertTrue(saw_404, "no persona reached the object lookup of this route")

    def test_it_answers_api_routes_for_foreign_ids_as_for_missing_ids(self) -> None:
        routes = api_routes_with_ids()
        self.assertTrue(routes)
        foreign_ids = [obj.uuid for obj in self.foreign.values()]
        for asker in self.askers:
            secret = api_token_create(user=asker, name="t", scopes=["read", "write"]).secret
            headers = {"Authorization": f"Bearer {secret}"}
            for method, path in routes:

                def ask(
                    key: uuid.UUID, m: str = method, p: str = path, h: dict[str, str] = headers
                ) -> int:
                    url = re.sub(r"\{\w+\}", str(key), p)
                    return self.client.generic(m, url, headers=h).status_code

                missing = ask(uuid.uuid4())
                self.assertEqual(missing, 404, f"{method} {path} as {asker.email}")
                for key in foreign_ids:
                    with self.subTest(route=f"{method} {path}", asker=asker.email, key=str(key)):
                        self.assertEqual(ask(key), 404)
