"""The new protection pages in the list walk, the registry's search by name, and the audit
trail of transfers and referrals.

- A transfer waiting for FFS: its survivor code shows on no page or API list of anyone but
  the case's own users and the receiving GBV officer (who sees the code and kind only);
- a referral waiting in the inbox: the referred name shows on no list page, not even to the
  office (names only once the referral is opened);
- a registry user searching the survivor's or the referred person's name (page and API)
  finds nothing linked to protection;
- each open, reveal, transfer step and referral shows on the case ("who opened this") and in
  no general audit page.
"""

from __future__ import annotations

import uuid
from datetime import date

from django.test import Client, override_settings
from django.urls import reverse

from caminantes.accounts.models import User
from caminantes.accounts.permissions import Role
from caminantes.accounts.services import api_token_create
from caminantes.audit import actions
from caminantes.protection import referrals, selectors, services_transfer
from caminantes.protection.models import OutgoingReferral, Transfer
from caminantes.protection.tests.base import NARRATIVE, SURVIVOR, ProtectionTestCase, member
from tests.walk import (
    api_lists,
    page_routes_without_ids,
    readable,
    route_url,
    without_template_copies,
)

SKIPPED = ("accounts/logout/",)
REFERRED = "Zulmira Cantagallo"


class TransferWalkTest(ProtectionTestCase):
    gina: User
    transfer: Transfer

    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        cls.gina = member("gina@example.org", cls.ffs, Role.GBV_OFFICER, [cls.co])
        cls.transfer = services_transfer.transfer_propose(
            actor=cls.bob, case=cls.gbv, to_organization=cls.ffs, consent=True,
            consent_date=date.today(), explained_by="Bob",
        )  # fmt: skip
        referrals.receive(
            referral_uuid=uuid.uuid4(), organization=cls.iom, country=cls.co,
            service_type="gbv", person=None, fields={"Nombre": REFERRED}, urgent=True,
            sender=cls.alice,
        )  # fmt: skip

    def walk(self, user: User) -> str:
        client = self.login(user, client=Client(), sudo=True)
        seen = []
        for route in page_routes_without_ids():
            if route not in SKIPPED:
                seen.append(readable(client.get(route_url(route))))
        secret = api_token_create(user=user, name="walk", scopes=["read"]).secret
        headers = {"Authorization": f"Bearer {secret}"}
        for path, _texts in api_lists():
            seen.append(readable(Client().get(path, headers=headers)))
        return "\n".join(seen)

    @override_settings(API_RATE_PER_USER=1_000_000, API_RATE_PER_ADDRESS=1_000_000)
    @without_template_copies()
    def test_it_shows_the_transfer_only_to_its_two_sides_and_no_name_on_any_list(self) -> None:
        code = self.gbv.survivor_code.lower()
        for user in (self.vera, self.tom, self.admin, self.carla, self.charlie, self.gina):
            text = self.walk(user)
            with self.subTest(user=user.email):
                for secret in (SURVIVOR.lower(), NARRATIVE.lower(), REFERRED.lower(),
                               str(self.gbv.uuid)):  # fmt: skip
                    self.assertNotIn(secret, text)
                if user == self.gina:
                    self.assertIn(code, text)  # the receiving side: code and kind only
                else:
                    self.assertNotIn(code, text)
                    self.assertNotIn("vbg-", text)

    @override_settings(API_RATE_PER_USER=1_000_000, API_RATE_PER_ADDRESS=1_000_000)
    def test_a_registry_search_by_name_finds_nothing_of_protection(self) -> None:
        for user in (self.alice, self.carla, self.bob):
            client = self.login(user, client=Client(), sudo=True)
            secret = api_token_create(user=user, name="search", scopes=["read"]).secret
            headers = {"Authorization": f"Bearer {secret}"}
            for name in (SURVIVOR, REFERRED, SURVIVOR.split()[0]):
                with self.subTest(user=user.email, name=name):
                    page = client.get(reverse("registry_search"), {"q": name})
                    self.assertEqual(page.status_code, 200)
                    self.assertEqual(list(page.context["results"]), [])
                    api = Client().get("/api/v1/registry/people/search", {"q": name},
                                       headers=headers)  # fmt: skip
                    self.assertEqual(api.status_code, 200)
                    body = readable(api)
                    self.assertNotIn(name.lower(), body)
                    self.assertNotIn(self.gbv.survivor_code.lower(), body)

    def test_it_shows_each_open_reveal_and_step_on_the_case_only(self) -> None:
        bob = self.login(self.bob, sudo=True)
        case_url = reverse("protection_case", args=[self.gbv.uuid])
        bob.get(case_url)
        bob.post(reverse("protection_reveal", args=[self.gbv.uuid]))
        bob.post(reverse("protection_case_referrals", args=[self.gbv.uuid]), {
            "service": "legal", "provider": "Defensoría", "share": ["age"], "consent": "on",
            "consent_date": date.today().isoformat(),
        })  # fmt: skip
        referral = OutgoingReferral.objects.get()
        page = bob.get(case_url)
        seen = {(e.actor_email, e.action, e.object_uuid) for e in page.context["openings"]}
        for expected in (
            ("bob@example.org", actions.READ_RESTRICTED, self.gbv.uuid),
            ("bob@example.org", actions.PROTECTION_REVEAL, self.gbv.uuid),
            ("bob@example.org", actions.CREATE, self.transfer.uuid),
            ("bob@example.org", actions.CREATE, referral.uuid),
        ):
            self.assertIn(expected, seen)
        self.assertContains(page, "Bob")
        hidden = [str(u) for u in (self.gbv.uuid, self.transfer.uuid, referral.uuid)]
        for reader in (self.admin, self.audrey, self.carla):
            client = self.login(reader, client=Client(), sudo=True)
            with self.subTest(reader=reader.email):
                trail = client.get(reverse("audit_events"))
                self.assertIn(trail.status_code, (200, 403))
                text = readable(trail)
                for key in hidden:
                    self.assertNotIn(key, text)
                self.assertNotIn("protection", text)
        self.assertTrue(selectors.case_openings(self.gbv).exists())
