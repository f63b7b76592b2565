from __future__ import annotations

import io
from typing import Any

from django.core.exceptions import ValidationError
from django.core.management import call_command

from caminantes.audit.models import AuditEvent
from caminantes.collect import sample_xlsform, services
from caminantes.collect.models import AppUser, Form, FormVersion, Submission
from caminantes.collect.tests.base import CollectTestCase, instance_xml, post_submission
from caminantes.collect.xlsform import convert


class UploadTest(CollectTestCase):
    def test_it_keeps_versions_and_makes_the_new_one_current(self) -> None:
        result = services.form_upload(
            actor=self.carla, organization=self.iom, content=sample_xlsform.build(version="2")
        )
        self.assertTrue(result.created_version)
        versions = dict(self.form.versions.values_list("version", "is_current"))
        self.assertEqual(versions, {"1": False, "2": True})
        again = services.form_upload(
            actor=self.carla, organization=self.iom, content=sample_xlsform.build(version="2")
        )
        self.assertFalse(again.created_version)

    def test_it_refuses_the_same_version_with_other_content(self) -> None:
        changed = sample_xlsform.build(version="1", title="Otro título")
        with self.assertRaises(ValidationError) as ctx:
            services.form_upload(actor=self.carla, organization=self.iom, content=changed)
        self.assertIn("versión", " ".join(ctx.exception.messages))

    def test_it_explains_a_broken_xlsform_in_spanish_with_the_row(self) -> None:
        from openpyxl import Workbook

        book = Workbook()
        sheet = book.active
        assert sheet is not None
        sheet.title = "survey"
        sheet.append(("type", "name", "label"))
        sheet.append(("text", "nombre", "Nombre"))
        sheet.append(("text", "dos palabras", "Q"))
        out = io.BytesIO()
        book.save(out)
        with self.assertRaises(ValidationError) as ctx:
            services.form_upload(actor=self.carla, organization=self.iom, content=out.getvalue())
        message = " ".join(ctx.exception.messages)
        self.assertIn("El XLSForm tiene un error", message)
        self.assertIn("row", message.lower())
        with self.assertRaises(ValidationError):
            services.form_upload(actor=self.carla, organization=self.iom, content=b"not a sheet")

    def test_the_questions_carry_paths_choices_and_rules(self) -> None:
        questions = {q["name"]: q for q in convert(sample_xlsform.build()).questions}
        self.assertEqual(questions["personas"]["path"], "/data/hogar/personas")
        self.assertTrue(questions["personas"]["required"])
        self.assertEqual(questions["personas"]["constraint"], ". > 0 and . < 30")
        self.assertEqual(questions["necesidad"]["relevant"], "${personas} > 0")
        self.assertEqual([c["name"] for c in questions["necesidad"]["choices"]],
                         ["alimentos", "alojamiento", "salud"])  # fmt: skip
        stored = FormVersion.objects.get(form=self.form, is_current=True).questions
        self.assertIn("/data/meta/instanceID", [q["path"] for q in stored])

    def test_only_a_form_manager_of_the_organisation_uploads(self) -> None:
        from django.core.exceptions import PermissionDenied

        for user in (self.alice, self.charlie):
            with self.assertRaises(PermissionDenied):
                services.form_upload(actor=user, organization=self.iom,
                                     content=sample_xlsform.build(version="9"))  # fmt: skip
        self.assertTrue(
            AuditEvent.objects.filter(outcome="denied", context__reason="not_form_manager").exists()
        )


