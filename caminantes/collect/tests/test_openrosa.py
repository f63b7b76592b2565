from __future__ import annotations

import threading
import unittest

import defusedxml.ElementTree as DET
from django.db import connection
from django.test import TransactionTestCase

from caminantes.accounts.models import Organization
from caminantes.audit.models import AuditEvent
from caminantes.collect import sample_xlsform, services
from caminantes.collect.models import Submission, SubmissionAttachment, SubmissionStatus
from caminantes.collect.tests.base import (
    JPEG,
    CollectTestCase,
    instance_xml,
    new_instance_id,
    openrosa_headers,
    post_submission,
)
from tests.personas import make_world

NS = "{http://openrosa.org/http/response}"
XF = "{http://openrosa.org/xforms/xformsList}"


def message(response: object) -> str:
    root = DET.fromstring(response.content)  # type: ignore[attr-defined]
    node = root.find(f"{NS}message")
    return node.text if node is not None else ""


class SubmissionTest(CollectTestCase):
    def test_it_stores_a_new_submission_once_and_answers_a_resend_as_a_no_op(self) -> None:
        iid = new_instance_id()
        url = self.key("submission")
        first = post_submission(self.client, url, instance_xml(iid))
        self.assertEqual(first.status_code, 201, first.content)
        self.assertEqual(first["X-OpenRosa-Version"], "1.0")
        self.assertIn("X-OpenRosa-Accept-Content-Length", first)
        self.assertIn("Date", first)
        self.assertEqual(message(first), "Envío recibido.")
        again = post_submission(self.client, url, instance_xml(iid))
        self.assertEqual(again.status_code, 202)
        self.assertEqual(Submission.objects.filter(instance_id=iid).count(), 1)
        sub = Submission.objects.get(instance_id=iid)
        self.assertEqual(sub.app_user, self.app_user)
        self.assertTrue(AuditEvent.objects.filter(object_uuid=sub.uuid, action="create").exists())

    def test_it_refuses_a_changed_resend_with_409(self) -> None:
        iid = new_instance_id()
        post_submission(self.client, self.key("submission"), instance_xml(iid))
        changed = post_submission(
            self.client, self.key("submission"), instance_xml(iid, nombre="X")
        )
        self.assertEqual(changed.status_code, 409)
        self.assertIn("instanceID", message(changed))
        self.assertEqual(Submission.objects.get(instance_id=iid).xml.count("Ana"), 1)

    def test_it_adds_attachments_that_arrive_later(self) -> None:
        iid = new_instance_id()
        post_submission(self.client, self.key("submission"), instance_xml(iid))
        later = post_submission(self.client, self.key("submission"), instance_xml(iid),
                                {"foto.jpg": (JPEG, "image/jpeg")})  # fmt: skip
        self.assertEqual(later.status_code, 202)
        att = SubmissionAttachment.objects.get(submission__instance_id=iid)
        self.assertEqual((att.name, att.content_type), ("foto.jpg", "image/jpeg"))

    def test_it_refuses_an_attachment_that_is_markup_whatever_its_name(self) -> None:
        svg = b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'
        r = post_submission(self.client, self.key("submission"), instance_xml(new_instance_id()),
                            {"foto.jpg": (svg, "image/jpeg")})  # fmt: skip
        self.assertEqual(r.status_code, 400)
        self.assertFalse(Submission.objects.exists())

    def test_it_replaces_an_edited_submission_and_refuses_an_out_of_date_edit(self) -> None:
        old = new_instance_id()
        post_submission(self.client, self.key("submission"), instance_xml(old))
        edit = new_instance_id()
        r = post_submission(self.client, self.key("submission"),
                            instance_xml(edit, nombre="Ana María", deprecated_id=old))  # fmt: skip
        self.assertEqual(r.status_code, 201)
        self.assertEqual(Submission.objects.get(instance_id=old).status, SubmissionStatus.REPLACED)
        self.assertEqual(Submission.objects.get(instance_id=edit).deprecated_id, old)
        stale = post_submission(self.client, self.key("submission"),
                                instance_xml(new_instance_id(), deprecated_id=old))  # fmt: skip
        self.assertEqual(stale.status_code, 409)
        self.assertEqual(Submission.objects.count(), 2)

    def test_it_refuses_hostile_and_malformed_xml_clearly(self) -> None:
        iid = new_instance_id()
        bomb = (
            b'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
            b'<!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">]>'
            b'<data id="demo_hogar" version="1"><nombre>&lol2;</nombre></data>'
        )
        external = (
            b'<?xml version="1.0"?><!DOCTYPE d [<!ENTITY x SYSTEM "file:///etc/passwd">]>'
            b'<data id="demo_hogar" version="1"><nombre>&x;</nombre></data>'
        )
        dtd = (
            b'<?xml version="1.0"?><!DOCTYPE data SYSTEM "http://evil/x.dtd">'
            b'<data id="demo_hogar"/>'
        )
        cases = [
            (bomb, 400, "DTD"),
            (external, 400, "DTD"),
            (dtd, 400, "DTD"),
            (b"this is not xml", 400, "XML"),
            (instance_xml(iid).replace(f"<instanceID>{iid}</instanceID>".encode(), b""), 400,
             "instanceID"),
            (instance_xml(iid, form_id="nope"), 404, "nope"),
            (instance_xml(iid, form_id="otro"), 404, "otro"),  # IOM's, not this app user's
            (instance_xml(iid, version="99"), 409, "99"),
        ]  # fmt: skip
        for xml, status, words in cases:
            with self.subTest(words=words, status=status):
                r = post_submission(self.client, self.key("submission"), xml)
                self.assertEqual(r.status_code, status, r.content)
                self.assertIn(words, message(r))
        self.assertFalse(Submission.objects.exists())
        self.assertTrue(
            AuditEvent.objects.filter(
                action="access_denied", context__reason="form_not_yours"
            ).exists()
        )

    def test_it_answers_without_the_xml_part_or_multipart_with_400(self) -> None:
        r = self.client.post(self.key("submission"), {"other": "x"}, **openrosa_headers())
        self.assertEqual(r.status_code, 400)
        r = self.client.generic("POST", self.key("submission"), b"<data/>",
                                content_type="text/xml")  # fmt: skip
        self.assertEqual(r.status_code, 400)

    def test_it_refuses_a_body_over_the_limit_with_413(self) -> None:
        with self.settings(COLLECT_MAX_REQUEST_BYTES=100):
            r = post_submission(
                self.client, self.key("submission"), instance_xml(new_instance_id())
            )
        self.assertEqual(r.status_code, 413)


