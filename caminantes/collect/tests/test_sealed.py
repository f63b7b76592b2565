"""Submissions sealed at rest: a registration sent by ODK Collect leaves no name, document
or photo in clear in the collect tables; who may see it still reads it on the pages and
the API; re-sends are still told apart (by the digest, not by decrypting); key rotation
re-encrypts it all; migration 0004 encrypts the rows stored before."""

from __future__ import annotations

import contextlib
import uuid
from collections.abc import Iterator
from typing import Any

from django.db import connection, connections
from django.db.backends.sqlite3.base import DatabaseWrapper
from django.db.migrations.executor import MigrationExecutor
from django.test import SimpleTestCase, override_settings

from caminantes.collect import services
from caminantes.collect.models import FormKind, Submission, SubmissionAttachment
from caminantes.collect.processing import process_submission
from caminantes.collect.tests.base import JPEG, post_submission
from caminantes.collect.tests.processing_world import household_body, instance_xml, make_form
from caminantes.lib import crypto
from tests.personas import PersonaTestCase

KEY_B = crypto.generate_key()
# What the registration below holds that must not be readable in the collect tables.
SECRETS = ("Rosa Elena", "Marín", "V-20111222", "Barrio La Libertad", "pizarra", "siete")
PHOTO = JPEG + b"pizarra-con-nombres"


def raw_text(table: str) -> str:
    """Every column of every row of `table`, as the database holds it."""
    with connection.cursor() as cur:
        cur.execute(f"SELECT * FROM {connection.ops.quote_name(table)}")  # noqa: S608
        rows = cur.fetchall()
    return " ".join(
        bytes(v).decode("latin-1") if isinstance(v, bytes | memoryview) else str(v)
        for row in rows
        for v in row
    )


class SealedSubmissionTest(PersonaTestCase):
    form: Any
    token: str

    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        cls.form = make_form(
            cls.iom, FormKind.HOUSEHOLD_REGISTRATION, country=cls.co, form_id="registro"
        )
        cls.token = services.app_user_create(
            actor=cls.carla, organization=cls.iom, name="Tableta", forms=[cls.form]
        ).token

    def send(self, body: dict[str, Any], iid: str, photo: bytes = PHOTO) -> Any:
        xml, _iid = instance_xml("registro", body, iid)
        return post_submission(self.client, f"/collect/key/{self.token}/submission",
                               xml.encode(), {"foto.jpg": (photo, "image/jpeg")})  # fmt: skip

    def received(self) -> Submission:
        iid = f"uuid:{uuid.uuid4()}"
        body = household_body()
        body["hogar"]["ingreso_mensual"] = "pizarra"  # not a question of the form: kept
        body["members"][1]["age"] = "siete"  # flagged: not a whole number
        self.assertEqual(self.send(body, iid).status_code, 201)
        sub = Submission.objects.get(instance_id=iid)
        process_submission(sub.pk)
        return Submission.objects.get(pk=sub.pk)

    def test_the_tables_hold_no_name_document_or_photo_in_clear(self) -> None:
        sub = self.received()
        self.assertIn("Rosa Elena", sub.xml)
        self.assertIn("V-20111222", str(sub.answers))
        self.assertIn("siete", str(sub.flags))  # a flag quotes the answer
        self.assertIn("siete", sub.review_reason)  # the registry's refusal quotes it too
        self.assertTrue(sub.answers_encrypted.startswith("gAAAA"))
        self.assertEqual(SubmissionAttachment.objects.get(submission=sub).content, PHOTO)
        for table in ("collect_submission", "collect_submissionattachment"):
            stored = raw_text(table)
            for secret in SECRETS:
                self.assertNotIn(secret, stored, table)

    def test_a_resend_is_compared_by_its_digest(self) -> None:
        iid = f"uuid:{uuid.uuid4()}"
        self.assertEqual(self.send(household_body(), iid).status_code, 201)
        self.assertEqual(self.send(household_body(), iid).status_code, 202)
        changed = self.send(household_body(address="Otra calle"), iid)
        self.assertEqual(changed.status_code, 409)
        self.assertIn("Barrio La Libertad", Submission.objects.get(instance_id=iid).xml)

    def test_who_may_review_reads_it_on_the_page_and_the_api(self) -> None:
        sub = self.received()
        self.login(self.carla)
        page = self.client.get(f"/collect/review/{sub.uuid}/")
        self.assertContains(page, "Rosa Elena")
        self.assertContains(page, "pizarra")  # the organisation's own question
        api = self.client.get(f"/api/v1/collect/forms/{self.form.uuid}/submissions")
        self.assertIn("Rosa Elena", api.json()["items"][0]["xml"])
        self.client.logout()
        self.login(self.charlie)  # another organisation
        self.assertNotEqual(self.client.get(f"/collect/review/{sub.uuid}/").status_code, 200)
        api = self.client.get(f"/api/v1/collect/forms/{self.form.uuid}/submissions")
        self.assertEqual(api.status_code, 404)

    def test_key_rotation_re_encrypts_submissions_and_attachments(self) -> None:
        from django.conf import settings

        from caminantes.registry import rights

        sub = self.received()
        before = (sub.xml, sub.answers, sub.extra_answers, sub.flags)
        key_a = settings.FIELD_ENCRYPTION_KEYS[0]
        with override_settings(FIELD_ENCRYPTION_KEYS=[KEY_B, key_a]):
            counts = {c.column: c for c in rights.encryption_rotate(batch_size=2)}
        self.assertEqual(counts["collect.submission.xml_encrypted"].rotated, 1)
        self.assertEqual(counts["collect.submission.answers_encrypted"].rotated, 1)
        self.assertEqual(counts["collect.submissionattachment.content_encrypted"].rotated, 1)
        with override_settings(FIELD_ENCRYPTION_KEYS=[KEY_B]):
            again = Submission.objects.get(pk=sub.pk)
            self.assertEqual((again.xml, again.answers, again.extra_answers, again.flags), before)
            self.assertEqual(SubmissionAttachment.objects.get(submission=sub).content, PHOTO)
        with (
            override_settings(FIELD_ENCRYPTION_KEYS=[key_a]),
            self.assertRaises(crypto.InvalidToken),
        ):
            _ = Submission.objects.get(pk=sub.pk).xml


