"""Other modules hear about new people once the registration has committed."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied

from caminantes.registry import events, services
from caminantes.registry.models import Person
from caminantes.registry.tests.base import RegistryTestCase, child, focal


class PeopleRegisteredTests(RegistryTestCase):
    def setUp(self) -> None:
        self.heard: list[list[int]] = []

        def receiver(sender: Any, person_ids: list[int], user: Any, **kw: Any) -> None:
            self.heard.append(person_ids)

        self.receiver = receiver
        events.people_registered.connect(receiver)

    def tearDown(self) -> None:
        events.people_registered.disconnect(self.receiver)

    def test_registering_a_household_announces_every_member_after_commit(self) -> None:
        with self.captureOnCommitCallbacks(execute=True):
            household = self.register(
                self.alice, [focal(given_names="Yelitza"), child(given_names="Jesús")]
            )
        members = set(Person.objects.filter(household=household).values_list("pk", flat=True))
        self.assertEqual([set(ids) for ids in self.heard], [members])

    def test_adding_a_member_announces_them(self) -> None:
        with self.captureOnCommitCallbacks(execute=True):
            person = services.person_add(
                user=self.alice, household=self.family, member=child(given_names="Ana")
            )
        self.assertEqual(self.heard, [[person.pk]])

    def test_nothing_is_announced_when_the_registration_is_refused(self) -> None:
        with self.captureOnCommitCallbacks(execute=True), self.assertRaises(PermissionDenied):
            self.register(self.charlie, [focal(given_names="Nadie")])
        self.assertEqual(self.heard, [])