class AuthTest(CollectTestCase):
    def test_head_answers_204_with_the_openrosa_headers(self) -> None:
        r = self.client.head(self.key("submission"), **openrosa_headers())
        self.assertEqual(r.status_code, 204)
        self.assertEqual(r["X-OpenRosa-Version"], "1.0")
        self.assertEqual(self.client.head("/collect/submission").status_code, 401)

    def test_the_form_list_shows_only_the_app_users_forms(self) -> None:
        r = self.client.get(self.key("formList"), **openrosa_headers())
        self.assertEqual(r.status_code, 200)
        root = DET.fromstring(r.content)
        self.assertEqual(root.tag, f"{XF}xforms")
        xforms = root.findall(f"{XF}xform")
        self.assertEqual([x.findtext(f"{XF}formID") for x in xforms], ["demo_hogar"])
        x = xforms[0]
        self.assertEqual(x.findtext(f"{XF}version"), "1")
        self.assertTrue(x.findtext(f"{XF}hash", "").startswith("md5:"))
        download = x.findtext(f"{XF}downloadUrl", "")
        self.assertIn(f"/collect/key/{self.token}/xforms/{self.form.uuid}/form.xml", download)
        got = self.client.get(download.replace("http://testserver", ""))
        self.assertEqual(got.status_code, 200)
        self.assertIn(b'id="demo_hogar"', got.content)
        # Another form of the same organisation is not reachable with this token.
        other = self.client.get(self.key(f"xforms/{self.other_form.uuid}/form.xml"))
        self.assertEqual(other.status_code, 404)

    def test_the_manifest_lists_the_media_and_serves_them(self) -> None:
        png = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32
        services.form_upload(
            actor=self.carla, organization=self.iom,
            content=sample_xlsform.build(version="2", logo="logo.png"),
            media=[services.MediaFile("logo.png", png)],
        )  # fmt: skip
        listed = DET.fromstring(self.client.get(self.key("formList")).content)
        manifest_url = listed.findtext(f"{XF}xform/{XF}manifestUrl", "")
        self.assertIn(f"/xforms/{self.form.uuid}/manifest", manifest_url)
        r = self.client.get(manifest_url.replace("http://testserver", ""))
        mf = "{http://openrosa.org/xforms/xformsManifest}"
        root = DET.fromstring(r.content)
        self.assertEqual(root.tag, f"{mf}manifest")
        self.assertEqual(root.findtext(f"{mf}mediaFile/{mf}filename"), "logo.png")
        self.assertTrue(root.findtext(f"{mf}mediaFile/{mf}hash", "").startswith("md5:"))
        media = self.client.get(
            root.findtext(f"{mf}mediaFile/{mf}downloadUrl", "").replace("http://testserver", "")
        )
        self.assertEqual((media.status_code, media["Content-Type"]), (200, "image/png"))
        self.assertEqual(media.content, png)

    def test_a_revoked_or_unknown_token_is_refused(self) -> None:
        services.app_user_revoke(actor=self.carla, app_user=self.app_user)
        r = post_submission(self.client, self.key("submission"), instance_xml(new_instance_id()))
        self.assertEqual(r.status_code, 403)
        self.assertIn("revoc", message(r))
        r = self.client.get(self.key("formList", token="x" * 64))
        self.assertEqual(r.status_code, 401)
        self.assertFalse(Submission.objects.exists())
        self.assertTrue(
            AuditEvent.objects.filter(
                action="login_failed", context__reason="token_revoked"
            ).exists()
        )

    def test_failed_tokens_are_rate_limited(self) -> None:
        with self.settings(COLLECT_AUTH_FAILURES_PER_ADDRESS=2):
            codes = [self.client.get(self.key("formList", token=f"{i}" * 40)).status_code
                     for i in range(3)]  # fmt: skip
            ok = self.client.get(self.key("formList")).status_code
        self.assertEqual(codes, [401, 401, 429])
        self.assertEqual(ok, 200)  # a good token is no guess: the device carries on

    def test_basic_auth_over_https_with_a_password_for_roles_without_second_factor(self) -> None:
        import base64

        from caminantes.collect.models import FormKind
        from tests.personas import PASSWORD

        dtm = services.form_upload(
            actor=self.carla, organization=self.iom, kind=FormKind.FLOW_COUNT,
            content=sample_xlsform.build(form_id="conteo", title="Conteo"), country=self.co,
        ).version.form  # fmt: skip
        good = "Basic " + base64.b64encode(f"eve@example.org:{PASSWORD}".encode()).decode()
        bad = "Basic " + base64.b64encode(b"eve@example.org:wrong").decode()
        r = self.client.get("/collect/formList", HTTP_AUTHORIZATION=good, secure=True)
        self.assertEqual(r.status_code, 200)
        self.assertIn(b"<formID>conteo</formID>", r.content)
        self.assertNotIn(b"demo_hogar", r.content)  # not a form an enumerator fills
        plain = self.client.get("/collect/formList", HTTP_AUTHORIZATION=good)
        self.assertEqual(plain.status_code, 401)
        self.assertIn("HTTPS", message(plain))
        self.assertEqual(self.client.get("/collect/formList", HTTP_AUTHORIZATION=bad,
                                         secure=True).status_code, 401)  # fmt: skip
        r = post_submission(self.client, "/collect/submission",
                            instance_xml(new_instance_id(), form_id="conteo"),
                            HTTP_AUTHORIZATION=good, secure=True)  # fmt: skip
        self.assertEqual(r.status_code, 201, r.content)
        self.assertEqual(Submission.objects.get(form=dtm).submitted_by, self.eve)
        # A registrar needs a second factor: her password alone is refused.
        alice = "Basic " + base64.b64encode(f"alice@example.org:{PASSWORD}".encode()).decode()
        r = self.client.get("/collect/formList", HTTP_AUTHORIZATION=alice, secure=True)
        self.assertEqual(r.status_code, 401)
        self.assertIn("token", message(r))


