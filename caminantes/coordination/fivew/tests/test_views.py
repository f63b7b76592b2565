"""The pages, walked as a partner and as the IMO, wrong input included."""

from __future__ import annotations

import csv
import io
from datetime import date
from pathlib import Path
from typing import Any

import openpyxl
from django.urls import reverse

from caminantes.coordination.fivew.engine import fields as F
from caminantes.coordination.fivew.engine import workbook
from caminantes.coordination.fivew.models import Activity, Report, Status, Upload
from caminantes.coordination.fivew.tests.base import FivewTestCase, row

TEMPLATE = Path("/work/shared/data/r4v/template_5w_rmrp_2025.xlsx")


def grid_post(report: Report, lines: list[dict[str, Any]]) -> dict[str, Any]:
    data: dict[str, Any] = {
        "form-TOTAL_FORMS": "8",
        "form-INITIAL_FORMS": "0",
        "form-MIN_NUM_FORMS": "0",
        "form-MAX_NUM_FORMS": "50",
    }
    for i, line in enumerate(lines):
        for key, value in line.items():
            data[f"form-{i}-{key}"] = value
    for i in range(8):
        data.setdefault(f"form-{i}-rmrp_activity", "")  # unchanged blank lines stay empty
    return data


def streamed_csv(response: Any) -> list[list[str]]:
    return list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode())))


def form_line(**changes: Any) -> dict[str, Any]:
    line = {
        "admin1": "Norte de Santander",
        "indicator": "HEA-02",
        "activity_name": "Consultas",
        "rmrp_activity": "on",
        "monthly_beneficiaries": "10",
        "new_beneficiaries": "6",
        F.POP_IN_DESTINATION: "4",
        F.POP_IN_TRANSIT: "2",
        F.WOMEN_OVER18: "3",
        F.MEN_OVER18: "2",
        F.WOMEN_UNDER18: "1",
    }
    line.update(changes)
    return line


def workbook_bytes(rows: list[dict[str, Any]]) -> bytes:
    book = openpyxl.load_workbook(TEMPLATE)
    sheet = book.worksheets[0]
    header = [c.value for c in sheet[1]]
    fields = [workbook.header_field(str(h)) if h else None for h in header]
    for r in rows:
        sheet.append(
            [
                ("Yes" if f and r.get(f) else "No")
                if F.KINDS.get(f or "") == "bool"
                else (r.get(f) if f else None)
                for f in fields
            ]
        )
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


class PartnerWalkTest(FivewTestCase):
    def test_it_walks_a_month_from_empty_form_to_validated(self) -> None:
        c = self.login(self.charlie)
        url = reverse("fivew_reports")
        self.assertEqual(c.get(url).status_code, 200)
        # wrong input on the month form: empty, future, nonsense
        for month in ("", "2099-01", "2026-13", "marzo"):
            r = c.post(url, {"country": self.co.pk, "month": month})
            self.assertEqual(r.status_code, 200, month)
            self.assertFalse(Report.objects.exists())
            self.assertTrue(r.context["form"].errors, month)
        r = c.post(url, {"country": self.co.pk, "month": "2026-03"})
        report = Report.objects.get()
        self.assertRedirects(r, reverse("fivew_report", args=[report.uuid]))
        # one row: a failing rule is shown in Spanish, nothing stored
        new = reverse("fivew_row_new", args=[report.uuid])
        self.assertEqual(c.get(new).status_code, 200)
        r = c.post(new, form_line(**{F.POP_IN_DESTINATION: "9"}))
        self.assertEqual(r.status_code, 400)
        self.assertTrue(r.context["problems"])
        self.assertIn("población", " ".join(r.context["problems"]).lower())
        r = c.post(new, {})
        self.assertEqual(r.status_code, 400)
        self.assertFalse(Activity.objects.exists())
        self.assertRedirects(c.post(new, form_line()), reverse("fivew_report", args=[report.uuid]))
        # the grid: two lines, one wrong -> nothing saved; corrected -> both saved
        grid = reverse("fivew_grid", args=[report.uuid])
        self.assertEqual(c.get(grid).status_code, 200)
        bad = [
            form_line(activity_name="Vacunas"),
            form_line(activity_name="Niñez", indicator="PRO-05"),
        ]
        r = c.post(grid, grid_post(report, bad))
        self.assertEqual(r.status_code, 400)
        self.assertEqual([n for n, _m in r.context["problems"]], [2])
        self.assertEqual(Activity.objects.count(), 1)
        good = [
            form_line(activity_name="Vacunas"),
            form_line(activity_name="Kits", indicator="WSH-01"),
        ]
        self.assertEqual(c.post(grid, grid_post(report, good)).status_code, 302)
        self.assertEqual(Activity.objects.count(), 3)
        # submit; the partner cannot validate; the report is read-only
        r = c.post(reverse("fivew_transition", args=[report.uuid, "submit"]))
        self.assertEqual(r.status_code, 302)
        r = c.post(reverse("fivew_transition", args=[report.uuid, "validate"]))
        self.assertEqual(r.status_code, 403)
        self.assertEqual(c.post(new, form_line(activity_name="Tarde")).status_code, 302)
        self.assertEqual(Activity.objects.count(), 3)
        # the IMO returns it, a comment is required
        imo = self.login(self.ines, client=self.client_class())
        page = imo.get(reverse("fivew_report", args=[report.uuid]))
        self.assertContains(page, "Consultas")
        ret = reverse("fivew_transition", args=[report.uuid, "return"])
        self.assertEqual(imo.post(ret, {"comment": " "}).status_code, 400)
        self.assertEqual(imo.post(ret, {"comment": "Revise las edades"}).status_code, 302)
        report.refresh_from_db()
        self.assertEqual(report.status, Status.RETURNED)
        self.assertContains(c.get(reverse("fivew_report", args=[report.uuid])), "Revise las edades")
        self.assertEqual(c.post(new, form_line(activity_name="Corregida")).status_code, 302)
        c.post(reverse("fivew_transition", args=[report.uuid, "submit"]))
        imo.post(reverse("fivew_transition", args=[report.uuid, "validate"]))
        report.refresh_from_db()
        self.assertEqual(report.status, Status.VALIDATED)

    def test_a_grid_claiming_thousands_of_rows_is_refused_and_shows_at_most_fifty(self) -> None:
        c = self.login(self.charlie)
        c.post(reverse("fivew_reports"), {"country": self.co.pk, "month": "2026-03"})
        report = Report.objects.get()
        data = grid_post(report, [form_line()]) | {"form-TOTAL_FORMS": "100000"}
        r = c.post(reverse("fivew_grid", args=[report.uuid]), data)
        self.assertEqual(r.status_code, 400)
        self.assertEqual(len(r.context["formset"].forms), 50)
        self.assertContains(r, "50", status_code=400)
        self.assertTrue(r.context["formset"].non_form_errors())
        self.assertFalse(Activity.objects.exists())

    def test_another_organisation_gets_404_on_a_draft(self) -> None:
        report = self.add(user=self.carla, org=self.iom, **{F.APPEALING_ORG: "IOM"})
        c = self.login(self.charlie)
        self.assertEqual(c.get(reverse("fivew_report", args=[report.uuid])).status_code, 404)
        self.assertEqual(c.get(reverse("fivew_grid", args=[report.uuid])).status_code, 404)
        activity = report.activities.get()
        self.assertEqual(c.post(reverse("fivew_row_delete", args=[activity.uuid])).status_code, 404)
        self.assertEqual(self.login(self.alice).get(reverse("fivew_reports")).status_code, 403)


