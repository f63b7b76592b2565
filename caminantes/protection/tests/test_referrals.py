"""Referrals: out of a case through the minimal form (only what is ticked, with consent,
sealed), and in through the restricted path (registry.hooks), end to end: the inbox of the
matching role, opened behind the password, accepted into a case or declined, the referring
side told accepted or declined and nothing else."""

from __future__ import annotations

import uuid
from datetime import date, timedelta
from typing import Any
from unittest import mock

from django.core.exceptions import ObjectDoesNotExist
from django.test import Client
from django.urls import reverse

from caminantes.accounts.models import User
from caminantes.accounts.permissions import Role
from caminantes.audit import actions
from caminantes.audit.models import AuditEvent
from caminantes.protection import selectors
from caminantes.protection.models import IncomingReferral, OutgoingReferral, ProtectionCase
from caminantes.protection.tests.base import ProtectionTestCase, member
from caminantes.registry import hooks
from caminantes.registry.models import Household, Person

ANSWERS: list[dict[str, Any]] = []
HERE = "caminantes.protection.tests.test_referrals.record_answer"


def unknown_referral(**kwargs: Any) -> None:
    """The referring side does not know the referral (the demo's, or deleted there)."""
    raise ObjectDoesNotExist("no such referral")


def record_answer(**kwargs: Any) -> None:
    """The referring side's double: what it is told."""
    ANSWERS.append(kwargs)


class ReferralOutTest(ProtectionTestCase):
    def url(self) -> str:
        return reverse("protection_case_referrals", args=[self.gbv.uuid])

    def test_it_shares_only_what_is_ticked_with_consent(self) -> None:
        client = self.login(self.bob, sudo=True)
        today = date.today().isoformat()
        base = {"service": "health", "provider": "Hospital Erasmo Meoz",
                "share": ["first_name", "urgency"], "urgent": "on", "consent": "on",
                "consent_date": today, "contact": "3001234567", "language": "español"}  # fmt: skip
        for changes, field in (
            ({"consent": ""}, "consent"),
            ({"consent_date": (date.today() + timedelta(days=1)).isoformat()}, "consent_date"),
            ({"provider": ""}, "provider"),
            ({"service": "zz"}, "service"),
            ({"share": ["contact"], "contact": ""}, "contact"),
        ):
            with self.subTest(field=field):
                response = client.post(self.url(), base | changes)
                self.assertEqual(response.status_code, 200)
                self.assertIn(field, response.context["form"].errors)
        self.assertFalse(OutgoingReferral.objects.exists())
        self.assertEqual(client.post(self.url(), base).status_code, 302)
        row = OutgoingReferral.objects.get()
        self.assertEqual(row.contents()["shared"], {"first_name": "Yuleidy", "urgency": True})
        self.assertNotIn("Yuleidy", row.sealed)
        self.assertNotIn("Erasmo", row.sealed)
        page = client.get(self.url())
        self.assertContains(page, "Hospital Erasmo Meoz")
        self.assertNotContains(page, "3001234567")  # not ticked, not kept
        self.assertFalse(AuditEvent.objects.filter(context__icontains="Yuleidy").exists())
        self.assertTrue(AuditEvent.objects.filter(object_uuid=row.uuid,
                                                  action=actions.CREATE).exists())  # fmt: skip

    def test_it_moves_a_referral_along_its_statuses(self) -> None:
        client = self.login(self.bob, sudo=True)
        client.post(
            self.url(),
            {
                "service": "legal",
                "provider": "Defensoría",
                "share": ["age"],
                "consent": "on",
                "consent_date": date.today().isoformat(),
            },
        )
        row = OutgoingReferral.objects.get()
        status_url = reverse("protection_referral_status", args=[row.uuid])
        client.post(status_url, {"status": "completed"})  # not from "sent"
        row.refresh_from_db()
        self.assertEqual(row.status, "sent")
        for step in ("accepted", "completed"):
            client.post(status_url, {"status": step})
            row.refresh_from_db()
            self.assertEqual(row.status, step)
        # Someone not on the case cannot move it.
        vera = self.login(self.vera, client=Client(), sudo=True)
        self.assertEqual(vera.post(status_url, {"status": "declined"}).status_code, 404)
        self.assertEqual(vera.get(self.url()).status_code, 404)


