"""Every tally sheet carries a flow type apart from its direction, whoever sends it."""

from __future__ import annotations

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
