"""Every page and API list that names no object, fetched by everyone not assigned to the
case (same organisation and country included), shows no survivor code, name, narrative or
case id. The assigned caseworker, in the same walk, finds the code: the positive control."""

from __future__ import annotations

from django.test import Client, override_settings

from caminantes.accounts.services import api_token_create
from caminantes.protection.tests.base import NARRATIVE, SURVIVOR, ProtectionTestCase
from tests.walk import (
    api_lists,
    page_routes_without_ids,
    readable,
    route_url,
    without_template_copies,
)

SKIPPED = ("accounts/logout/",)


class ListWalkTest(ProtectionTestCase):
    def secrets(self) -> list[str]:
        return [
            self.gbv.survivor_code.lower(), SURVIVOR.lower(), NARRATIVE.lower(),
            str(self.gbv.uuid), self.gbv.uuid.hex,
        ]  # fmt: skip

    def walk(self, user: object) -> str:
        client = self.login(user, client=Client(), sudo=True)  # type: ignore[arg-type]
        seen = []
        for route in page_routes_without_ids():
            if route in SKIPPED:
                continue
            seen.append(readable(client.get(route_url(route))).lower())
        secret = api_token_create(user=user, name="walk", scopes=["read"]).secret  # type: ignore[arg-type]
        headers = {"Authorization": f"Bearer {secret}"}
        for path, _texts in api_lists():
            seen.append(readable(self.client.get(path, headers=headers)).lower())
        return "\n".join(seen)

    @override_settings(API_RATE_PER_USER=1_000_000, API_RATE_PER_ADDRESS=1_000_000)
    @without_template_copies()
    def test_it_shows_nothing_of_the_case_to_anyone_not_assigned(self) -> None:
        # The caseworker opens the case first, so the trail has events about it.
        self.login(self.bob, sudo=True).get(f"/protection/cases/{self.gbv.uuid}/")
        for user in (self.vera, self.tom, self.admin, self.carla, self.alice, self.audrey,
                     self.charlie):  # fmt: skip
            text = self.walk(user)
            with self.subTest(user=user.email):
                for secret in self.secrets():
                    self.assertNotIn(secret, text)
                self.assertNotIn("vbg-", text)
        self.assertIn(self.gbv.survivor_code.lower(), self.walk(self.bob))
