from __future__ import annotations

import io

from django.conf import settings
from django.core.management import CommandError, call_command
from django.test import override_settings
from django.utils import translation

from caminantes.audit.models import AuditEvent
from caminantes.lib import crypto
from caminantes.registry.models import Document, FieldChange, ImportBatch, ImportRow, Phone
from caminantes.registry.tests.base import RegistryTestCase

KEY_B = crypto.generate_key()


def count_rotated() -> int:
    from caminantes.registry import rights

    return sum(c.rotated for c in rights.encryption_rotate(batch_size=2))


class ReencryptTest(RegistryTestCase):
    key_a: str
    change: FieldChange
    row: ImportRow

    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        cls.key_a = settings.FIELD_ENCRYPTION_KEYS[0]
        cls.change = FieldChange.objects.create(
            household=cls.family,
            object_type="document",
            object_uuid=Document.objects.get(person__household=cls.family).uuid,
            field="number",
            old_value=crypto.encrypt("V-11.111.111"),
            new_value=crypto.encrypt("V-12.345.678"),
            encrypted=True,
            reason="typo",
        )
        batch = ImportBatch.objects.create(
            organization=cls.iom,
            country=cls.co,
            file_name="f.csv",
            file_sha256="b" * 64,
            created_by=cls.alice,
        )
        cls.row = ImportRow.objects.create(
            batch=batch,
            row_number=1,
            data={
                "given_names": "Ana",
                "document": {"type": "passport", "number_encrypted": crypto.encrypt("AB123456")},
                "phone": None,
            },
        )

    def _values(self) -> tuple[str, str, str, str]:
        doc = Document.objects.get(person__household=self.family)
        phone = Phone.objects.get(household=self.family)
        change = FieldChange.objects.get(pk=self.change.pk)
        staged = ImportRow.objects.get(pk=self.row.pk).data["document"]["number_encrypted"]
        return doc.number, phone.number, crypto.decrypt(change.old_value), crypto.decrypt(staged)

    def test_it_moves_everything_to_the_new_key_and_then_needs_only_that_key(self) -> None:
        expected = ("V-12.345.678", "+573001234567", "V-11.111.111", "AB123456")
        with override_settings(FIELD_ENCRYPTION_KEYS=[KEY_B, self.key_a]):
            out = io.StringIO()
            with translation.override("en"):
                call_command("reencrypt", "--batch-size", "2", stdout=out)
            self.assertIn("registry.document.number_encrypted: 1 ", out.getvalue())
            self.assertIn("registry.importrow.data: 1 ", out.getvalue())
            # document + phone + two field-history values + the staged row's document
            self.assertEqual(
                AuditEvent.objects.filter(context__reencrypted=True)
                .latest("id")
                .context["rotated"],
                5,
            )
            self.assertEqual(count_rotated(), 0, "a second run finds nothing left to do")
        with override_settings(FIELD_ENCRYPTION_KEYS=[KEY_B]):
            self.assertEqual(self._values(), expected)
        with (
            override_settings(FIELD_ENCRYPTION_KEYS=[self.key_a]),
            self.assertRaises(crypto.InvalidToken),
        ):
            self._values()

    def test_it_does_not_touch_the_plaintext_or_the_version(self) -> None:
        doc = Document.objects.get(person__household=self.family)
        with override_settings(FIELD_ENCRYPTION_KEYS=[KEY_B, self.key_a]):
            count_rotated()
            again = Document.objects.get(pk=doc.pk)
            self.assertNotEqual(again.number_encrypted, doc.number_encrypted)
            self.assertEqual(
                (again.number, again.version, again.number_hash),
                (doc.number, doc.version, doc.number_hash),
            )

    def test_it_reports_values_no_key_can_read_and_fails(self) -> None:
        Document.objects.filter(person__household=self.family).update(
            number_encrypted=crypto.encrypt("x").replace("gAAAAA", "gAAAAB", 1)
        )
        with override_settings(FIELD_ENCRYPTION_KEYS=[KEY_B, self.key_a]):
            out = io.StringIO()
            with self.assertRaises(CommandError), translation.override("en"):
                call_command("reencrypt", stdout=out)
            self.assertIn("1 unreadable", out.getvalue())