class ReferralInTest(ProtectionTestCase):
    gina: User
    person: Person

    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        cls.gina = member("gina@example.org", cls.ffs, Role.GBV_OFFICER, [cls.co])
        household = Household.objects.create(organization=cls.iom, country=cls.co,
                                             population_type="in_transit")  # fmt: skip
        cls.person = Person.objects.create(household=household, relationship="focal_point",
                                           given_names="Rosalba", first_surname="Quintero",
                                           sex="F")  # fmt: skip

    def setUp(self) -> None:
        ANSWERS.clear()
        patcher = mock.patch.object(hooks, "RESTRICTED_REFERRAL_ANSWERED", [HERE])
        patcher.start()
        hooks._load.cache_clear()
        self.addCleanup(hooks._load.cache_clear)
        self.addCleanup(patcher.stop)

    def send(self, service_type: str = "gbv", person: Person | None = None) -> uuid.UUID:
        key = uuid.uuid4()
        hooks.restricted_referral_received(
            referral_uuid=key, organization=self.iom, country=self.co,
            service_type=service_type, person=person,
            fields={"Nombre": "Rosalba Quintero", "Edad": "31", "Sexo": "Femenino",
                    "Motivo": "Amenazas de la expareja"},
            urgent=True, sender=self.alice,
        )  # fmt: skip
        return key

    def test_it_receives_into_the_gbv_inbox_and_accepts_into_a_case(self) -> None:
        key = self.send(person=self.person)
        row = IncomingReferral.objects.get(uuid=key)
        self.assertEqual((row.kind, row.status, row.organization, row.country),
                         ("gbv", "waiting", self.iom, self.co))  # fmt: skip
        for secret in ("Rosalba", "Amenazas", str(self.person.uuid)):
            self.assertNotIn(secret, row.sealed)
        vera = self.login(self.vera, sudo=True)
        inbox = vera.get(reverse("protection_inbox"))
        self.assertContains(inbox, reverse("protection_inbox_item", args=[key]))
        self.assertNotContains(inbox, "Rosalba")  # no names until opened
        page = vera.get(reverse("protection_inbox_item", args=[key]))
        self.assertContains(page, "Amenazas de la expareja")
        self.assertEqual(page.context["accept"].initial["age"], 31)
        self.assertEqual(page.context["accept"].initial["sex"], "F")
        self.assertTrue(
            AuditEvent.objects.filter(
                object_uuid=key, actor=self.vera, action=actions.READ_RESTRICTED
            ).exists()
        )
        accepted = vera.post(reverse("protection_inbox_item", args=[key]),
                             {"answer": "accept", "sex": "F", "age": "31"})  # fmt: skip
        case = selectors.cases_for(self.vera).get()
        self.assertRedirects(accepted, reverse("protection_case", args=[case.uuid]),
                             fetch_redirect_response=False)  # fmt: skip
        self.assertEqual(case.contents()["person"], str(self.person.uuid))
        self.assertEqual((case.contents()["age"], case.contents()["age_group"]), (31, "26-40"))
        self.assertEqual(list(case.assignments.values_list("user__email", "role")),
                         [("vera@example.org", "caseworker")])  # fmt: skip
        self.assertEqual(ANSWERS, [{"referral_uuid": key, "accepted": True, "actor": self.vera}])
        self.assertEqual(IncomingReferral.objects.get(uuid=key).contents()["case"],
                         str(case.uuid))  # fmt: skip
        self.assertEqual(vera.get(reverse("protection_inbox_item", args=[key])).status_code, 404)

    def test_it_routes_by_kind_and_organisation(self) -> None:
        gbv, tip = self.send("gbv"), self.send("trafficking")
        cases = {
            self.bob: [gbv],
            self.vera: [gbv],
            self.tom: [tip],
            self.gina: [],
        }
        for user, expected in cases.items():
            with self.subTest(user=user.email):
                from caminantes.protection import selectors_xfer

                self.assertEqual([r.uuid for r in selectors_xfer.inbox(user)], expected)
        for user in (self.gina, self.alice, self.carla, self.admin, self.charlie, self.audrey):
            client = self.login(user, client=Client(), sudo=True)
            with self.subTest(user=user.email):
                page = client.get(reverse("protection_inbox_item", args=[gbv]))
                self.assertIn(page.status_code, (403, 404))
                self.assertNotIn("Rosalba", page.content.decode())

    def test_it_declines_with_a_reason_and_tells_only_that(self) -> None:
        key = self.send()
        vera = self.login(self.vera, sudo=True)
        url = reverse("protection_inbox_item", args=[key])
        empty = vera.post(url, {"answer": "decline", "reason": " "})
        self.assertEqual(empty.status_code, 200)
        self.assertIn("reason", empty.context["decline"].errors)
        self.assertEqual(ANSWERS, [])
        vera.post(url, {"answer": "decline", "reason": "Fuera de nuestra zona"})
        self.assertEqual(ANSWERS, [{"referral_uuid": key, "accepted": False, "actor": self.vera}])
        self.assertEqual(IncomingReferral.objects.get(uuid=key).status, "declined")
        self.assertFalse(
            ProtectionCase.objects.filter(
                organization=self.iom, assignments__user=self.vera
            ).exists()
        )

    def test_it_refuses_what_is_not_a_protection_referral(self) -> None:
        with self.assertRaises(ValueError):
            self.send("health")
        self.assertFalse(IncomingReferral.objects.exists())

    def test_a_failing_answer_rolls_the_acceptance_back(self) -> None:
        key = self.send()
        with mock.patch.object(hooks, "RESTRICTED_REFERRAL_ANSWERED", ["builtins.nonexistent"]):
            hooks._load.cache_clear()
            from caminantes.protection import referrals

            with self.assertRaises(ImportError):
                referrals.incoming_accept(actor=self.vera,
                                          incoming=IncomingReferral.objects.get(uuid=key),
                                          sex="F", age=30)  # fmt: skip
        hooks._load.cache_clear()
        self.assertEqual(IncomingReferral.objects.get(uuid=key).status, "waiting")
        self.assertFalse(ProtectionCase.objects.filter(assignments__user=self.vera).exists())

    def test_an_answer_the_sender_does_not_know_stands_and_is_recorded(self) -> None:
        key = self.send()
        unknown = "caminantes.protection.tests.test_referrals.unknown_referral"
        with mock.patch.object(hooks, "RESTRICTED_REFERRAL_ANSWERED", [unknown]):
            hooks._load.cache_clear()
            vera = self.login(self.vera, sudo=True)
            vera.post(reverse("protection_inbox_item", args=[key]),
                      {"answer": "decline", "reason": "Duplicada"})  # fmt: skip
        hooks._load.cache_clear()
        self.assertEqual(IncomingReferral.objects.get(uuid=key).status, "declined")
        self.assertTrue(AuditEvent.objects.filter(
            object_uuid=key, context__answer_delivered=False).exists())  # fmt: skip
