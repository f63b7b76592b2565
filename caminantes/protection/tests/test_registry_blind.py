"""The registry knows nothing of protection: a linked person's pages and the name search
show no trace of the case, for the registrar and for the caseworker alike."""

from __future__ import annotations

from datetime import date

from django.test import Client
from django.urls import reverse

from caminantes.audit.models import AuditEvent
from caminantes.protection import selectors
from caminantes.protection.tests.base import SURVIVOR, ProtectionTestCase
from caminantes.registry.models import Household, Person


class RegistryBlindTest(ProtectionTestCase):
    def test_it_links_a_registered_person_without_a_trace_in_the_registry(self) -> None:
        household = Household.objects.create(
            organization=self.iom, country=self.co, population_type="in_transit"
        )
        person = Person.objects.create(
            household=household, relationship="focal_point", given_names="Rosalba",
            first_surname="Quintero", sex="F",
        )  # fmt: skip
        household.focal_point = person
        household.save()
        vera = self.login(self.vera, sudo=True)
        before = AuditEvent.objects.filter(object_uuid=person.uuid).count()
        response = vera.post(reverse("protection_new_gbv"), {
            "country": self.co.pk, "person": str(person.uuid), "sex": "F", "age_group": "26-40",
            "incident_type": "rape", "incident_date": date.today().isoformat(),
            "perpetrator": "other",
        })  # fmt: skip
        self.assertEqual(response.status_code, 302)
        case = selectors.cases_for(self.vera).get()
        self.assertEqual(case.contents()["person"], str(person.uuid))
        # Checking the id left nothing in the registry's own trail.
        self.assertEqual(AuditEvent.objects.filter(object_uuid=person.uuid).count(), before)
        revealed = vera.post(reverse("protection_reveal", args=[case.uuid]))
        self.assertContains(revealed, person.full_name)
        for user in (self.alice, self.carla, self.vera):
            client = self.login(user, client=Client(), sudo=True)
            page = client.get(reverse("household_detail", args=[household.uuid]))
            with self.subTest(user=user.email):
                self.assertEqual(page.status_code, 200)
                html = page.content.decode()
                self.assertNotIn(case.survivor_code, html)
                self.assertNotIn("VBG", html)
                self.assertNotIn(str(case.uuid), html)
                self.assertNotIn("/protection/", html.replace('href="/protection/"', ""))

    def test_it_finds_no_standalone_survivor_by_name(self) -> None:
        for user in (self.alice, self.carla, self.bob):
            client = self.login(user, client=Client(), sudo=True)
            page = client.get(reverse("registry_search"), {"q": SURVIVOR})
            with self.subTest(user=user.email):
                self.assertEqual(page.status_code, 200)
                self.assertNotContains(page, self.gbv.survivor_code)
                self.assertEqual(list(page.context["results"]), [])