# --- migration 0004 -------------------------------------------------------------------------

BEFORE = [("collect", "0003_seal_submissions_add")]
AFTER = [("collect", "0005_seal_submissions_drop_plain")]


def _migrate(targets: list[tuple[str, str]]) -> Any:
    executor = MigrationExecutor(connections["default"])
    executor.loader.build_graph()
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


@contextlib.contextmanager
def _empty_default_database() -> Iterator[None]:
    """An empty in-memory SQLite as the default database until the block ends (the suite's
    database is never touched; see dtm's test_flow_type_migration)."""
    suite = connections["default"]
    scratch = DatabaseWrapper(
        {**suite.settings_dict, "ENGINE": "django.db.backends.sqlite3", "NAME": ":memory:",
         "OPTIONS": {}, "TEST": {}},
        alias="default",
    )  # fmt: skip
    connections["default"] = scratch
    try:
        yield
    finally:
        connections["default"] = suite
        if scratch.connection is not None:
            scratch.connection.close()


class SealMigrationTest(SimpleTestCase):
    databases = {"default"}

    def test_it_encrypts_the_rows_stored_before_and_the_way_back_restores_them(self) -> None:
        with _empty_default_database():
            self._encrypts_and_restores()

    def _encrypts_and_restores(self) -> None:
        old = _migrate(BEFORE)
        org = old.get_model("accounts", "Organization").objects.create(
            name="Sello", acronym="SELLO", type="un"
        )
        form = old.get_model("collect", "Form").objects.create(
            organization=org, form_id="f", title="F"
        )
        version = old.get_model("collect", "FormVersion").objects.create(
            form=form, version="1", xlsform=b"", xform="<x/>", md5="0" * 32
        )
        stored = old.get_model("collect", "Submission").objects.create(
            form=form, form_version=version, instance_id="uuid:1", xml="<d>Rosa Elena</d>",
            xml_sha256="0" * 64, answers={"nombre": "Rosa Elena"}, extra_answers={},
            flags=[{"question": "doc", "message": "“V-20111222” breaks the rule"}],
            review_reason="no «V-20111222»",
        )  # fmt: skip
        old.get_model("collect", "SubmissionAttachment").objects.create(
            submission=stored, name="f.jpg", content_type="image/jpeg", size=len(PHOTO),
            sha256="0" * 64, content=PHOTO,
        )  # fmt: skip
        new = _migrate(AFTER)
        with connections["default"].cursor() as cur:
            cur.execute("SELECT * FROM collect_submission")
            row = " ".join(str(v) for v in cur.fetchone())
        self.assertNotIn("Rosa Elena", row)
        self.assertNotIn("V-20111222", row)
        sub = new.get_model("collect", "Submission").objects.get()
        self.assertEqual(crypto.decrypt(sub.xml_encrypted), "<d>Rosa Elena</d>")
        self.assertEqual(crypto.json_decrypt(sub.answers_encrypted), {"nombre": "Rosa Elena"})
        self.assertEqual(sub.extra_answers_encrypted, "")
        self.assertIn("V-20111222", crypto.decrypt(sub.flags_encrypted))
        self.assertEqual(crypto.decrypt(sub.review_reason_encrypted), "no «V-20111222»")
        att = new.get_model("collect", "SubmissionAttachment").objects.get()
        self.assertEqual(crypto.decrypt_bytes(att.content_encrypted), PHOTO)
        back = _migrate(BEFORE)
        sub = back.get_model("collect", "Submission").objects.get()
        self.assertEqual((sub.xml, sub.answers), ("<d>Rosa Elena</d>", {"nombre": "Rosa Elena"}))
        self.assertEqual((sub.review_reason, sub.extra_answers), ("no «V-20111222»", {}))
        self.assertEqual(bytes(back.get_model("collect", "SubmissionAttachment").objects.get()
                               .content), PHOTO)  # fmt: skip
