from __future__ import annotations

from django.test import SimpleTestCase, override_settings

from caminantes.lib import crypto

OLD = crypto.generate_key()
NEW = crypto.generate_key()


class CryptoTest(SimpleTestCase):
    @override_settings(FIELD_ENCRYPTION_KEYS=[OLD])
    def test_it_round_trips_and_hides_the_value(self) -> None:
        token = crypto.encrypt("V-12.345.678")
        self.assertNotIn("12345678", token)
        self.assertEqual(crypto.decrypt(token), "V-12.345.678")

    def test_it_rotates_to_a_new_key_and_then_drops_the_old_one(self) -> None:
        with override_settings(FIELD_ENCRYPTION_KEYS=[OLD]):
            token = crypto.encrypt("+573001234567")
        with override_settings(FIELD_ENCRYPTION_KEYS=[NEW, OLD]):
            self.assertEqual(crypto.decrypt(token), "+573001234567")
            rotated = crypto.rotate(token)
        with override_settings(FIELD_ENCRYPTION_KEYS=[NEW]):
            self.assertEqual(crypto.decrypt(rotated), "+573001234567")
            with self.assertRaises(crypto.InvalidToken):
                crypto.decrypt(token)

    def test_it_hashes_for_exact_lookups_separately_per_purpose(self) -> None:
        a = crypto.lookup_hash("12345678", purpose="document")
        self.assertEqual(a, crypto.lookup_hash("12345678", purpose="document"))
        self.assertNotEqual(a, crypto.lookup_hash("12345678", purpose="phone"))
        self.assertEqual(crypto.lookup_hash("", purpose="phone"), "")


class SafeCsvTest(SimpleTestCase):
    def test_it_neutralises_formula_cells(self) -> None:
        from caminantes.lib.safecsv import csv_rows

        out = "".join(csv_rows(["a", "b"], [["=1+1", "-2"], [3, "ok"]]))
        self.assertIn("'=1+1", out)
        self.assertIn("'-2", out)
        self.assertIn("3,ok", out)
