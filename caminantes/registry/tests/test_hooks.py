"""The calls the registry makes into other modules, as listed in registry.hooks."""

from __future__ import annotations

from django.test import TestCase
from django.utils.module_loading import import_string

from caminantes.identity.models import MatchKey
from caminantes.registry import hooks, rights
from caminantes.registry.tests.base import RegistryTestCase


class HooksListTest(TestCase):
    def test_it_lists_only_functions_that_exist(self) -> None:
        for path in (
            *hooks.DUPLICATE_FINDERS,
            *hooks.PEOPLE_WRITTEN,
            *hooks.PEOPLE_ERASED,
            *hooks.HOUSEHOLD_LINKS,
            *hooks.RESTRICTED_REFERRAL_RECEIVERS,
            *hooks.RESTRICTED_REFERRAL_ANSWERED,
        ):
            with self.subTest(path=path):
                self.assertTrue(callable(import_string(path)))


class HooksAtWorkTest(RegistryTestCase):
    def test_a_registration_is_findable_by_the_next_one_at_once(self) -> None:
        maria = self.focal_person()
        self.assertTrue(MatchKey.objects.filter(person=maria).exists())

    def test_an_erasure_takes_the_matching_keys_with_it(self) -> None:
        maria = self.focal_person()
        rights.person_erase(user=self.carla, person=maria)
        self.assertFalse(MatchKey.objects.filter(person=maria).exists())
