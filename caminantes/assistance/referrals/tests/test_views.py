from __future__ import annotations

from django.test import Client

from caminantes.assistance.referrals.models import Service
from caminantes.assistance.referrals.tests.base import ReferralTestCase


class DirectoryPageTests(ReferralTestCase):
    def test_every_member_searches_the_directory(self) -> None:
        page = self.login(self.eve).get("/assistance/referrals/", {"q": "psicosocial"})
        self.assertContains(page, "Apoyo psicosocial FFS")
        self.assertNotContains(page, "Puesto de salud OIM")
        typed = self.login(self.eve).get("/assistance/referrals/", {"type": "health",
                                                                    "country": "CO"})  # fmt: skip
        self.assertContains(typed, "Puesto de salud OIM")
        self.assertNotContains(typed, "Apoyo psicosocial FFS")

    def test_the_public_page_lists_active_services_without_login(self) -> None:
        Service.objects.filter(pk=self.iom_health.pk).update(is_active=False)
        page = Client().get("/assistance/referrals/public/co/")
        self.assertEqual(page.status_code, 200)
        self.assertContains(page, "Apoyo psicosocial FFS")
        self.assertNotContains(page, "Puesto de salud OIM")
        html = page.content.decode()
        self.assertNotIn("<script>", html)
        self.assertNotIn(' style="', html)
        self.assertIn("script-src 'self'", page.headers["Content-Security-Policy"])
        self.assertEqual(Client().get("/assistance/referrals/public/zz/").status_code, 404)
        self.assertEqual(Client().get("/assistance/referrals/public/col/").status_code, 404)

    def test_staff_add_their_organisations_services_only(self) -> None:
        client = self.login(self.charlie)
        page = client.post("/assistance/referrals/services/new/", {
            "name": "Orientación jurídica FFS", "type": "legal", "country": self.co.pk,
            "referral_fields": ["name", "document"], "accepts_referrals": "on",
            "is_active": "on",
        })  # fmt: skip
        self.assertEqual(page.status_code, 302)
        made = Service.objects.get(name="Orientación jurídica FFS")
        self.assertEqual((made.organization, made.sector), (self.ffs, "protection"))
        own = client.get(f"/assistance/referrals/services/{self.psychosocial.uuid}/edit/")
        self.assertEqual(own.status_code, 200)
        theirs = client.get(f"/assistance/referrals/services/{self.iom_health.uuid}/edit/")
        self.assertEqual(theirs.status_code, 404)

    def test_a_bad_service_form_is_answered_in_words(self) -> None:
        page = self.login(self.charlie).post("/assistance/referrals/services/new/", {
            "name": "", "type": "nope", "country": "x", "referral_fields": ["password"],
            "capacity": "-3",
        })  # fmt: skip
        self.assertEqual(page.status_code, 200)
        self.assertContains(page, "errorlist")


class ReferringPageTests(ReferralTestCase):
    def test_the_household_page_offers_to_refer_each_member(self) -> None:
        page = self.login(self.alice).get(f"/registry/households/{self.perez.uuid}/")
        self.assertContains(page, f"/assistance/referrals/households/{self.perez.uuid}/refer/"
                                  f"?person={self.ana.uuid}")  # fmt: skip
        self.assertContains(page, "Remitir a un servicio")

    def test_a_referral_without_consent_is_refused_on_the_page_in_words(self) -> None:
        client = self.login(self.alice)
        url = f"/assistance/referrals/households/{self.perez.uuid}/refer/"
        form = client.get(url, {"person": str(self.jorge.uuid)})
        self.assertEqual(form.status_code, 200)
        page = client.post(url, {
            "request_id": "5b7f3d7e-8a0e-4c55-9a59-0d6f1f4b7a11",
            "service": self.psychosocial.uuid, "person": self.jorge.uuid,
            "reason": "Ansiedad",
        })  # fmt: skip
        self.assertEqual(page.status_code, 200)
        self.assertContains(page, "Jorge Pérez no ha dado su consentimiento")

    def test_the_receiving_organisation_sees_the_fields_and_nothing_else(self) -> None:
        client = self.login(self.alice)
        url = f"/assistance/referrals/households/{self.perez.uuid}/refer/"
        sent = client.post(url, {
            "request_id": "5b7f3d7e-8a0e-4c55-9a59-0d6f1f4b7a12",
            "service": self.psychosocial.uuid, "person": self.ana.uuid, "reason": "Ansiedad",
        })  # fmt: skip
        self.assertEqual(sent.status_code, 302)
        referral = sent["Location"].rstrip("/").rsplit("/", 1)[-1]
        charlie = self.login(self.charlie, client=Client())
        inbox = charlie.get("/assistance/referrals/inbox/")
        self.assertContains(inbox, "Apoyo psicosocial FFS")
        detail = charlie.get(f"/assistance/referrals/{referral}/")
        self.assertContains(detail, "Ana Pérez")
        self.assertContains(detail, "+573001112233")
        for hidden in (
            "Calle Secreta",
            "P7788990",
            "Jorge",
            "Lucía",
            str(self.perez.uuid),
            str(self.ana.uuid),
        ):
            self.assertNotContains(detail, hidden)
        self.assertIn(charlie.get(f"/registry/people/{self.ana.uuid}/edit/").status_code,
                      (403, 404))  # fmt: skip
        for path in (
            f"/registry/households/{self.perez.uuid}/",
            f"/api/v1/registry/households/{self.perez.uuid}",
            f"/api/v1/registry/people/{self.ana.uuid}",
            f"/assistance/referrals/households/{self.perez.uuid}/refer/",
        ):
            with self.subTest(path=path):
                self.assertEqual(charlie.get(path).status_code, 404)

    def test_the_receiver_answers_from_the_page_and_the_sender_reads_it(self) -> None:
        referral = self.refer()
        charlie = self.login(self.charlie, client=Client())
        url = f"/assistance/referrals/{referral.uuid}/status/"
        refused = charlie.post(url, {"status": "declined", "reason": ""})
        self.assertContains(refused, "Indique por qué se rechaza la remisión")
        charlie.post(url, {"status": "accepted", "note": "Cita el jueves 9:00"})
        mine = self.login(self.alice).get("/assistance/referrals/sent/")
        self.assertContains(mine, "aceptó su remisión")
        detail = self.login(self.alice).get(f"/assistance/referrals/{referral.uuid}/")
        self.assertContains(detail, "Cita el jueves 9:00")
        self.assertContains(detail, f"/registry/households/{self.perez.uuid}/")
