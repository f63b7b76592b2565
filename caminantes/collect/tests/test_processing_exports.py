"""Kobo and ODK Central exports through the same mappings, idempotent by instance id."""

from __future__ import annotations

import io
import uuid
from io import StringIO
from typing import Any

from django.core.management import call_command

from caminantes.collect.models import FormKind, Submission, SubmissionStatus
from caminantes.collect.processing import exports
from caminantes.collect.tests.processing_world import make_form
from caminantes.dtm.models import FlowCount
from caminantes.dtm.tests.base import DAY, DtmTestCase
from caminantes.registry.models import ImportBatch, ImportRow

KOBO_COLUMNS = (
    "start;end;point;date;shift_start;shift_end;direction;flow_type;"
    "totales/individuals;totales/groups;sexo_edad/female_18_59;sexo_edad/male_18_59;"
    "_id;_uuid;_submission_time;_validation_status;__version__;_notes;_tags;_submitted_by;_index"
)


class ExportTest(DtmTestCase):
    tally: Any
    registration: Any

    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        cls.tally = make_form(cls.iom, FormKind.FLOW_COUNT, country=cls.co)
        cls.registration = make_form(cls.iom, FormKind.HOUSEHOLD_REGISTRATION, country=cls.co)

    def kobo_csv(self, ids: list[str]) -> bytes:
        lines = [KOBO_COLUMNS]
        for n, iid in enumerate(ids, start=1):
            lines.append(
                f"2026-12-06T09:00;2026-12-06T09:10;{self.point.code};{DAY.isoformat()};"
                f"08:00;12:00;incoming;stay;4;2;2;2;{100 + n};{iid};2026-12-06T10:00:00;;"
                f"vX;[];[];enum1;{n}"
            )
        return ("\ufeff" + "\n".join(lines)).encode("utf-8")

    def test_kobo_csv_with_bom_and_semicolons_is_imported_once(self) -> None:
        ids = [str(uuid.uuid4()), str(uuid.uuid4())]
        outcome = exports.import_export(user=self.carla, form=self.tally, data=self.kobo_csv(ids))
        self.assertEqual((outcome.rows, outcome.created, outcome.processed), (2, 2, 2))
        self.assertEqual(FlowCount.objects.count(), 2)
        sub = Submission.objects.get(instance_id=f"uuid:{ids[0]}")
        self.assertEqual(sub.status, SubmissionStatus.PROCESSED, sub.review_reason)
        self.assertEqual(sub.extra_answers, {})  # Kobo's own columns are not answers
        again = exports.import_export(user=self.carla, form=self.tally, data=self.kobo_csv(ids))
        self.assertEqual((again.created, again.known), (0, 2))
        self.assertEqual(FlowCount.objects.count(), 2)

    def test_odk_central_csv_and_select_multiple_both_ways(self) -> None:
        from caminantes.collect.tests.processing_world import add_question

        add_question(
            self.tally,
            {"name": "servicios", "type": "select multiple", "path": "servicios",
             "choices": ["agua", "salud", "comida"]},
        )  # fmt: skip
        central = (
            "SubmissionDate,point,date,shift_start,shift_end,direction,flow_type,"
            "totales-individuals,totales-groups,sexo_edad-female_18_59,sexo_edad-male_18_59,"
            "servicios,meta-instanceID,KEY,SubmitterID,SubmitterName,ReviewState\n"
            f"2026-12-06,{self.point.code},{DAY},08:00,12:00,outgoing,transit,2,1,1,1,"
            "agua salud,uuid:aaaaaaaa-0000-4000-8000-000000000001,"
            "uuid:aaaaaaaa-0000-4000-8000-000000000001,5,enum,\n"
        ).encode()
        outcome = exports.import_export(user=self.carla, form=self.tally, data=central)
        self.assertEqual(
            outcome.processed, 1, [s.review_reason for s in Submission.objects.all()[:1]]
        )
        sub = Submission.objects.get()
        self.assertEqual(sub.extra_answers, {"servicios": "agua salud"})
        split = (
            "point,date,shift_start,shift_end,direction,flow_type,totales/individuals,"
            "totales/groups,sexo_edad/female_18_59,sexo_edad/male_18_59,servicios/agua,"
            "servicios/salud,servicios/comida,_uuid\n"
            f"{self.point.code},{DAY},13:00,15:00,incoming,stay,2,1,1,1,True,False,1,"
            "bbbbbbbb-0000-4000-8000-000000000002\n"
        ).encode()
        exports.import_export(user=self.carla, form=self.tally, data=split)
        sub = Submission.objects.get(instance_id="uuid:bbbbbbbb-0000-4000-8000-000000000002")
        self.assertEqual(sub.answers["servicios"], "agua comida")
        self.assertEqual(sub.status, SubmissionStatus.PROCESSED, sub.review_reason)

    def test_xlsx_with_a_repeat_sheet_becomes_one_staged_household(self) -> None:
        import openpyxl

        book = openpyxl.Workbook()
        main = book.active
        main.title = "Registro de hogares"
        main.append(["hogar/population_type", "hogar/admin1", "hogar/consent_registration",
                     "hogar/talla_calzado", "_uuid", "_index", "_id", "__version__"])  # fmt: skip
        main.append(["in_destination", "CO-NSA", "yes", "38",
                     "cccccccc-0000-4000-8000-000000000003", 1, 9, "1"])  # fmt: skip
        members = book.create_sheet("members")
        members.append(["members/relationship", "members/given_names", "members/first_surname",
                        "members/sex", "members/birth_date", "_index", "_parent_index",
                        "_parent_table_name"])  # fmt: skip
        members.append(["focal_point", "Carmen", "Ruiz", "F", "1990-01-01", 1, 1, "x"])
        members.append(["child", "Pedro", "Ruiz", "M", "2015-05-05", 2, 1, "x"])
        out = io.BytesIO()
        book.save(out)
        outcome = exports.import_export(user=self.carla, form=self.registration,
                                        data=out.getvalue())  # fmt: skip
        sub = Submission.objects.get(form=self.registration)
        self.assertEqual(outcome.processed, 1, sub.review_reason)
        batch = ImportBatch.objects.get(uuid=str(sub.record_uuid))
        self.assertEqual(ImportRow.objects.filter(batch=batch).count(), 2)
        self.assertEqual(sub.extra_answers, {"hogar/talla_calzado": "38"})

    def test_an_odk_central_csv_zip_with_a_repeat_file(self) -> None:
        import zipfile

        key = "uuid:dddddddd-0000-4000-8000-000000000004"
        main = (
            "SubmissionDate,hogar-population_type,hogar-admin1,hogar-consent_registration,"
            f"meta-instanceID,KEY\n2026-12-06,in_transit,CO-NSA,yes,{key},{key}\n"
        )
        members = (
            "relationship,given_names,first_surname,sex,birth_date,PARENT_KEY,KEY\n"
            f"focal_point,Nelly,Soto,F,1985-02-02,{key},{key}/members[1]\n"
        )
        out = io.BytesIO()
        with zipfile.ZipFile(out, "w") as archive:
            archive.writestr("f_household_registration.csv", main)
            archive.writestr("f_household_registration-members.csv", members)
        exports.import_export(user=self.carla, form=self.registration, data=out.getvalue())
        sub = Submission.objects.get(form=self.registration)
        self.assertEqual(sub.status, SubmissionStatus.PROCESSED, sub.review_reason)
        self.assertEqual(sub.answers["members"][0]["given_names"], "Nelly")

    def test_the_command_and_a_file_of_another_form(self) -> None:
        import tempfile
        from pathlib import Path

        with tempfile.TemporaryDirectory() as folder:
            path = Path(folder) / "export.csv"
            path.write_bytes(self.kobo_csv([str(uuid.uuid4())]))
            out = StringIO()
            call_command("collect", "import-export", str(path), "--form", self.tally.form_id,
                         "--org", "IOM", stdout=out)  # fmt: skip
            self.assertIn("created=1", out.getvalue())
            again = StringIO()  # the same export again: nothing twice
            call_command("collect_import_export", str(path), form=self.tally.form_id,
                         org="IOM", stdout=again)  # fmt: skip
            self.assertIn("created=0", again.getvalue())
            path.write_bytes(b"nombre_del_gato,color\nMichi,negro\n")
            from django.core.management.base import CommandError

            with self.assertRaises(CommandError):
                call_command("collect_import_export", str(path), form=self.tally.form_id,
                             org="IOM", stdout=out)  # fmt: skip
