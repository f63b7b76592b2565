"""The protection pages as each persona sees them: the assigned officer works on the case;
everyone else (an unassigned GBV officer, the anti-trafficking officer for a GBV case, the
platform administrator, the country manager, the registration officer, the auditor, another
organisation) gets 403 or 404 and sees nothing in the list."""

from __future__ import annotations

from datetime import date, timedelta

from django.test import Client
from django.urls import reverse

from caminantes.audit import actions
from caminantes.audit.models import AuditEvent
from caminantes.protection import selectors
from caminantes.protection.models import ProtectionCase
from caminantes.protection.tests.base import NARRATIVE, SURVIVOR, ProtectionTestCase


class CasePagesTest(ProtectionTestCase):
    def case_url(self, name: str = "protection_case", case: ProtectionCase | None = None) -> str:
        return reverse(name, args=[(case or self.gbv).uuid])

    def test_it_shows_the_case_to_its_caseworker(self) -> None:
        client = self.login(self.bob, sudo=True)
        page = client.get(self.case_url())
        self.assertEqual(page.status_code, 200)
        html = page.content.decode()
        self.assertIn(self.gbv.survivor_code, html)
        self.assertIn(NARRATIVE, html)
        self.assertNotIn(SURVIVOR, html)  # hidden until revealed
        self.assertIn("<title>Caso de protección · Caminantes</title>", html)
        self.assertNotIn(self.gbv.survivor_code, html.split("</title>")[0])

    def test_it_lists_only_the_assigned_cases(self) -> None:
        page = self.login(self.bob, sudo=True).get(reverse("protection_cases"))
        self.assertContains(page, self.gbv.survivor_code)
        self.assertNotContains(page, self.tip.survivor_code)

    def test_it_hides_the_case_from_everyone_else(self) -> None:
        for user in (self.vera, self.tom, self.admin, self.carla, self.alice, self.audrey,
                     self.charlie, self.pablo):  # fmt: skip
            client = self.login(user, client=Client(), sudo=True)
            with self.subTest(user=user.email):
                page = client.get(self.case_url())
                self.assertIn(page.status_code, (403, 404))
                self.assertNotIn(self.gbv.survivor_code, page.content.decode())
                listing = client.get(reverse("protection_cases"))
                self.assertIn(listing.status_code, (200, 403))
                self.assertNotIn(self.gbv.survivor_code, listing.content.decode())
                self.assertNotIn("VBG-", listing.content.decode())
                reveal = client.post(self.case_url("protection_reveal"))
                self.assertIn(reveal.status_code, (403, 404))
                self.assertNotIn(SURVIVOR, reveal.content.decode())

    def test_it_answers_a_hidden_case_as_a_missing_one(self) -> None:
        client = self.login(self.vera, sudo=True)
        hidden = client.get(self.case_url())
        missing = client.get(
            reverse("protection_case", args=["00000000-0000-4000-8000-000000000000"])
        )
        self.assertEqual(hidden.status_code, 404)
        self.assertEqual(missing.status_code, 404)
        self.assertEqual(hidden["Cache-Control"], missing["Cache-Control"])

    def test_it_needs_a_fresh_password(self) -> None:
        client = self.login(self.bob, sudo=False)
        page = client.get(self.case_url())
        self.assertEqual(page.status_code, 302)
        self.assertTrue(page["Location"].startswith(reverse("sudo")))
        posted = client.post(self.case_url("protection_edit_plan"), {"narrative": "nuevo"})
        self.assertEqual(posted.status_code, 302)
        self.assertTrue(posted["Location"].startswith(reverse("sudo")))
        self.assertNotIn("nuevo", str(dict(client.session)))  # the form is not kept
        self.assertEqual(ProtectionCase.objects.get(pk=self.gbv.pk).contents()["narrative"],
                         NARRATIVE)  # fmt: skip

    def test_it_tells_browsers_not_to_store_any_page(self) -> None:
        bob = self.login(self.bob, sudo=True)
        for response in (
            bob.get(reverse("protection_cases")),
            bob.get(self.case_url()),
            bob.get(self.case_url("protection_print")),
            bob.post(self.case_url("protection_reveal")),
            self.login(self.vera, client=Client(), sudo=True).get(self.case_url()),
            self.login(self.alice, client=Client(), sudo=True).get(reverse("protection_cases")),
            self.login(self.bob, client=Client()).get(self.case_url()),  # to the password
        ):
            with self.subTest(status=response.status_code):
                self.assertIn("no-store", response["Cache-Control"])
                self.assertEqual(response["Pragma"], "no-cache")

    def test_it_reveals_the_name_once_and_records_it(self) -> None:
        client = self.login(self.bob, sudo=True)
        self.assertEqual(client.get(self.case_url("protection_reveal")).status_code, 405)
        page = client.post(self.case_url("protection_reveal"))
        self.assertContains(page, SURVIVOR)
        event = AuditEvent.objects.get(action=actions.PROTECTION_REVEAL)
        self.assertEqual(event.object_uuid, self.gbv.uuid)
        self.assertNotIn(SURVIVOR.split()[0], str(event.context))
        self.assertNotIn(self.gbv.survivor_code, str(event.context))
        self.assertNotContains(client.get(self.case_url()), SURVIVOR)

    def test_it_shows_who_opened_the_case(self) -> None:
        self.login(self.sara, client=Client(), sudo=True).get(self.case_url())  # not yet assigned
        bob = self.login(self.bob, sudo=True)
        bob.get(self.case_url("protection_print"))
        page = bob.get(self.case_url())
        openings = page.context["openings"]
        self.assertIn(("bob@example.org", actions.READ_RESTRICTED),
                      [(e.actor_email, e.action) for e in openings])  # fmt: skip
        self.assertIn(("bob@example.org", actions.PROTECTION_PRINT),
                      [(e.actor_email, e.action) for e in openings])  # fmt: skip
        self.assertIn(("sara@example.org", actions.ACCESS_DENIED),
                      [(e.actor_email, e.action) for e in openings])  # fmt: skip
        self.assertContains(page, "Sara")

    def test_it_keeps_the_case_out_of_the_audit_trail(self) -> None:
        self.login(self.bob, sudo=True).get(self.case_url())
        for reader in (self.admin, self.audrey):
            client = self.login(reader, client=Client(), sudo=True)
            page = client.get(reverse("audit_events"))
            with self.subTest(reader=reader.email):
                self.assertEqual(page.status_code, 200)
                self.assertNotContains(page, str(self.gbv.uuid))
                self.assertNotContains(page, "protection")
                export = client.get(reverse("audit_events_csv"))
                body = b"".join(export.streaming_content) if export.streaming else export.content  # type: ignore[attr-defined]
                self.assertNotIn(str(self.gbv.uuid).encode(), body)

    def test_it_lets_the_caseworker_edit_and_add(self) -> None:
        client = self.login(self.bob, sudo=True)
        today = date.today().isoformat()
        for name, data in (
            ("protection_edit_plan", {"consent_reporting": "on", "safety_plan": "Refugio",
                                      "narrative": "Otro relato"}),
            ("protection_service", {"service": "health", "status": "received", "consent": "on",
                                    "date": today, "provider": "Hospital"}),
            ("protection_action", {"text": "Llamar el lunes", "due_on": today}),
            ("protection_session", {"date": today, "type": "individual", "wellbeing": "6"}),
            ("protection_edit_incident", {"incident_type": "rape", "incident_date": today,
                                          "perpetrator": "family"}),
        ):  # fmt: skip
            with self.subTest(page=name):
                response = client.post(self.case_url(name), data)
                self.assertRedirects(response, self.case_url(), fetch_redirect_response=False)
        case = ProtectionCase.objects.get(pk=self.gbv.pk)
        self.assertEqual(case.contents()["narrative"], "Otro relato")
        self.assertEqual(case.contents()["incident_type"], "rape")
        self.assertEqual(case.contents()["name"], SURVIVOR)  # untouched by other sections
        self.assertEqual(case.services.count(), 1)
        self.assertEqual(case.sessions.get().contents()["wellbeing"], 6)
        page = client.get(self.case_url())
        self.assertContains(page, "Llamar el lunes")
        self.assertContains(page, "Hospital")

    def test_it_refuses_wrong_input_in_words(self) -> None:
        client = self.login(self.bob, sudo=True)
        future = (date.today() + timedelta(days=3)).isoformat()
        for name, data, field in (
            ("protection_session", {"date": date.today().isoformat(), "type": "group",
                                    "wellbeing": "11"}, "wellbeing"),
            ("protection_session", {"date": future, "type": "group", "wellbeing": "5"}, "date"),
            ("protection_edit_incident", {"incident_type": "rape", "incident_date": future,
                                          "perpetrator": "family"}, "incident_date"),
            ("protection_edit_incident", {"incident_type": "", "incident_date": "",
                                          "perpetrator": ""}, "incident_type"),
            ("protection_action", {"text": "", "due_on": ""}, "text"),
            ("protection_service", {"service": "legal", "status": "received", "date": future},
             "consent"),
            ("protection_close", {"reason": "zz"}, "reason"),
        ):  # fmt: skip
            with self.subTest(page=name, field=field):
                response = client.post(self.case_url(name), data)
                self.assertEqual(response.status_code, 200)
                self.assertTrue(
                    response.context["form"].errors.get(field), response.context["form"].errors
                )

    def test_it_refuses_a_referral_to_the_authorities_without_consent(self) -> None:
        client = self.login(self.tom, sudo=True)
        url = self.case_url("protection_edit_assistance", self.tip)
        response = client.post(url, {"assistance": ["shelter"], "authorities_referral": "on"})
        self.assertEqual(response.status_code, 200)
        self.assertIn("authorities_consent", response.context["form"].errors)
        self.assertNotIn(
            "authorities_referral", ProtectionCase.objects.get(pk=self.tip.pk).contents()
        )
        ok = client.post(url, {"assistance": ["shelter"], "authorities_referral": "on",
                               "authorities_consent": "on"})  # fmt: skip
        self.assertEqual(ok.status_code, 302)

    def test_it_refuses_edits_to_a_closed_case(self) -> None:
        client = self.login(self.bob, sudo=True)
        closed = client.post(self.case_url("protection_close"), {"reason": "needs_met"})
        self.assertEqual(closed.status_code, 302)
        page = client.get(self.case_url())
        self.assertContains(page, "ya no se puede modificar")
        self.assertNotContains(page, self.case_url("protection_edit_plan"))
        for name, data in (
            ("protection_edit_plan", {"narrative": "cambio"}),
            ("protection_action", {"text": "algo"}),
            ("protection_session", {"date": date.today().isoformat(), "type": "group",
                                    "wellbeing": "5"}),
        ):  # fmt: skip
            with self.subTest(page=name):
                response = client.post(self.case_url(name), data)
                self.assertEqual(response.status_code, 200)
                self.assertContains(response, "ya no se puede modificar")
        case = ProtectionCase.objects.get(pk=self.gbv.pk)
        self.assertEqual(case.contents()["narrative"], NARRATIVE)
        self.assertEqual(case.actions.count(), 0)

    def test_it_opens_a_gbv_case_with_the_officer_as_caseworker(self) -> None:
        client = self.login(self.vera, sudo=True)
        response = client.post(reverse("protection_new_gbv"), {
            "country": self.co.pk, "name": "Marisol Peña", "sex": "F", "age": "30",
            "age_group": "26-40", "incident_type": "physical_assault",
            "incident_date": date.today().isoformat(), "perpetrator": "intimate_partner",
            "narrative": "Relato de Marisol",
        })  # fmt: skip
        self.assertEqual(response.status_code, 302)
        case = selectors.cases_for(self.vera).get()
        self.assertEqual(response["Location"], self.case_url(case=case))
        self.assertNotIn("Marisol", response["Location"])
        self.assertTrue(case.survivor_code.startswith("VBG-"))
        self.assertEqual(case.contents()["name"], "Marisol Peña")
        self.assertEqual(list(case.assignments.values_list("user__email", "role")),
                         [("vera@example.org", "caseworker")])  # fmt: skip

    def test_it_refuses_a_bad_intake_in_words(self) -> None:
        client = self.login(self.vera, sudo=True)
        future = (date.today() + timedelta(days=1)).isoformat()
        response = client.post(reverse("protection_new_gbv"), {
            "country": self.co.pk, "sex": "F", "age_group": "26-40",
            "incident_type": "rape", "incident_date": future, "perpetrator": "other",
        })  # fmt: skip
        self.assertEqual(response.status_code, 200)
        errors = response.context["form"].errors
        self.assertIn("incident_date", errors)
        self.assertIn("__all__", errors)  # neither a registry id nor a name
        self.assertFalse(selectors.cases_for(self.vera).exists())

    def test_it_refuses_a_registry_id_the_officer_cannot_see(self) -> None:
        client = self.login(self.vera, sudo=True)
        response = client.post(reverse("protection_new_gbv"), {
            "country": self.co.pk, "person": "00000000-0000-4000-8000-000000000000", "sex": "F",
            "age_group": "26-40", "incident_type": "rape",
            "incident_date": date.today().isoformat(), "perpetrator": "other",
        })  # fmt: skip
        self.assertEqual(response.status_code, 200)
        self.assertIn("person", response.context["form"].errors)

    def test_it_assigns_only_colleagues_with_the_matching_role(self) -> None:
        client = self.login(self.bob, sudo=True)
        page = client.get(self.case_url("protection_team"))
        choices = dict(page.context["form"].fields["user"].choices)
        self.assertIn(str(self.sara.uuid), choices)
        self.assertNotIn(str(self.tom.uuid), choices)
        self.assertNotIn(str(self.carla.uuid), choices)
        bad = client.post(self.case_url("protection_team"), {"user": str(self.tom.uuid),
                                                              "role": "supervisor"})  # fmt: skip
        self.assertEqual(bad.status_code, 200)
        self.assertIn("user", bad.context["form"].errors)
        ok = client.post(self.case_url("protection_team"), {"user": str(self.sara.uuid),
                                                             "role": "supervisor"})  # fmt: skip
        self.assertEqual(ok.status_code, 302)
        sara = self.login(self.sara, client=Client(), sudo=True)
        self.assertEqual(sara.get(self.case_url()).status_code, 200)
        assignment = self.gbv.assignments.get(user=self.sara)
        client.post(reverse("protection_unassign", args=[assignment.uuid]))
        self.assertEqual(sara.get(self.case_url()).status_code, 404)

    def test_it_shows_the_menu_entry_to_protection_officers_only(self) -> None:
        self.assertContains(self.login(self.bob, sudo=True).get(reverse("home")),
                            reverse("protection_cases"))  # fmt: skip
        for user in (self.alice, self.carla, self.admin):
            home = self.login(user, client=Client()).get(reverse("home"))
            self.assertNotContains(home, reverse("protection_cases"))
