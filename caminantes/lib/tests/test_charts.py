"""lib.charts: inline SVG that a strict Content-Security-Policy lets through, numbers kept."""

from __future__ import annotations

from django.test import SimpleTestCase
from django.utils import translation

from caminantes.lib.charts import Series, bar_chart, line_chart, stacked_chart


class ChartTests(SimpleTestCase):
    def test_it_draws_a_line_per_series_with_its_figures_as_a_table(self) -> None:
        chart = line_chart(
            "Camas ocupadas", ["01/12", "02/12", "03/12"],
            [Series("Ocupadas", [10, 12, 9]), Series("Libres", [5, 3, 6])],
            label_header="Día",
        )  # fmt: skip
        self.assertEqual(chart.svg.count("<polyline"), 2)
        self.assertEqual(chart.header, ["Día", "Ocupadas", "Libres"])
        self.assertEqual(chart.rows[1], ["02/12", "12", "3"])
        self.assertFalse(chart.empty)

    def test_it_escapes_labels_and_carries_no_script_or_style(self) -> None:
        chart = bar_chart("<b>t</b>", [("<script>alert(1)</script>", 3.0)])
        self.assertNotIn("<script", chart.svg)
        self.assertNotIn("style=", chart.svg)
        self.assertIn("&lt;script&gt;", chart.svg)

    def test_it_says_when_there_is_nothing_to_draw(self) -> None:
        chart = line_chart("x", [], [Series("a", [])], empty_message="Nada en este periodo.")
        self.assertTrue(chart.empty)
        self.assertIn("Nada en este periodo.", chart.svg)
        self.assertTrue(stacked_chart("x", [("a", [0, 0])], ["m", "f"]).empty)

    def test_it_writes_figures_in_the_language_of_the_page(self) -> None:
        with translation.override("es"):
            chart = bar_chart("x", [("a", 12345.0)])
        self.assertEqual(chart.rows, [["a", "12\xa0345"]])  # the project formats es this way
