from __future__ import annotations

import uuid

from django.apps import apps
from django.test import SimpleTestCase

from caminantes.lib.models import PublicIdModel

# The audit models keep their own uuid: their fields are what the hash chain covers, and
# change only together with it.
OWN_UUID = {"audit.AuditEvent", "audit.Alert"}


class PublicIdModelTest(SimpleTestCase):
    def test_it_gives_each_new_record_its_own_public_id(self) -> None:
        from caminantes.geo.models import Place

        first, second = Place(), Place()
        self.assertIsInstance(first.uuid, uuid.UUID)
        self.assertNotEqual(first.uuid, second.uuid)

    def test_it_is_the_one_place_a_random_public_id_is_declared(self) -> None:
        for model in apps.get_models():
            if not model.__module__.startswith("caminantes.") or model._meta.label in OWN_UUID:
                continue
            field = next((f for f in model._meta.fields if f.name == "uuid"), None)
            if field is None or field.default is not uuid.uuid4:
                continue
            with self.subTest(model=model._meta.label):
                self.assertTrue(issubclass(model, PublicIdModel))
