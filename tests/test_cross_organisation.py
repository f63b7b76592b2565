"""Nobody reaches another organisation's object by its id, through any page or API route.

Walks Django's URL configuration and the OpenAPI schema, so every route added later is
covered without editing this file. The answer for a foreign id must be exactly the answer
for an id that does not exist (404 where the person may use the route at all).

Each route is first asked for an id that does not exist, and the SQL it ran tells which
model it looked the id up in; it is then asked for the foreign objects of that model only
(every foreign object when the SQL does not say), not for all of them.
"""

from __future__ import annotations

import re
import uuid
from typing import Any

from django.db import models
from django.test import Client, override_settings

from caminantes.accounts import policies
from caminantes.accounts.models import Membership, User
from caminantes.accounts.permissions import Role
from caminantes.accounts.services import api_token_create
from caminantes.registry.models import Household
from tests.personas import PASSWORD, PersonaTestCase
from tests.walk import (
    api_routes_with_ids,
    get_capturing,
    looked_up_models,
    objects_for,
    page_routes_with_ids,
    refused_regardless,
    route_url,
    send_capturing,
    without_template_copies,
)
from tests.world import BUILDERS, build_foreign_world, distinct_objects


class CrossOrganisationTest(PersonaTestCase):
    foreign: dict[type[models.Model], Any]
    askers: list[User]

    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        cls.foreign = build_foreign_world(cls.ffs, cls.charlie)
        # IOM staff of every kind; none of them belongs to FFS. Dora keeps IOM's warehouses
        # (no persona holds the stock permission), so the warehouse pages are walked too.
        dora = User.objects.create_user("dora@example.org", PASSWORD, full_name="Dora")
        Membership.objects.create(
            user=dora, organization=cls.iom, role=Role.DISTRIBUTION_OFFICER
        ).countries.set([cls.co])
        sol = User.objects.create_user("sol@example.org", PASSWORD, full_name="Sol")
        Membership.objects.create(
            user=sol, organization=cls.iom, role=Role.SHELTER_OFFICER
        ).countries.set([cls.co])
        cls.askers = [cls.alice, cls.bob, cls.carla, cls.pablo, cls.audrey, cls.eve, dora, sol]

    def setUp(self) -> None:
        self.objects = distinct_objects(self.foreign)
        self.clients = [self.login(a, client=Client(), sudo=True) for a in self.askers]

    def test_it_has_a_foreign_object_for_every_scoped_model(self) -> None:
        scoped = {
            model for model, scope in policies.registered_models().items() if not scope.any_member
        }
        missing = sorted(m.__name__ for m in scoped - set(BUILDERS))
        self.assertEqual(missing, [], "add a builder to tests/world.py for these models")

    def test_it_walks_a_real_route_list(self) -> None:
        self.assertIn("accounts/organisations/<uuid:uuid>/", page_routes_with_ids())
        self.assertIn(("GET", "/api/v1/organizations/{uuid}"), api_routes_with_ids())

    def test_it_tells_which_model_a_route_looks_up(self) -> None:
        route = "registry/households/<uuid:uuid>/"
        self.assertIn(route, page_routes_with_ids())
        key = uuid.uuid4()
        _, queries = get_capturing(self.clients[0], route_url(route, key))
        self.assertEqual(looked_up_models(queries, key), {Household})
        self.assertFalse(refused_regardless(404, queries, key))
        # A route the registrar may not use refuses her before it looks at the id: any id
        # gets that answer, so the walk does not ask her again with foreign ones.
        refused = "dtm/operations/<uuid:uuid>/"
        status, queries = get_capturing(self.clients[0], route_url(refused, key))
        self.assertEqual(status, 403)
        self.assertTrue(refused_regardless(status, queries, key))
        asked = objects_for({Household}, self.objects)
        self.assertEqual(asked, [self.foreign[Household]])

    @without_template_copies()
    def test_it_answers_pages_for_foreign_ids_as_for_missing_ids(self) -> None:
        routes = page_routes_with_ids()
        self.assertTrue(routes)
        for route in routes:
            missing: dict[int, int] = {}
            lookups: set[Any] = set()
            reached = []  # the askers not refused whatever the id
            for i, client in enumerate(self.clients):
                key = uuid.uuid4()
                missing[i], queries = get_capturing(client, route_url(route, key))
                lookups |= looked_up_models(queries, key)
                if not refused_regardless(missing[i], queries, key):
                    reached.append(i)
            with self.subTest(route=route):
                self.assertIn(404, missing.values(), "no persona reached the object lookup")
            for obj in objects_for(lookups, self.objects):
                for i in reached:
                    client = self.clients[i]
                    status, _ = get_capturing(client, route_url(route, obj.uuid))  # type: ignore[attr-defined]
                    with self.subTest(route=route, asker=self.askers[i].email, obj=repr(obj)):
                        self.assertEqual(status, missing[i])
                        self.assertIn(status, (403, 404))

    # Every asker calls every route from one address within a minute: more calls than the
    # rate limits allow, and a 429 names no object. The limits have their own tests.
    @override_settings(API_RATE_PER_USER=1_000_000, API_RATE_PER_ADDRESS=1_000_000)
    @without_template_copies()
    def test_it_answers_api_routes_for_foreign_ids_as_for_missing_ids(self) -> None:
        routes = api_routes_with_ids()
        self.assertTrue(routes)
        headers = {}
        for asker in self.askers:
            secret = api_token_create(user=asker, name="t", scopes=["read", "write"]).secret
            headers[asker] = {"Authorization": f"Bearer {secret}"}
        for method, path in routes:
            lookups: set[Any] = set()
            reached = []
            for asker in self.askers:
                key = uuid.uuid4()
                url = re.sub(r"\{\w+\}", str(key), path)
                status, queries = send_capturing(self.client, method, url, headers=headers[asker])
                self.assertEqual(status, 404, f"{method} {path} as {asker.email}")
                lookups |= looked_up_models(queries, key)
                if not refused_regardless(status, queries, key):
                    reached.append(asker)
            for obj in objects_for(lookups, self.objects):
                url = re.sub(r"\{\w+\}", str(obj.uuid), path)  # type: ignore[attr-defined]
                for asker in reached:
                    status, _ = send_capturing(self.client, method, url, headers=headers[asker])
                    with self.subTest(route=f"{method} {path}", asker=asker.email, obj=repr(obj)):
                        self.assertEqual(status, 404)