class UploadTest(FivewTestCase):
    def test_it_stages_a_workbook_and_stores_only_after_confirming(self) -> None:
        c = self.login(self.charlie)
        url = reverse("fivew_upload")
        content = workbook_bytes(
            [
                row(),
                row(**{F.ACTIVITY_NAME: "Otra", F.ADMIN1: "Atlántida"}),
                row(**{F.ACTIVITY_NAME: "Tercera", F.MONTH: "2026-04"}),
            ]
        )
        f = io.BytesIO(content)
        f.name = "5w.xlsx"
        r = c.post(url, {"file": f})
        staged = Upload.objects.get()
        self.assertRedirects(r, reverse("fivew_upload_review", args=[staged.uuid]))
        self.assertFalse(Activity.objects.exists())
        page = c.get(reverse("fivew_upload_review", args=[staged.uuid]))
        self.assertEqual((page.context["valid"], page.context["total"]), (2, 3))
        self.assertContains(page, "Atlántida")
        c.post(reverse("fivew_upload_review", args=[staged.uuid]))
        self.assertEqual(Activity.objects.count(), 2)
        self.assertEqual(Report.objects.count(), 2)  # March and April drafts
        c.post(reverse("fivew_upload_review", args=[staged.uuid]))  # twice: once
        self.assertEqual(Activity.objects.count(), 2)
        # another user's staged upload is not there
        other = self.login(self.carla, client=self.client_class())
        self.assertEqual(
            other.get(reverse("fivew_upload_review", args=[staged.uuid])).status_code, 404
        )

    def test_a_file_that_is_no_workbook_is_a_clear_error(self) -> None:
        c = self.login(self.charlie)
        for name, body in (("5w.xlsx", b"not a zip"), ("5w.pdf", b"%PDF"), ("", b"")):
            f = io.BytesIO(body)
            f.name = name
            r = c.post(reverse("fivew_upload"), {"file": f} if name else {})
            self.assertEqual(r.status_code, 400, name)
            self.assertTrue(r.context["form"].errors)
        self.assertFalse(Upload.objects.exists())


