from __future__ import annotations

from django.test import SimpleTestCase

from caminantes.lib.names import fold, phonetic, search_keys, tokens


class NamesTest(SimpleTestCase):
    def test_it_folds_accents_case_and_punctuation(self) -> None:
        self.assertEqual(fold("  José-Ángel  PEÑA "), "jose angel pena")

    def test_it_drops_particles_and_expands_abbreviations(self) -> None:
        self.assertEqual(tokens("Ma. de los Ángeles"), ["maria", "angeles"])
        self.assertEqual(tokens("dos Santos"), ["santos"])

    def test_it_gives_the_same_key_to_spanish_spellings_of_one_sound(self) -> None:
        pairs = [("Hernández", "Ernandez"), ("Yuliana", "Juliana")]
        self.assertEqual(phonetic(pairs[0][0]), phonetic(pairs[0][1]))
        for a, b in [("Valencia", "Balensia"), ("Gisela", "Jisela"), ("Quintero", "Kintero"),
                     ("Yolanda", "Llolanda"), ("Zambrano", "Sambrano")]:  # fmt: skip
            with self.subTest(a=a, b=b):
                self.assertEqual(phonetic(a), phonetic(b))
        self.assertNotEqual(phonetic(pairs[1][0]), phonetic(pairs[1][1]))

    def test_it_makes_search_keys_from_names(self) -> None:
        keys = search_keys("María José", "Pérez")
        self.assertIn("maria", keys)
        self.assertIn("perez", keys)
        self.assertIn("~peres", keys)
