"""Charts as inline SVG built on the server: the same markup on the page and in the PDF.

No JavaScript and nothing from the internet. Every chart carries a title, a description for
screen readers and its numbers as a table (the template shows it under the chart).
"""

from caminantes.dtm.charts.svg import Chart, Series, bar_chart, line_chart, stacked_chart

__all__ = ["Chart", "Series", "bar_chart", "line_chart", "stacked_chart"]
