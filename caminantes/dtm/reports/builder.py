"""Build the round report: figures of the round's period, charts, map, methodology.

The same template gives the HTML page and the PDF; the charts and the map are inline SVG,
which WeasyPrint draws, and the only font is DejaVu (Debian's fonts-dejavu-core), so the
PDF is made offline. A report of a round with millions of counts takes well under the
10 s budget (bench/dtm), so it is made on request rather than in the background.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from django.conf import settings
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from caminantes.dtm.dashboards import figures
from caminantes.dtm.dashboards.filters import Filters
from caminantes.dtm.dashboards.flows import flow_figures
from caminantes.dtm.dashboards.labels import forget_countries
from caminantes.dtm.dashboards.surveys import survey_figures
from caminantes.dtm.models import Round
from caminantes.lib.charts import number

LANGUAGES = ("es", "en", "pt")
# The page links report.css; the PDF is given it and its A4 layout as files (no <style>
# block in the template: the Content-Security-Policy refuses inline styles).
STYLESHEETS = [
    Path(__file__).resolve().parent.parent / "static" / "dtm" / name
    for name in ("report.css", "report-pdf.css")
]


@dataclass
class RenderedReport:
    html: str
    title: str
    filename: str


def today() -> date:
    return timezone.localdate()


def report_title(round_: Round) -> str:
    return _("Flow monitoring report — round %(number)s") % {"number": round_.number}


def report_context(*, user: Any, round_: Round) -> dict[str, Any]:
    """Everything the template needs, in the active language."""
    forget_countries()
    operation = round_.operation
    # A round still running is reported up to yesterday (today's counts are still coming
    # in), so its daily average and its comparison with the previous period stay fair.
    yesterday = today() - timedelta(days=1)
    in_progress = round_.ends_on > yesterday
    end = max(round_.starts_on, yesterday) if in_progress else round_.ends_on
    filters = Filters(start=round_.starts_on, end=end)
    flows = flow_figures(user=user, operation=operation, filters=filters)
    surveys = survey_figures(user=user, operation=operation, filters=filters)
    countries = list(operation.countries.values_list("iso2", flat=True))
    return {
        "round": round_,
        "operation": operation,
        "title": report_title(round_),
        "filters": filters,
        "in_progress": in_progress,
        "flows": flows,
        "kpis": figures.key_figures(flows),
        "flow_type_rows": figures.flow_type_rows(flows),
        "summary": {
            "migrants": number(flows.migrants),
            "pendular": number(flows.pendular),
            "not_recorded": number(flows.not_recorded) if flows.not_recorded else "",
            "per_day": figures.average_text(flows.effort.per_day(flows.migrants)),
            "monitored_days": number(flows.effort.days),
            "shifts": number(flows.effort.shifts),
        },
        "flow_charts": figures.flow_charts(flows),
        "map": figures.flow_map(flows, countries),
        "surveys": surveys,
        "survey_charts": figures.survey_charts(surveys),
        "points": flows.points,
        "generated_at": timezone.now(),
    }


def render_report(
    *, user: Any, round_: Round, language: str, for_pdf: bool = False
) -> RenderedReport:
    if language not in LANGUAGES:
        language = settings.LANGUAGE_CODE[:2]
    with translation.override(language):
        context = report_context(user=user, round_=round_)
        context["for_pdf"] = for_pdf
        context["language"] = language
        html = render_to_string("dtm/reports/round.html", context)
        title = context["title"]
    slug = round_.operation.code or "dtm"
    return RenderedReport(html, title, f"{slug}-round-{round_.number}-{language}")


def render_pdf(report: RenderedReport) -> bytes:
    """The PDF of a rendered report (WeasyPrint imported here: it loads Pango)."""
    from weasyprint import CSS, HTML

    stylesheets = [CSS(filename=str(path)) for path in STYLESHEETS]
    pdf: bytes = HTML(string=report.html).write_pdf(stylesheets=stylesheets)
    return pdf
