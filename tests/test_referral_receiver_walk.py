"""A referral gives the receiving organisation its fields and nothing else of the family.

IOM refers Ana (of an IOM household) to FFS's psychosocial service. Charlie, FFS's referral
staff, then walks every page and API route that takes an id (from the URL configuration and
the OpenAPI schema, so new routes are walked too) with the ids of Ana's household, its
people, documents, phones, consents and timeline: each answer must be the answer for an id
that does not exist. The referral itself is the one door, and it shows the snapshot.
"""

from __future__ import annotations

import re
import uuid
from typing import Any

from django.test import Client, override_settings

from caminantes.accounts.services import api_token_create
from caminantes.assistance.referrals import services
from caminantes.assistance.referrals.models import Referral
from caminantes.lib import crypto
from caminantes.registry.models import (
    Consent,
    Document,
    Household,
    Person,
    Phone,
    TimelineEntry,
)
from tests.personas import PersonaTestCase
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


class ReceiverWalkTest(PersonaTestCase):
    referral: Referral
    family: list[Any]

    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        service = services.service_create(
            actor=cls.charlie, organization=cls.ffs, country=cls.co, type="psychosocial",
            name="Apoyo psicosocial FFS", referral_fields=["name", "phone"],
        )  # fmt: skip
        household = Household.objects.create(organization=cls.iom, country=cls.co,
                                             population_type="in_transit")  # fmt: skip
        ana = Person.objects.create(
            household=household, relationship="focal_point", given_names="Ana",
            first_surname="Zubiriaga", sex="F",
        )  # fmt: skip
        brother = Person.objects.create(household=household, relationship="sibling",
                                        given_names="Olegario", first_surname="Zubiriaga",
                                        sex="M")  # fmt: skip
        household.focal_point = ana
        household.save()
        phone = Phone.objects.create(household=household, number_last4="4321",
                                     number_encrypted=crypto.encrypt("+573009994321"))  # fmt: skip
        document = Document.objects.create(person=ana, type="passport", number_last4="1234",
                                           number_encrypted=crypto.encrypt("X1234"))  # fmt: skip
        sharing = Consent.objects.create(person=ana, purpose="sharing", recipient=cls.ffs,
                                         recorded_by=cls.alice)  # fmt: skip
        cls.referral = services.referral_create(
            actor=cls.alice, service=service, household=household, person=ana, reason="Duelo"
        ).referral
        entries = list(TimelineEntry.objects.filter(household=household))
        cls.family = [household, ana, brother, phone, document, sharing, *entries]

    def test_the_receiver_reads_the_snapshot(self) -> None:
        page = self.login(self.charlie).get(f"/assistance/referrals/{self.referral.uuid}/")
        self.assertContains(page, "Ana Zubiriaga")
        self.assertContains(page, "+573009994321")
        self.assertNotContains(page, "Olegario")

    @without_template_copies()
    def test_no_page_route_reaches_the_family(self) -> None:
        client = self.login(self.charlie, sudo=True)
        for route in page_routes_with_ids():
            key = uuid.uuid4()
            missing, queries = get_capturing(client, route_url(route, key))
            if refused_regardless(missing, queries, key):
                continue  # refused before the id was looked at: every id is answered alike
            for obj in objects_for(looked_up_models(queries, key), self.family):
                status, _ = get_capturing(client, route_url(route, obj.uuid))
                with self.subTest(route=route, obj=repr(obj)):
                    self.assertEqual(status, missing)
                    self.assertIn(status, (403, 404, 405))

    @override_settings(API_RATE_PER_USER=1_000_000, API_RATE_PER_ADDRESS=1_000_000)
    @without_template_copies()
    def test_no_api_route_reaches_the_family(self) -> None:
        secret = api_token_create(user=self.charlie, name="t", scopes=["read", "write"]).secret
        headers = {"Authorization": f"Bearer {secret}"}
        client = Client()
        for method, path in api_routes_with_ids():
            key = uuid.uuid4()
            missing, queries = send_capturing(client, method, re.sub(r"\{\w+\}", str(key), path),
                                              headers=headers)  # fmt: skip
            if refused_regardless(missing, queries, key):
                continue
            for obj in objects_for(looked_up_models(queries, key), self.family):
                url = re.sub(r"\{\w+\}", str(obj.uuid), path)
                status, _ = send_capturing(client, method, url, headers=headers)
                with self.subTest(route=f"{method} {path}", obj=repr(obj)):
                    self.assertEqual(status, missing)
