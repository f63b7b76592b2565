"""Transfer of a case to another organisation: only with the survivor's consent, seen by the
receiving side as a code and a kind until accepted; once accepted the case moves and the
sending side can no longer open it; a declined transfer leaves the case where it was."""

from __future__ import annotations

from datetime import date, timedelta

from django.http import Http404
from django.test import Client
from django.urls import reverse

from caminantes.accounts import policies
from caminantes.accounts.models import Organization, User
from caminantes.accounts.permissions import Role
from caminantes.audit.models import AuditEvent
from caminantes.protection import selectors, services, services_transfer
from caminantes.protection.errors import Refused
from caminantes.protection.models import ProtectionCase, Transfer
from caminantes.protection.tests.base import NARRATIVE, SURVIVOR, ProtectionTestCase, member


class TransferTest(ProtectionTestCase):
    gina: User
    peru_only: Organization

    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        cls.gina = member("gina@example.org", cls.ffs, Role.GBV_OFFICER, [cls.co])
        cls.peru_only = Organization.objects.create(name="Perú Solidario", acronym="PSO",
                                                    type="national_ngo")  # fmt: skip
        cls.peru_only.countries.set([cls.pe])
        services.case_assign(actor=cls.bob, case=cls.gbv, user=cls.sara, role="supervisor")

    def propose(self, **changes: object) -> object:
        data = {
            "to_organization": str(self.ffs.uuid), "consent": "on",
            "consent_date": date.today().isoformat(), "explained_by": "Bob, en la entrevista",
            "note": "Se muda a Cúcuta",
        } | changes  # fmt: skip
        client = self.login(self.bob, sudo=True)
        return client.post(reverse("protection_case_transfer", args=[self.gbv.uuid]), data)

    def test_it_refuses_a_transfer_without_consent_in_words(self) -> None:
        future = (date.today() + timedelta(days=2)).isoformat()
        for changes, field in (
            ({"consent": ""}, "consent"),
            ({"consent_date": future}, "consent_date"),
            ({"explained_by": ""}, "explained_by"),
            ({"to_organization": str(self.iom.uuid)}, "to_organization"),  # its own
            ({"to_organization": str(self.peru_only.uuid)}, "to_organization"),  # not in CO
        ):
            with self.subTest(field=field):
                response = self.propose(**changes)
                self.assertEqual(response.status_code, 200)  # type: ignore[attr-defined]
                self.assertIn(field, response.context["form"].errors)  # type: ignore[attr-defined]
        self.assertFalse(Transfer.objects.exists())
        with self.assertRaises(Refused) as refused:
            services_transfer.transfer_propose(
                actor=self.bob, case=self.gbv, to_organization=self.ffs, consent=False,
                consent_date=date.today(), explained_by="Bob",
            )  # fmt: skip
        self.assertEqual(refused.exception.refusal_code, "transfer_without_consent")
        with self.assertRaises(Refused):
            services_transfer.transfer_propose(
                actor=self.bob, case=self.gbv, to_organization=self.peru_only, consent=True,
                consent_date=date.today(), explained_by="Bob",
            )  # fmt: skip

    def test_it_keeps_the_consent_sealed(self) -> None:
        self.assertEqual(self.propose().status_code, 302)  # type: ignore[attr-defined]
        transfer = Transfer.objects.get()
        self.assertEqual(transfer.contents()["explained_by"], "Bob, en la entrevista")
        self.assertTrue(transfer.contents()["consent"])
        self.assertNotIn("entrevista", transfer.sealed)
        # One waiting at a time.
        again = self.propose()
        self.assertEqual(again.status_code, 200)  # type: ignore[attr-defined]
        self.assertEqual(Transfer.objects.count(), 1)

    def test_it_shows_the_receiving_side_a_code_and_kind_only(self) -> None:
        self.propose()
        transfer = Transfer.objects.get()
        gina = self.login(self.gina, client=Client(), sudo=True)
        listing = gina.get(reverse("protection_transfers"))
        self.assertContains(listing, self.gbv.survivor_code)
        page = gina.get(reverse("protection_transfer", args=[transfer.uuid]))
        self.assertEqual(page.status_code, 200)
        self.assertContains(page, "Se muda a Cúcuta")
        for secret in (SURVIVOR, NARRATIVE, "Casa de la hermana"):
            self.assertNotContains(page, secret)
            self.assertNotContains(listing, secret)
        self.assertEqual(gina.get(reverse("protection_case", args=[self.gbv.uuid])).status_code,
                         404)  # fmt: skip
        # Nobody else sees the proposal: the same organisation's other officers, the other
        # role, the platform administrator.
        for user in (self.vera, self.tom, self.admin, self.carla, self.charlie):
            client = self.login(user, client=Client(), sudo=True)
            with self.subTest(user=user.email):
                others = client.get(reverse("protection_transfers")).content.decode()
                self.assertNotIn(self.gbv.survivor_code, others)
                answer = client.get(reverse("protection_transfer", args=[transfer.uuid]))
                self.assertIn(answer.status_code, (403, 404))

    def test_it_moves_the_case_on_acceptance_and_the_sender_loses_it(self) -> None:
        self.propose()
        transfer = Transfer.objects.get()
        gina = self.login(self.gina, client=Client(), sudo=True)
        accepted = gina.post(reverse("protection_transfer", args=[transfer.uuid]),
                             {"answer": "accept"})  # fmt: skip
        self.assertRedirects(accepted, reverse("protection_case", args=[self.gbv.uuid]),
                             fetch_redirect_response=False)  # fmt: skip
        case = ProtectionCase.objects.get(pk=self.gbv.pk)
        self.assertEqual((case.organization, case.country, case.status), (self.ffs, self.co,
                                                                           "open"))  # fmt: skip
        self.assertEqual(
            list(case.assignments.filter(ended_at__isnull=True).values_list("user__email", "role")),
            [("gina@example.org", "caseworker")],
        )
        self.assertEqual(case.contents()["narrative"], NARRATIVE)  # the file moved whole
        self.assertContains(gina.get(reverse("protection_case", args=[case.uuid])), NARRATIVE)
        # The sending side: caseworker and supervisor lose every access.
        for user in (self.bob, self.sara, self.vera, self.carla):
            client = self.login(user, client=Client(), sudo=True)
            with self.subTest(user=user.email):
                self.assertFalse(selectors.cases_for(user).filter(pk=case.pk).exists())
                with self.assertRaises(Http404):
                    selectors.case_for(user, case.uuid)
                for name in (
                    "protection_case",
                    "protection_print",
                    "protection_case_transfer",
                    "protection_case_referrals",
                    "protection_team",
                ):
                    page = client.get(reverse(name, args=[case.uuid]))
                    self.assertIn(page.status_code, (403, 404), name)
                listing = client.get(reverse("protection_cases"))
                self.assertNotIn(case.survivor_code, listing.content.decode())
        with self.assertRaises(Refused):
            services_transfer.transfer_accept(actor=self.gina, transfer=transfer)

    def test_it_leaves_the_case_where_it_was_when_declined(self) -> None:
        self.propose()
        transfer = Transfer.objects.get()
        gina = self.login(self.gina, client=Client(), sudo=True)
        url = reverse("protection_transfer", args=[transfer.uuid])
        empty = gina.post(url, {"answer": "decline", "reason": ""})
        self.assertEqual(empty.status_code, 200)
        self.assertIn("reason", empty.context["decline"].errors)
        gina.post(url, {"answer": "decline", "reason": "Sin cupo este mes"})
        transfer.refresh_from_db()
        self.assertEqual(transfer.status, "declined")
        case = ProtectionCase.objects.get(pk=self.gbv.pk)
        self.assertEqual(case.organization, self.iom)
        self.assertTrue(selectors.cases_for(self.bob).filter(pk=case.pk).exists())
        page = self.login(self.bob, sudo=True).get(
            reverse("protection_case_transfer", args=[case.uuid])
        )
        self.assertContains(page, "Sin cupo este mes")
        self.assertEqual(gina.get(url).status_code, 404)  # no longer waiting

    def test_it_audits_both_sides_on_the_case_only(self) -> None:
        self.propose()
        transfer = Transfer.objects.get()
        self.login(self.gina, client=Client(), sudo=True).post(
            reverse("protection_transfer", args=[transfer.uuid]), {"answer": "accept"}
        )
        case = ProtectionCase.objects.get(pk=self.gbv.pk)
        steps = [
            (e.actor_email, e.context.get("step"))
            for e in selectors.case_openings(case) if e.context.get("step")
        ]  # fmt: skip
        self.assertIn(("bob@example.org", "transfer_proposed"), steps)
        self.assertIn(("gina@example.org", "transfer_accepted"), steps)
        for event in AuditEvent.objects.filter(object_type__startswith="protection."):
            text = str(event.context)
            self.assertNotIn(case.survivor_code, text)
            self.assertNotIn(SURVIVOR.split()[0], text)
        for reader in (self.admin, self.audrey):
            trail = policies.visible(reader, AuditEvent)
            self.assertFalse(trail.filter(object_uuid__in=[case.uuid, transfer.uuid]).exists())
