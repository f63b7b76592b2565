"""The restricted referral path end to end, with both real sides: a registration officer
refers a survivor to a GBV service from the household page's referral form (assistance),
the GBV inbox receives it (protection), and the referring side learns accepted, nothing else."""

from __future__ import annotations

from caminantes.assistance.referrals import services as referrals
from caminantes.assistance.referrals.models import Notice, Referral
from caminantes.assistance.referrals.tests.base import ReferralTestCase
from caminantes.protection import referrals as inbox
from caminantes.protection.models import IncomingReferral
from caminantes.protection.selectors import cases_for
from caminantes.registry import hooks


class RestrictedReferralPathTest(ReferralTestCase):
    def setUp(self) -> None:
        super().setUp()
        hooks._load.cache_clear()  # the real receivers, whatever a test double left

    def test_a_gbv_referral_reaches_the_inbox_and_only_the_answer_comes_back(self) -> None:
        service = referrals.service_create(
            actor=self.alice, organization=self.iom, country=self.co, type="gbv",
            name="Respuesta VBG OIM", referral_fields=["name", "phone"],
        )  # fmt: skip
        sent = referrals.referral_create(
            actor=self.alice, service=service, household=self.perez, person=self.ana,
            reason="Refiere violencia de la pareja",
        ).referral  # fmt: skip
        kept = Referral.objects.get(pk=sent.pk)
        self.assertTrue(kept.restricted)
        self.assertFalse(kept.fields_encrypted)  # assistance keeps no field of it
        arrived = IncomingReferral.objects.get(uuid=sent.uuid)
        self.assertEqual(arrived.organization, self.iom)
        self.assertEqual(arrived.contents()["fields"].get("Nombre completo",
                         arrived.contents()["fields"].get("Full name")), "Ana Pérez")  # fmt: skip
        self.assertNotIn("Ana", arrived.sealed)  # sealed at rest

        case = inbox.incoming_accept(actor=self.bob, incoming=arrived, sex="F", age=34)
        self.assertIn(case, cases_for(self.bob))
        self.assertNotIn(case, cases_for(self.alice))
        kept.refresh_from_db()
        self.assertEqual(kept.status, "accepted")
        told = Notice.objects.filter(user=self.alice, referral=kept).order_by("-pk").first()
        self.assertIsNotNone(told)
        self.assertNotIn(case.survivor_code, str(told.message if told else ""))
