"""Reads of personal data leave a trace, and reading in bulk raises the alert."""

from __future__ import annotations

from django.test import RequestFactory, override_settings
from django.urls import reverse

from caminantes.accounts import policies
from caminantes.accounts.models import User
from caminantes.audit import actions
from caminantes.audit.middleware import current_request
from caminantes.audit.models import Alert, AuditEvent
from caminantes.registry.models import Household, Person
from caminantes.registry.tests.base import RegistryTestCase, focal
from caminantes.registry.tests.test_api import RegistryApiTestCase


def reads(user: User) -> list[AuditEvent]:
    return list(AuditEvent.objects.filter(actor=user, action=actions.READ_PERSONAL).order_by("id"))


class PageReadTest(RegistryTestCase):
    def test_it_records_who_opened_a_household_page(self) -> None:
        self.login(self.alice)
        self.client.get(reverse("household_detail", args=[self.family.uuid]))
        [event] = reads(self.alice)
        self.assertEqual(
            (event.object_type, event.object_uuid), ("registry.household", self.family.uuid)
        )
        self.assertEqual(event.organization, self.iom)

    def test_it_records_a_person_opened_from_a_search_result(self) -> None:
        self.login(self.alice)
        self.client.get(reverse("person_edit", args=[self.focal_person().uuid]))
        self.assertIn(self.focal_person().uuid, [e.object_uuid for e in reads(self.alice)])

    @override_settings(AUDIT_BULK_READ_LIMIT=3, AUDIT_BULK_READ_MINUTES=5)
    def test_it_raises_the_bulk_read_alert_past_the_configured_rate(self) -> None:
        self.login(self.alice)
        url = reverse("household_detail", args=[self.family.uuid])
        for _ in range(3):
            self.client.get(url)
        self.assertFalse(Alert.objects.exists())
        with self.assertLogs("caminantes.audit", level="WARNING"):
            self.client.get(url)
        alert = Alert.objects.get()
        self.assertEqual((alert.user, alert.count), (self.alice, 4))


class ApiReadTest(RegistryApiTestCase):
    def test_it_records_a_person_read_through_the_api_once(self) -> None:
        person = self.focal_person()
        self.get(f"/people/{person.uuid}")
        self.assertEqual([e.object_uuid for e in reads(self.alice)], [person.uuid])

    def test_it_records_a_page_of_people_as_one_event_naming_them(self) -> None:
        for name in ("Uno", "Dos", "Tres"):
            self.register(self.alice, [focal(given_names=name, birth_date=None)])
        body = self.get("/people?page_size=500")
        [event] = reads(self.alice)
        self.assertEqual(event.object_type, "registry.person")
        self.assertEqual(event.context["count"], len(body["items"]))
        shown = {p["uuid"] for p in body["items"]}
        self.assertEqual(set(event.context["ids"]), shown)
        visible = Person.objects.filter(household__organization=self.iom).count()
        self.assertEqual(len(shown), visible)

    @override_settings(AUDIT_BULK_READ_LIMIT=3, AUDIT_BULK_READ_MINUTES=5)
    def test_it_counts_the_people_on_a_page_towards_the_bulk_read_alert(self) -> None:
        for name in ("Uno", "Dos", "Tres"):
            self.register(self.alice, [focal(given_names=name, birth_date=None)])
        with self.assertLogs("caminantes.audit", level="WARNING"):
            self.get("/people?page_size=500")
        self.assertEqual(Alert.objects.get().user, self.alice)

    def test_it_shows_the_auditor_how_many_people_a_page_read(self) -> None:
        body = self.get("/people?page_size=500")
        self.login(self.audrey)
        page = self.client.get(reverse("audit_events"), {"action": actions.READ_PERSONAL})
        self.assertContains(page, f"\u00d7{len(body['items'])}")

    def test_it_records_the_people_an_api_search_returned(self) -> None:
        self.get("/people/search?q=perez")
        [event] = reads(self.alice)
        self.assertIn(str(self.focal_person().uuid), event.context["ids"])


class RecordReadsTest(RegistryTestCase):
    def test_it_records_a_record_shown_twice_in_one_request_once(self) -> None:
        request = RequestFactory().get("/")
        token = current_request.set(request)
        try:
            policies.record_reads(self.alice, Household, [self.family])
            policies.record_reads(self.alice, Household, [self.family, self.ffs_family])
            policies.record_reads(self.alice, Household, [])
        finally:
            current_request.reset(token)
        self.assertEqual(
            [e.object_uuid for e in reads(self.alice)], [self.family.uuid, self.ffs_family.uuid]
        )
