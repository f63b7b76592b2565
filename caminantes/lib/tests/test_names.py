from __future__ import annotations

import string

from django.test import SimpleTestCase

from caminantes.lib.names import (
    document_key,
    fold,
    identity_document,
    phonetic,
    search_keys,
    slip_keys,
    tokens,
)

# One name, the ways people write it at a registration desk.
SPELLINGS = [
    ("José Peña", "JOSE PENA", "jose pena"),  # accents, ñ, case
    ("Muñoz", "Munoz", "MUÑÓZ"),
    ("de la Cruz", "De La Cruz", "Cruz"),  # particles
    ("dos Santos", "Santos"),
    ("Pérez-González", "Pérez González", "perez  gonzalez"),  # double surnames
    ("Valencia", "Balencia"),  # B/V
    ("Vanessa", "Banesa"),
    ("Zambrano", "Sambrano"),  # S/Z/C
    ("Cecilia", "Sesilia", "Zecilia"),
    ("Yolanda", "Llolanda"),  # Y/LL
    ("Castillo", "Castiyo"),
    ("Hernández", "Ernández"),  # silent H
    ("Yohana", "Yoana"),
    ("Gerardo", "Jerardo"),  # G/J
    ("Giménez", "Jiménez"),
    ("Quintero", "Kintero"),
    ("Jhonny", "Jonny"),
    ("Wilmer", "Wuilmer"),
]


def sounds(text: str) -> set[str]:
    return {k for k in search_keys(text) if k.startswith("~")}


def one_slip(word: str) -> set[str]:
    """Every word one letter changed, dropped, added or two swapped away from `word`."""
    letters = string.ascii_lowercase
    cuts = [(word[:i], word[i:]) for i in range(len(word) + 1)]
    out = {a + b[1:] for a, b in cuts if b}
    out |= {a + b[1] + b[0] + b[2:] for a, b in cuts if len(b) > 1}
    out |= {a + c + b[1:] for a, b in cuts if b for c in letters}
    out |= {a + c + b for a, b in cuts for c in letters}
    out.discard(word)
    return out


class NamesTest(SimpleTestCase):
    def test_it_folds_accents_case_and_punctuation(self) -> None:
        self.assertEqual(fold("  José-Ángel  PEÑA "), "jose angel pena")
        self.assertEqual(fold("D'Angelo"), "dangelo")

    def test_it_drops_particles_and_expands_abbreviations(self) -> None:
        self.assertEqual(tokens("Ma. de los Ángeles"), ["maria", "angeles"])
        self.assertEqual(tokens("dos Santos"), ["santos"])
        self.assertEqual(tokens("Jg. Pérez"), ["jose", "gregorio", "perez"])

    def test_it_gives_one_sound_key_to_the_ways_a_name_is_written(self) -> None:
        for spellings in SPELLINGS:
            with self.subTest(spellings=spellings):
                keys = [sounds(s) for s in spellings]
                self.assertTrue(keys[0])
                self.assertTrue(all(k == keys[0] for k in keys), keys)

    def test_it_keeps_different_sounds_apart(self) -> None:
        self.assertNotEqual(phonetic("carla"), phonetic("karina"))
        self.assertNotEqual(phonetic("chacon"), phonetic("cacon"))
        self.assertNotEqual(phonetic("maria"), phonetic("mario"))

    def test_it_folds_a_word_before_its_sound(self) -> None:
        self.assertEqual(phonetic("Hernández"), phonetic("ernandez"))

    def test_it_makes_search_keys_from_names(self) -> None:
        keys = search_keys("María José", "Pérez")
        self.assertIn("maria", keys)
        self.assertIn("perez", keys)
        self.assertIn("~peres", keys)
        self.assertIn("^mar", keys)

    def test_a_word_one_slip_away_shares_a_key_with_the_name(self) -> None:
        # Every slip of a short word, and every slip of a long word except two letters
        # swapped across its middle (the search's leave-a-word-out fallback finds those).
        for name in ["ana", "luis", "maria", "perez", "rojas", "yusmary", "gonzalez",
                     "rodriguez", "betancourt"]:  # fmt: skip
            stored = search_keys(name)
            middle = len(name) // 2
            across = name[: middle - 1] + name[middle] + name[middle - 1] + name[middle + 1 :]
            for typo in one_slip(name):
                if len(name) > 5 and typo == across:
                    continue
                with self.subTest(name=name, typo=typo):
                    self.assertTrue((slip_keys(typo) | {typo}) & stored)

    def test_a_slip_key_does_not_match_a_different_name(self) -> None:
        self.assertFalse(slip_keys("maria") & search_keys("Mirta"))
        self.assertFalse(slip_keys("gonzalez") & search_keys("Rodríguez"))

    def test_it_gives_one_form_to_a_document_number_however_it_is_written(self) -> None:
        for raw in ["V-12.345.678", "v12345678", "12 345 678", "012345678", "V-012.345.678"]:
            with self.subTest(raw=raw):
                self.assertEqual(document_key(raw), "12345678")
        self.assertEqual(document_key("ab-123 456"), "AB123456")
        self.assertEqual(document_key("E-8.123.456"), "8123456")
        self.assertEqual(document_key("ÑA1234"), "NA1234")

    def test_a_number_too_short_identifies_nobody(self) -> None:
        self.assertEqual(document_key("0123"), "123")
        self.assertEqual(identity_document("0123"), "")
        self.assertEqual(identity_document("V-12345"), "12345")
