from __future__ import annotations

from django.test import SimpleTestCase

from caminantes.lib.navigation import Entry


class NavigationEntryTests(SimpleTestCase):
    def test_it_shows_an_entry_for_its_permission_or_any_alternative(self) -> None:
        entry = Entry("x", "X", "manage_stock", 1, alternatives=("distribute",))
        self.assertEqual(entry.permissions, ("manage_stock", "distribute"))

    def test_it_shows_an_entry_without_permission_to_everyone(self) -> None:
        self.assertEqual(Entry("x", "X", None, 1).permissions, ())
