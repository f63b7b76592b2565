"""Every tally sheet carries a flow type apart from its direction, whoever sends it."""

from __future__ import annotations

from pathlib import Path

from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import translation

from caminantes.dtm.intake import submit_flow_count
from caminantes.dtm.models import FlowCount, FlowDaily, FlowDailyBreakdown, MonitoredDay
from caminantes.dtm.tests.base import DAY, DtmTestCase, sheet


class FlowTypeIntakeTest(DtmTestCase):
    def submit(self, **overrides: object) -> FlowCount:
        result = submit_flow_count(sheet(point=self.point.code, **overrides), user=self.eve)
        obj: FlowCount = result.obj
        return obj

    def errors(self, **overrides: object) -> dict[str, list[str]]:
        with self.assertRaises(ValidationError) as caught:
            self.submit(**overrides)
        return caught.exception.message_dict

    def test_it_stores_the_flow_type_apart_from_the_direction(self) -> None:
        count = self.submit(direction="outgoing", flow_type="pendular")
        self.assertEqual((count.direction, count.flow_type), ("outgoing", "pendular"))
        daily = FlowDaily.objects.get(point=self.point, day=DAY)
        self.assertEqual((daily.direction, daily.flow_type, daily.individuals),
                         ("outgoing", "pendular", 10))  # fmt: skip
        self.assertEqual(
            set(FlowDailyBreakdown.objects.values_list("flow_type", flat=True)), {"pendular"}
        )

    def test_two_flow_types_of_one_shift_are_two_rows_and_one_shift(self) -> None:
        self.submit(flow_type="pendular")
        self.submit(flow_type="transit")
        self.assertEqual(
            sorted(FlowDaily.objects.values_list("flow_type", "individuals")),
            [("pendular", 10), ("transit", 10)],
        )
        self.assertEqual(MonitoredDay.objects.get(point=self.point, day=DAY).shifts, 1)

    def test_it_requires_a_flow_type(self) -> None:
        self.assertIn("flow_type", self.errors(flow_type=""))
        self.assertEqual(FlowCount.objects.count(), 0)

    def test_it_refuses_unknown_on_a_new_sheet(self) -> None:
        """“unknown” is only for sheets counted before flow types were asked."""
        self.assertIn("is not a flow type", self.errors(flow_type="unknown")["flow_type"][0])
        self.assertIn("flow_type", self.errors(flow_type="commuter"))

    def test_it_says_transit_is_no_longer_a_direction(self) -> None:
        errors = self.errors(direction="transit", flow_type="transit")
        self.assertIn("is a flow type, not a direction", errors["direction"][0])
        with translation.override("es"):
            errors = self.errors(direction="Tránsito")
        self.assertIn("es un tipo de flujo, no un sentido", errors["direction"][0])

    def test_it_understands_the_words_of_dtm_sheets(self) -> None:
        for word, code in (("Pendular", "pendular"), ("TRÁNSITO", "transit"),
                           ("en tránsito", "transit"), ("Destino", "stay"),
                           ("Vocación de permanencia", "stay"), ("Intenção de ficar", "stay"),
                           ("Retorno", "return"), ("regreso", "return")):  # fmt: skip
            self.assertEqual(self.submit(flow_type=word).flow_type, code, word)


class FlowTypePagesTest(DtmTestCase):
    def test_the_tally_page_asks_for_the_flow_type_and_saves_it(self) -> None:
        self.login(self.eve)
        url = reverse("dtm_tally", args=[self.point.uuid])
        page = self.client.get(url)
        for code in ("pendular", "transit", "stay", "return"):
            self.assertContains(page, f'name="flow_type" value="{code}"')
        self.assertNotContains(page, 'value="unknown"')
        self.assertContains(page, "Intención de permanencia")
        missing = self.client.post(url, sheet(flow_type=""))
        self.assertContains(missing, "El tipo de flujo es obligatorio")
        self.client.post(url, sheet(flow_type="return"))
        self.assertEqual(FlowCount.objects.get().flow_type, "return")

    def test_the_imports_page_explains_the_codes(self) -> None:
        self.login(self.eve)
        page = self.client.get(reverse("dtm_imports"))
        self.assertContains(page, "flow_type (Tipo de flujo, Tipo de fluxo)")
        self.assertContains(page, '<span class="mono">stay</span> (Intención de permanencia)')