class DashboardTest(FivewTestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        from caminantes.coordination.fivew import services

        report = None
        for changes in (
            {},
            {F.ADMIN1: "La Guajira"},
            # GBV: 3 people in NSA, 2 in La Guajira -> small cells
            {
                F.SECTOR: "Protection",
                F.SUBSECTOR: "GBV",
                F.INDICATOR: "PRO-07",
                F.ACTIVITY_NAME: "VBG",
                F.MONTHLY_BENEFICIARIES: 3,
                F.NEW_BENEFICIARIES: 3,
                F.POP_IN_DESTINATION: 3,
                F.POP_IN_TRANSIT: 0,
                F.WOMEN_OVER18: 3,
                F.MEN_OVER18: 0,
                F.WOMEN_UNDER18: 0,
            },
            {
                F.ADMIN1: "La Guajira",
                F.SECTOR: "Protection",
                F.SUBSECTOR: "GBV",
                F.INDICATOR: "PRO-07",
                F.ACTIVITY_NAME: "VBG",
                F.MONTHLY_BENEFICIARIES: 12,
                F.NEW_BENEFICIARIES: 12,
                F.POP_IN_DESTINATION: 12,
                F.POP_IN_TRANSIT: 0,
                F.WOMEN_OVER18: 12,
                F.MEN_OVER18: 0,
                F.WOMEN_UNDER18: 0,
            },
        ):
            (a,) = services.activities_add(
                actor=cls.charlie, organization=cls.ffs, rows=[row(**changes)]
            )
            report = a.report
        assert report is not None
        services.report_transition(actor=cls.charlie, report=report, action="submit")
        services.report_transition(actor=cls.ines, report=report, action="validate")

    def test_it_shows_figures_and_refuses_wrong_filters_clearly(self) -> None:
        c = self.login(self.charlie)
        url = reverse("fivew_dashboard")
        r = c.get(url, {"year": "2026"})
        self.assertEqual(r.status_code, 200)
        self.assertEqual(r.context["f"].totals["people_reached"], 27)
        self.assertContains(r, "<svg")
        for bad in (
            {"start": "2026-05", "end": "2026-02"},
            {"start": "2099-01"},
            {"year": "2099"},
            {"start": "mayo"},
            {"country": "999999"},
        ):
            r = c.get(url, bad)
            self.assertEqual(r.status_code, 400, bad)
            self.assertTrue(r.context["form"].errors, bad)
        self.assertEqual(
            c.get(
                reverse("fivew_export", args=["csv"]), {"start": "2026-05", "end": "2026-01"}
            ).status_code,
            400,
        )

    def test_exports_and_the_hxl_passes_the_shipped_schema(self) -> None:
        import tempfile

        import hxl
        from hxl.input import InputOptions

        from caminantes.coordination.fivew.engine.hxl import SCHEMA

        c = self.login(self.charlie)
        r = c.get(reverse("fivew_export", args=["csv"]), {"year": "2026"})
        lines = streamed_csv(r)
        self.assertTrue(lines[1][0].startswith("#"))
        self.assertEqual(len(lines), 2 + 4)  # Health and GBV in NSA and in La Guajira
        r = c.get(reverse("fivew_export", args=["xlsx"]), {"year": "2026"})
        self.assertEqual(r.status_code, 200)
        openpyxl.load_workbook(io.BytesIO(r.content))
        r = c.get(reverse("fivew_export", args=["hxl"]), {"year": "2026"})
        local = InputOptions(allow_local=True)
        errors: list[str] = []
        schema = hxl.schema(hxl.data(str(SCHEMA), local), callback=lambda e: errors.append(str(e)))
        with tempfile.NamedTemporaryFile("wb", suffix=".csv") as fh:
            fh.write(r.content)
            fh.flush()
            self.assertTrue(schema.validate(hxl.data(fh.name, local)), errors[:5])
            self.assertEqual(len(list(hxl.data(fh.name, local))), 4)

    def test_the_public_aggregate_suppresses_small_protection_cells(self) -> None:
        anonymous = self.client_class()
        self.assertEqual(
            anonymous.get(reverse("fivew_public_download", args=["COL", 2026])).status_code, 404
        )
        imo = self.login(self.ines)
        r = imo.post(reverse("fivew_publish"), {"country": self.co.pk, "year": 2099})
        self.assertEqual(r.status_code, 302)
        r = imo.post(reverse("fivew_publish"), {"country": self.co.pk, "year": 2026})
        self.assertRedirects(r, reverse("fivew_public"))
        self.assertEqual(
            self.login(self.charlie, client=self.client_class())
            .post(reverse("fivew_publish"), {"country": self.co.pk, "year": 2026})
            .status_code,
            403,
        )
        r = anonymous.get(reverse("fivew_public_download", args=["COL", 2026]))
        self.assertEqual(r.status_code, 200)
        lines = streamed_csv(r)
        gbv = {(l[1], l[4]): l[6] for l in lines[2:] if l[4] in ("GBV", "Total")}  # noqa: E741
        self.assertEqual(gbv[("Norte de Santander", "GBV")], "<5")
        # 12 in La Guajira beside a total of 15 would give the 3 away: one of them is hidden
        self.assertFalse(gbv[("La Guajira", "GBV")] == "12" and gbv[("Total", "GBV")] == "15")
        self.assertIn("x", gbv.values())
        health = [l for l in lines[2:] if l[3] == "Health"]  # noqa: E741
        self.assertEqual([h[6] for h in health], ["6", "6"])
        self.assertContains(anonymous.get(reverse("fivew_public")), "2026")
        self.assertEqual(date.today().year >= 2026, True)
