"""The case file is sealed under the protection keys: not in clear in the row, not openable
with the registry's field keys."""

from __future__ import annotations

import io

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from django.test import SimpleTestCase
from django.utils import translation

from caminantes.lib import crypto
from caminantes.protection import sealing
from caminantes.protection.models import ProtectionCase, new_survivor_code
from tests.personas import PersonaTestCase


class SealingTest(SimpleTestCase):
    def test_it_round_trips_a_dict(self) -> None:
        data = {"name": "Ana María Pérez", "age": 23, "types": ["rape"]}
        self.assertEqual(sealing.unseal(sealing.seal(data)), data)

    def test_it_uses_keys_apart_from_the_field_keys(self) -> None:
        self.assertFalse(
            set(settings.PROTECTION_ENCRYPTION_KEYS) & set(settings.FIELD_ENCRYPTION_KEYS)
        )

    def test_it_cannot_be_opened_with_the_field_keys(self) -> None:
        token = sealing.seal({"name": "Ana"})
        with self.assertRaises(crypto.InvalidToken):
            crypto.decrypt(token)
        with self.assertRaises(crypto.InvalidToken):
            crypto.decrypt(token, keys=settings.FIELD_ENCRYPTION_KEYS)
        opened = crypto.decrypt(token, keys=settings.PROTECTION_ENCRYPTION_KEYS)
        self.assertIn("Ana", opened)

    def test_it_keeps_existing_callers_on_the_field_keys(self) -> None:
        token = crypto.encrypt("3001234567")
        self.assertEqual(crypto.decrypt(token, keys=settings.FIELD_ENCRYPTION_KEYS), "3001234567")
        with self.assertRaises(crypto.InvalidToken):
            crypto.decrypt(token, keys=settings.PROTECTION_ENCRYPTION_KEYS)

    def test_it_opens_with_an_older_key_and_reseals_under_the_newest(self) -> None:
        old = crypto.generate_key()
        token = crypto.encrypt('{"name":"x"}', keys=[old])
        with self.settings(PROTECTION_ENCRYPTION_KEYS=[crypto.generate_key(), old]):
            self.assertEqual(sealing.unseal(token), {"name": "x"})
            fresh = sealing.reseal(token)
        with (
            self.settings(PROTECTION_ENCRYPTION_KEYS=[old]),
            self.assertRaises(crypto.InvalidToken),
        ):
            sealing.unseal(fresh)

    def test_it_makes_unambiguous_survivor_codes(self) -> None:
        code = new_survivor_code("gbv")
        self.assertRegex(code, r"^VBG-[A-HJKMNP-Z2-9]{8}$")
        self.assertTrue(new_survivor_code("trafficking").startswith("TdP-"))


class RawColumnTest(PersonaTestCase):
    def test_it_keeps_no_plaintext_in_the_row(self) -> None:
        case = ProtectionCase(
            organization=self.iom, country=self.co, kind="gbv",
            survivor_code=new_survivor_code("gbv"),
        )  # fmt: skip
        case.set_contents({"name": "Yuleidy Contreras", "narrative": "Ocurrió en el río"})
        case.save()
        with connection.cursor() as cursor:
            cursor.execute("SELECT * FROM protection_protectioncase WHERE id = %s", [case.pk])
            row = " ".join(str(v) for v in cursor.fetchone())
        self.assertNotIn("Yuleidy", row)
        self.assertNotIn("Contreras", row)
        self.assertNotIn("río", row)
        self.assertIn(case.survivor_code, row)  # the code alone names nobody
        fresh = ProtectionCase.objects.get(pk=case.pk)
        self.assertEqual(fresh.contents()["name"], "Yuleidy Contreras")


class ResealCommandTest(PersonaTestCase):
    """`caminantes reseal-protection` after a new protection key is put first."""

    def test_it_reseals_old_blobs_under_the_newest_key_and_leaves_the_registry_alone(
        self,
    ) -> None:
        old, new = crypto.generate_key(), crypto.generate_key()
        with self.settings(PROTECTION_ENCRYPTION_KEYS=[old]):
            case = ProtectionCase(
                organization=self.iom, country=self.co, kind="gbv",
                survivor_code=new_survivor_code("gbv"),
            )  # fmt: skip
            case.set_contents({"name": "Yuleidy Contreras"})
            case.save()
        phone = crypto.encrypt("3001234567")
        out = io.StringIO()
        with self.settings(PROTECTION_ENCRYPTION_KEYS=[new, old]), translation.override("en"):
            call_command("reseal-protection", stdout=out)
            again = io.StringIO()
            call_command("reseal-protection", stdout=again)
        self.assertIn("protection.protectioncase: 1 checked, 1 re-sealed", out.getvalue())
        self.assertIn("1 already under the newest key", again.getvalue())
        self.assertNotIn("Yuleidy", out.getvalue())
        case.refresh_from_db()
        with self.settings(PROTECTION_ENCRYPTION_KEYS=[new]):
            self.assertEqual(ProtectionCase.objects.get(pk=case.pk).contents()["name"],
                             "Yuleidy Contreras")  # fmt: skip
        self.assertEqual(crypto.decrypt(phone), "3001234567")

    def test_it_fails_loudly_on_a_blob_no_key_opens(self) -> None:
        with self.settings(PROTECTION_ENCRYPTION_KEYS=[crypto.generate_key()]):
            case = ProtectionCase(
                organization=self.iom, country=self.co, kind="trafficking",
                survivor_code=new_survivor_code("trafficking"),
            )  # fmt: skip
            case.set_contents({"name": "x"})
            case.save()
        with (
            translation.override("en"),
            self.assertRaisesMessage(CommandError, "1 blobs could not be opened"),
        ):
            call_command("reseal-protection", stdout=io.StringIO())
