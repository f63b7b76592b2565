"""Every role x every protection route and API operation, built from the URL configuration
and the API schema (so a route added later is walked without editing this test).

One GET per route per persona, the password confirmed in each session. The rule:
- a case and everything under it (actions, team, referrals out, transfer page): only its
  assigned caseworker and supervisor;
- a referral waiting in the GBV inbox: the GBV officers of the receiving organisation and
  country (the office's inbox; nobody is assigned yet);
- a transfer waiting for a third organisation: nobody here;
- the lists and intake forms: whoever holds the protection role (their own rows only);
everyone else gets 403 or 404 (405 for a POST-only action, before any look-up), and no
answer to anyone not on the case holds its survivor code, the survivor's name or narrative.
"""

from __future__ import annotations

import uuid
from datetime import date

from django.test import Client, override_settings

from caminantes.accounts import policies
from caminantes.accounts.models import Organization, User
from caminantes.accounts.permissions import Perm, Role
from caminantes.accounts.services import api_token_create
from caminantes.protection import referrals, services, services_transfer
from caminantes.protection.models import IncomingReferral
from caminantes.protection.tests.base import NARRATIVE, SURVIVOR, ProtectionTestCase, member
from tests.walk import (
    ANY_CONVERTER,
    api_operations,
    page_routes,
    readable,
    route_url,
    without_template_copies,
)

REFERRED = "Zulmira Cantagallo"


def protection_routes() -> list[str]:
    return [r for r in page_routes() if r.startswith("protection/")]


def protection_operations() -> list[tuple[str, str]]:
    return [(m, p) for m, p, _ in api_operations() if p.split("/")[3:4] == ["protection"]]