class PagesTest(CollectTestCase):
    def test_a_manager_uploads_creates_an_app_user_and_sees_its_qr_once(self) -> None:
        self.login(self.carla)
        r = self.client.get("/collect/")
        self.assertContains(r, "Formularios de campo")
        self.assertContains(r, "Visita a hogar")
        upload = io.BytesIO(sample_xlsform.build(form_id="nuevo", title="Nuevo"))
        upload.name = "nuevo.xlsx"
        r = self.client.post("/collect/forms/new/", {"xlsform": upload, "kind": "other"})
        form = Form.objects.get(form_id="nuevo")
        self.assertRedirects(r, f"/collect/forms/{form.uuid}/", fetch_redirect_response=False)
        r = self.client.post(f"/collect/forms/{form.uuid}/app-users/", {"name": "Equipo Cúcuta"})
        self.assertContains(r, "<svg")
        self.assertContains(r, "/collect/key/")
        self.assertIn("no-store", r["Cache-Control"])
        app_user = AppUser.objects.get(name="Equipo Cúcuta")
        # The team's device gets the demo form too: its token now lists both.
        r = self.client.post(f"/collect/forms/{self.form.uuid}/app-users/add/",
                             {"app_user": str(app_user.uuid)})  # fmt: skip
        self.assertEqual(set(app_user.forms.values_list("form_id", flat=True)),
                         {"nuevo", "demo_hogar"})  # fmt: skip
        page = self.client.get(f"/collect/forms/{form.uuid}/")
        self.assertNotContains(page, "/collect/key/")  # shown once
        self.client.post(f"/collect/app-users/{app_user.uuid}/revoke/", {"form": str(form.uuid)})
        app_user.refresh_from_db()
        self.assertIsNotNone(app_user.revoked_at)

    def test_a_broken_upload_shows_the_error_not_a_500(self) -> None:
        self.login(self.carla)
        upload = io.BytesIO(b"PK\x03\x04 broken zip")
        upload.name = "roto.xlsx"
        r = self.client.post("/collect/forms/new/", {"xlsform": upload, "kind": "other"})
        self.assertEqual(r.status_code, 200)
        self.assertContains(r, "dañado")

    def test_the_submissions_page_is_scoped_and_audited(self) -> None:
        post_submission(self.client, self.key("submission"), instance_xml("uuid:a-1"))
        self.login(self.alice)  # a registrar of IOM in Colombia reviews submissions
        r = self.client.get(f"/collect/forms/{self.form.uuid}/submissions/")
        self.assertContains(r, "Tableta 1")
        sub = Submission.objects.get()
        self.assertTrue(AuditEvent.objects.filter(actor=self.alice, action="read_personal",
                                                  object_uuid=sub.uuid).exists())  # fmt: skip
        for user in (self.charlie, self.pablo, self.eve):  # other org, other country, no role
            self.client.logout()
            self.login(user)
            r = self.client.get(f"/collect/forms/{self.form.uuid}/submissions/")
            self.assertIn(r.status_code, (403, 404), user)


class ApiTest(CollectTestCase):
    def test_it_lists_forms_versions_and_audited_submissions(self) -> None:
        post_submission(self.client, self.key("submission"), instance_xml("uuid:b-1"))
        self.login(self.carla)
        forms = self.client.get("/api/v1/collect/forms").json()["items"]
        self.assertEqual({f["form_id"] for f in forms}, {"demo_hogar", "otro"})
        versions = self.client.get(f"/api/v1/collect/forms/{self.form.uuid}/versions").json()
        self.assertEqual(versions[0]["version"], "1")
        subs = self.client.get(f"/api/v1/collect/forms/{self.form.uuid}/submissions").json()
        self.assertEqual([s["instance_id"] for s in subs["items"]], ["uuid:b-1"])
        self.assertTrue(
            AuditEvent.objects.filter(actor=self.carla, action="read_personal").exists()
        )
        self.client.logout()
        self.login(self.charlie)
        r = self.client.get(f"/api/v1/collect/forms/{self.form.uuid}/submissions")
        self.assertEqual(r.status_code, 404)

    def test_it_uploads_an_xlsform(self) -> None:
        self.login(self.carla)
        upload = io.BytesIO(sample_xlsform.build(form_id="api_form"))
        upload.name = "api.xlsx"
        r = self.client.post("/api/v1/collect/forms", {"xlsform": upload, "organization": "IOM"})
        self.assertEqual(r.status_code, 201, r.content)
        self.assertEqual(r.json()["form"]["form_id"], "api_form")
        bad = io.BytesIO(b"nope")
        bad.name = "x.xlsx"
        r = self.client.post("/api/v1/collect/forms", {"xlsform": bad, "organization": "IOM"})
        self.assertEqual(r.status_code, 422)


class CommandTest(CollectTestCase):
    def test_form_add_and_app_user_print_what_a_person_types(self) -> None:
        import tempfile

        with tempfile.NamedTemporaryFile(suffix=".xlsx") as f:
            f.write(sample_xlsform.build(form_id="cli_form"))
            f.flush()
            out = io.StringIO()
            call_command("collect", "form-add", f.name, "--org", "IOM", stdout=out)
        self.assertEqual(out.getvalue().strip(), "cli_form")
        out = io.StringIO()
        call_command("collect", "app-user", "Tablet", "--org", "IOM", "--form", "cli_form",
                     "--base-url", "http://10.0.0.5:8000", stdout=out)  # fmt: skip
        lines = out.getvalue().strip().splitlines()
        self.assertEqual(len(lines), 1)
        self.assertRegex(lines[0], r"^http://10\.0\.0\.5:8000/collect/key/[A-Za-z0-9_-]+/$")
        token = lines[0].rsplit("/", 2)[1]
        r: Any = self.client.get(f"/collect/key/{token}/formList")
        self.assertContains(r, "cli_form")

    def test_the_demo_prints_a_working_url(self) -> None:
        from caminantes.collect import demo

        lines: list[str] = []
        demo.load(lines.append)
        url = lines[-1].strip()
        self.assertIn("/collect/key/", url)
        r = self.client.get(url.replace("http://127.0.0.1:8000", "") + "formList")
        self.assertContains(r, "<formID>")