class LostRaceTest(CollectTestCase):
    """The race, on any database: the insert comes first and the unique constraint decides,
    so a re-send and the loser of two concurrent sends take the same path (IntegrityError,
    roll back, read the row that is there, compare the content)."""

    def test_it_decides_by_the_unique_constraint_not_by_a_look_beforehand(self) -> None:
        from unittest import mock

        from caminantes.collect import intake

        iid = new_instance_id()
        post_submission(self.client, self.key("submission"), instance_xml(iid))
        with mock.patch.object(intake, "_resend", wraps=intake._resend) as resend:
            same = post_submission(self.client, self.key("submission"), instance_xml(iid))
            other = post_submission(self.client, self.key("submission"),
                                    instance_xml(iid, personas=9))  # fmt: skip
        self.assertEqual((same.status_code, other.status_code), (202, 409))
        self.assertEqual(resend.call_count, 2)
        self.assertEqual(Submission.objects.filter(instance_id=iid).count(), 1)
        denial = AuditEvent.objects.get(action="access_denied", context__reason="instance_conflict")
        self.assertEqual(denial.outcome, "denied")


@unittest.skipUnless(
    connection.vendor == "postgresql",
    "needs PostgreSQL: SQLite takes one writer at a time (LostRaceTest covers the race there)",
)
class ConcurrentSubmissionTest(TransactionTestCase):
    """Threads, each on its own connection to the live database, send the same instance at
    the same moment: one row, one 201, the others 202. (PostgreSQL empties the tables with
    TRUNCATE, which the audit trail's append-only triggers allow.)"""

    serialized_rollback = True
    iom: Organization

    def test_it_keeps_one_record_of_concurrent_identical_sends(self) -> None:
        make_world(self)
        form = services.form_upload(
            actor=None,
            organization=self.iom,
            content=sample_xlsform.build(),
        ).version.form
        token = services.app_user_create(
            actor=None,
            organization=self.iom,
            name="T",
            forms=[form],
        ).token
        iid = new_instance_id()
        codes: list[int] = []
        barrier = threading.Barrier(6)

        def send() -> None:
            from django.test import Client

            try:
                barrier.wait(timeout=10)
                r = post_submission(Client(), f"/collect/key/{token}/submission", instance_xml(iid))
                codes.append(r.status_code)
            finally:
                connection.close()

        threads = [threading.Thread(target=send) for _ in range(6)]
        for t in threads:
            t.start()
        for t in threads:
            t.join(timeout=30)
        self.assertEqual(sorted(codes), [201] + [202] * 5)
        self.assertEqual(Submission.objects.filter(instance_id=iid).count(), 1)