class AccessMatrixTest(ProtectionTestCase):
    personas: dict[str, User]
    objects: dict[str, uuid.UUID]

    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        gina = member("gina@example.org", cls.ffs, Role.GBV_OFFICER, [cls.co])
        extra = {
            role: member(f"{role.value}@example.org", cls.iom, role, [cls.co])
            for role in (Role.DISTRIBUTION_OFFICER, Role.SHELTER_OFFICER, Role.DTM_ANALYST,
                         Role.IM_OFFICER, Role.PSEA_FOCAL_POINT)
        }  # fmt: skip
        cls.personas = {
            "caseworker": cls.bob, "supervisor": cls.sara, "unassigned_gbv": cls.vera,
            "trafficking": cls.tom, "platform_admin": cls.admin, "country_manager": cls.carla,
            "registration": cls.alice, "registration_other_country": cls.pablo,
            "partner": cls.charlie, "auditor": cls.audrey, "dtm_enumerator": cls.eve,
            "gbv_other_org": gina, "no_membership": cls.nobody,
            **{role.value: user for role, user in extra.items()},
        }  # fmt: skip
        services.case_assign(actor=cls.bob, case=cls.gbv, user=cls.sara, role="supervisor")
        action = services.action_add(actor=cls.bob, case=cls.gbv, text="Llamar", due_on=None)
        out = services_transfer.referral_send(
            actor=cls.bob, case=cls.gbv, service="health", provider="Hospital",
            share=["first_name"], consent=True, consent_date=date.today(),
        )  # fmt: skip
        third = Organization.objects.create(name="Tercera", acronym="TER", type="national_ngo")
        third.countries.set([cls.co])
        transfer = services_transfer.transfer_propose(
            actor=cls.bob, case=cls.gbv, to_organization=third, consent=True,
            consent_date=date.today(), explained_by="Bob",
        )  # fmt: skip
        incoming = referrals.receive(
            referral_uuid=uuid.uuid4(), organization=cls.iom, country=cls.co,
            service_type="gbv", person=None, fields={"Nombre": REFERRED}, urgent=False,
            sender=cls.alice,
        )  # fmt: skip
        cls.objects = {
            "cases": cls.gbv.uuid, "actions": action.uuid,
            "team": cls.gbv.assignments.get(user=cls.sara).uuid, "referrals": out.uuid,
            "transfers": transfer.uuid, "inbox": incoming.uuid,
        }  # fmt: skip

    def key_for(self, route: str) -> uuid.UUID | None:
        if not ANY_CONVERTER.search(route):
            return None
        segment = route.split("/")[1]
        self.assertIn(segment, self.objects, f"{route}: say which object this route names")
        return self.objects[segment]

    def allowed(self, name: str, user: User, route: str) -> set[int]:
        """The statuses the rule gives this persona on this route."""
        gbv = policies.has_perm(user, Perm.GBV_CASES)
        tip = policies.has_perm(user, Perm.TRAFFICKING_CASES)
        if not (gbv or tip):
            return {403}
        if not ANY_CONVERTER.search(route):
            if route == "protection/new/gbv/":
                return {200} if gbv else {403}
            if route == "protection/new/trafficking/":
                return {200} if tip else {403}
            return {200}
        segment = route.split("/")[1]
        post_only = {405}
        on_case = name in ("caseworker", "supervisor")
        if segment == "inbox":
            office = policies.has_perm(user, Perm.GBV_CASES, organization_id=self.iom.pk,
                                       country_id=self.co.pk)  # fmt: skip
            return {200} if office else {404}
        if segment == "transfers":
            return {404}
        if not on_case:
            return {404} | post_only
        if route.endswith(("/trafficking/", "/assistance/")):
            return {404}  # a trafficking section of a GBV case
        return {200} | post_only

    @override_settings(API_RATE_PER_USER=1_000_000, API_RATE_PER_ADDRESS=1_000_000)
    @without_template_copies()
    def test_every_persona_gets_what_the_rule_says_and_nothing_more(self) -> None:
        routes = protection_routes()
        self.assertIn("protection/inbox/<uuid:uuid>/", routes)  # the walk is real
        self.assertIn("protection/cases/<uuid:uuid>/transfer/", routes)
        self.assertEqual({p.value for p in Role} - {
            m.role for u in self.personas.values() for m in u.memberships.all()
        }, set())  # fmt: skip
        case_secrets = [self.gbv.survivor_code.lower(), SURVIVOR.lower(), NARRATIVE.lower()]
        for name, user in self.personas.items():
            client = self.login(user, client=Client(), sudo=True)
            on_case = name in ("caseworker", "supervisor")
            for route in routes:
                response = client.get(route_url(route, self.key_for(route)))
                where = f"{name} GET /{route}"
                with self.subTest(where):
                    self.assertIn(response.status_code, self.allowed(name, user, route), where)
                    if response.status_code != 405:  # the site's own 405 page, nothing in it
                        self.assertIn("no-store", response.get("Cache-Control", ""), where)
                    text = readable(response)
                    if not on_case:
                        for secret in case_secrets:
                            self.assertNotIn(secret, text, where)
                    if route != "protection/inbox/<uuid:uuid>/" or response.status_code != 200:
                        self.assertNotIn(REFERRED.lower(), text, where)
            self.api_walk(name, user)

    def api_walk(self, name: str, user: User) -> None:
        if not policies.has_perm(user, Perm.USE_API):
            return
        secret = api_token_create(user=user, name="matrix", scopes=["read", "write"]).secret
        headers = {"Authorization": f"Bearer {secret}"}
        for method, path in protection_operations():
            url = path
            for segment, key in self.objects.items():
                url = url.replace("{uuid}", str(key)) if f"/{segment}/" in url else url
            response = Client().generic(method, url, headers=headers)
            where = f"{name} {method} {path}"
            with self.subTest(where):
                self.assertLess(response.status_code, 500, where)
                if name not in ("caseworker", "supervisor"):
                    self.assertNotIn(self.gbv.survivor_code.lower(), readable(response), where)
                    self.assertNotIn(SURVIVOR.lower(), readable(response), where)

    def test_the_inbox_opens_only_to_the_office(self) -> None:
        # The positive control of the walk above: the inbox item names the referred person
        # to a GBV officer of the receiving office.
        key = self.objects["inbox"]
        page = self.login(self.vera, client=Client(), sudo=True).get(f"/protection/inbox/{key}/")
        self.assertContains(page, REFERRED)
        self.assertTrue(IncomingReferral.objects.filter(uuid=key).exists())