class TallyXlsFormTest(DtmTestCase):
    def test_it_ships_a_tally_xlsform_that_pyxform_converts(self) -> None:
        from pyxform import xls2xform

        from caminantes.dtm.xlsforms import build_tally_xlsform

        warnings: list[str] = []
        result = xls2xform.convert(build_tally_xlsform.OUT, warnings=warnings)
        self.assertEqual(warnings, [])
        for text in ("flow_type", "Tipo de flujo", "Intención de permanencia",
                     "Intenção de permanência", "Intention to stay"):  # fmt: skip
            self.assertIn(text, result.xform)
        self.assertNotIn(">unknown<", result.xform)

    def test_it_regenerates_the_shipped_form(self) -> None:
        import openpyxl

        from caminantes.dtm.xlsforms import build_tally_xlsform

        path = Path(self.id().replace(".", "_") + ".xlsx")
        try:
            build_tally_xlsform.build(path)
            built = [r[:2] for r in openpyxl.load_workbook(path)["survey"].iter_rows(
                min_row=2, values_only=True)]  # fmt: skip
        finally:
            path.unlink(missing_ok=True)
        shipped = [r[:2] for r in openpyxl.load_workbook(build_tally_xlsform.OUT)[
            "survey"].iter_rows(min_row=2, values_only=True)]  # fmt: skip
        self.assertEqual(built, shipped)

    def test_an_odk_export_of_the_form_imports_with_its_flow_type(self) -> None:
        """The form's field names under their group prefixes, as ODK Central exports them."""
        import csv
        import io
        import uuid

        from caminantes.dtm.imports import import_commit, import_create
        from caminantes.dtm.xlsforms import build_tally_xlsform

        groups: list[str] = []
        header = []
        for kind, name, _l, _h, _e in build_tally_xlsform.questions():
            if kind == "begin_group":
                groups.append(name)
            elif kind == "end_group":
                groups.pop()
            elif name and kind not in ("start", "end", "deviceid"):
                header.append("/".join([*groups, name]))
        values = {"point": self.point.code, "date": "2025-03-10", "shift_start": "08:00",
                  "shift_end": "12:00", "direction": "outgoing", "flow_type": "pendular",
                  "female_18_59": 3, "individuals": 3, "groups": 1, "nationality_VE": 3,
                  "transport_on_foot": 3, "destination_VE": 3}  # fmt: skip
        out = io.StringIO()
        writer = csv.writer(out)
        writer.writerow(["meta/instanceID", *header])
        writer.writerow([f"uuid:{uuid.uuid4()}",
                         *(values.get(h.rsplit("/", 1)[-1], 0) for h in header)])  # fmt: skip
        batch = import_create(user=self.eve, operation=self.operation, country=self.co,
                              kind="flow_counts", file_name="tally.csv",
                              chunks=[out.getvalue().encode()])  # fmt: skip
        self.assertEqual(batch.status, "validated", batch.file_errors)
        self.assertEqual(batch.columns_ignored, [])
        import_commit(user=self.eve, batch=batch)
        count = FlowCount.objects.get()
        self.assertEqual((count.direction, count.flow_type, count.individuals),
                         ("outgoing", "pendular", 3))  # fmt: skip

    def test_it_offers_the_tally_form_for_download(self) -> None:
        self.login(self.eve)
        response = self.client.get(reverse("dtm_tally_form"))
        self.assertEqual(response.status_code, 200)
        self.assertIn("flow_monitoring_tally.xlsx", response["Content-Disposition"])
