"""The DTM's charts: the project's one SVG chart helper, `caminantes.lib.charts` (moved
there so that the assistance reports draw with the same code)."""

from caminantes.lib.charts import (
    Chart,
    Series,
    bar_chart,
    line_chart,
    number,
    pyramid_chart,
    stacked_chart,
)

__all__ = [
    "Chart",
    "Series",
    "bar_chart",
    "line_chart",
    "number",
    "pyramid_chart",
    "stacked_chart",
]
