"""Charts and key figures from the computed figures, labelled in the active language."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from django.utils.formats import date_format
from django.utils.translation import gettext as _

from caminantes.dtm.charts import Chart, Series, bar_chart, line_chart, stacked_chart
from caminantes.dtm.dashboards.flows import DIRECTIONS, FlowFigures
from caminantes.dtm.dashboards.labels import (
    country_name,
    direction_label,
    option_label,
    question_label,
    sex_label,
    single_label,
    transport_label,
)
from caminantes.dtm.dashboards.surveys import QUESTIONS, SurveyFigures
from caminantes.dtm.mapping.svg import MapPoint, region_map
from caminantes.lib.charts import number

TOP = 8


@dataclass
class KeyFigure:
    label: str
    value: str
    detail: str = ""


def signed_percent(value: float | None) -> str:
    if value is None:
        return "—"
    return f"{'+' if value > 0 else ''}{number(value, 1)} %"


def key_figures(fig: FlowFigures) -> list[KeyFigure]:
    prev = fig.filters.previous()
    return [
        KeyFigure(_("Movements"), number(fig.total), _("individuals counted in the period")),
        KeyFigure(_("Daily average"), number(fig.daily_average, 1), _("individuals per day")),
        KeyFigure(
            _("Change against the previous period"),
            signed_percent(fig.change),
            _("%(start)s – %(end)s: %(total)s")  # noqa: RUF001
            % {
                "start": date_format(prev.start, "SHORT_DATE_FORMAT"),
                "end": date_format(prev.end, "SHORT_DATE_FORMAT"),
                "total": number(fig.previous_total),
            },
        ),
        KeyFigure(_("Incoming"), number(fig.by_direction.get("incoming", 0))),
        KeyFigure(_("Outgoing"), number(fig.by_direction.get("outgoing", 0))),
        KeyFigure(_("In transit"), number(fig.by_direction.get("transit", 0))),
        KeyFigure(_("Children"), f"{number(fig.children_share, 1)} %", number(fig.children)),
        KeyFigure(_("Women and girls"), f"{number(fig.female_share, 1)} %", number(fig.female)),
        KeyFigure(_("Unaccompanied children"), number(fig.unaccompanied_children)),
    ]


def _top(items: list[tuple[str, int]], total: int, label: object) -> list[tuple[str, float]]:
    """The largest items as % of `total`, the rest summed as “Other”."""
    if not total:
        return []
    head = [(str(label(code)), 100 * n / total) for code, n in items[:TOP]]  # type: ignore[operator]
    rest = sum(n for _code, n in items[TOP:])
    if rest:
        head.append((_("Other"), 100 * rest / total))
    return head


def _bucket_label(step: str, day: date) -> str:
    if step == "month":
        return date_format(day, "YEAR_MONTH_FORMAT")
    return date_format(day, "SHORT_DATE_FORMAT")


def _partial(step: str, day: date, start: date, end: date) -> bool:
    """Does the week or month starting on `day` reach outside the period (fewer days)?"""
    if step == "week":
        last = day + timedelta(days=6)
    elif step == "month":
        last = (day.replace(day=28) + timedelta(days=4)).replace(day=1) - timedelta(days=1)
    else:
        return False
    return day < start or last > end


def flow_charts(fig: FlowFigures) -> dict[str, Chart]:
    step_title = {
        "day": _("Movements per day"),
        "week": _("Movements per week (weeks start on Monday)"),
        "month": _("Movements per month"),
    }[fig.series_step]
    start, end = fig.filters.start, fig.filters.end
    labels = []
    for day, _values in fig.series:
        label = _bucket_label(fig.series_step, day)
        labels.append(f"{label} *" if _partial(fig.series_step, day, start, end) else label)
    # a first or last point that looks low only because the period cuts its week or month
    partial_note = ""
    if any(label.endswith(" *") for label in labels):
        partial_note = _("* Only the days of this week or month inside the chosen period.")
    directions = [d for d in DIRECTIONS if fig.by_direction.get(d)] or ["incoming"]
    series = [
        Series(direction_label(d), [float(values.get(d, 0)) for _day, values in fig.series])
        for d in directions
    ]
    charts = {
        "series": line_chart(
            step_title,
            labels,
            series,
            label_header=_("Period"),
            empty_message=_empty(),
            note=partial_note,
        ),
        "directions": bar_chart(
            _("Incoming, outgoing and in transit"),
            [(direction_label(d), float(fig.by_direction.get(d, 0))) for d in DIRECTIONS],
            label_header=_("Direction"),
            empty_message=_empty(),
            value_header=_("Individuals"),
        ),
        "sex_age": stacked_chart(
            _("Sex and age"),
            [
                (_("Women and girls"), [fig.sex_age[f"female_{a}"] for a in AGES]),
                (_("Men and boys"), [fig.sex_age[f"male_{a}"] for a in AGES]),
            ],
            [AGE_LABELS[a] for a in AGES],
            label_header=_("Sex"),
            empty_message=_empty(),
        ),
        "nationalities": bar_chart(
            _("Nationalities"),
            _top(fig.nationalities, _sum(fig.nationalities), country_name),
            percent=True,
            label_header=_("Nationality"),
            empty_message=_empty(),
            value_header=_("% of individuals"),
        ),
        "transport": bar_chart(
            _("Transport modes"),
            _top(fig.transport, _sum(fig.transport), transport_label),
            percent=True,
            label_header=_("Transport mode"),
            empty_message=_empty(),
            value_header=_("% of individuals"),
        ),
        "destinations": bar_chart(
            _("Top final destinations"),
            _top(fig.destinations, _sum(fig.destinations), country_name),
            percent=True,
            label_header=_("Final destination"),
            empty_message=_empty(),
            value_header=_("% of individuals"),
        ),
    }
    return charts


def _empty() -> str:
    return _("No data for these filters.")


AGES = ("0_5", "6_17", "18_59", "60_plus")
AGE_LABELS = {"0_5": "0–5", "6_17": "6–17", "18_59": "18–59", "60_plus": "60+"}  # noqa: RUF001


def _sum(items: list[tuple[str, int]]) -> int:
    return sum(n for _code, n in items)


def flow_map(fig: FlowFigures, countries: list[str]) -> object:
    points = [
        MapPoint(
            p.point.name,
            float(p.point.latitude),
            float(p.point.longitude),
            float(p.individuals),
            number(p.individuals),
        )
        for p in fig.points
    ]
    return region_map(
        points,
        title=_("Movements per flow monitoring point"),
        countries=countries or [p.point.country.iso2 for p in fig.points],
    )


def survey_charts(fig: SurveyFigures) -> dict[str, Chart]:
    note = _("Multiple answers: the percentages may add up to more than 100 %.")
    charts = {
        q.value: bar_chart(
            question_label(q.value),
            [(option_label(q.value, code), fig.percent(n)) for code, n in fig.answers[q.value]][
                : TOP + 4
            ],
            percent=True,
            label_header=_("Answer"),
            empty_message=_empty(),
            value_header=_("% of respondents"),
            note=note,
        )
        for q in QUESTIONS
    }
    charts["destinations"] = bar_chart(
        _("Intended destination"),
        [(country_name(code), fig.percent(n)) for code, n in fig.destinations[:TOP]],
        percent=True,
        label_header=_("Country"),
        empty_message=_empty(),
        value_header=_("% of respondents"),
    )
    single_titles = {
        "legal_status": (_("Status in the host country"), _("% of those who answered")),
        "slept_last_night": (_("Where they slept last night"), _("% of those who answered")),
        "intention": (_("Intentions"), _("% of those who answered")),
        "intention_country": (_("Country they mean to move on to"),
                              _("% of those moving on")),
        "pregnant": (_("Pregnant or lactating"), _("% of the women who answered")),
        "disability": (_("Disability (Washington Group short set)"),
                       _("% of those who answered the six questions")),
    }  # fmt: skip
    for question, (title, header) in single_titles.items():
        charts[question] = bar_chart(
            title,
            [(single_label(question, code), fig.share(question, n))
             for code, n in fig.single.get(question, [])][: TOP + 2],
            percent=True,
            label_header=_("Answer"),
            empty_message=_empty(),
            value_header=header,
        )  # fmt: skip
    charts["group"] = stacked_chart(
        _("Travel group members by sex and age"),
        [
            (_("Women and girls"), [fig.group_sex_age.get(f"group_female_{a}", 0) for a in AGES]),
            (_("Men and boys"), [fig.group_sex_age.get(f"group_male_{a}", 0) for a in AGES]),
        ],
        [AGE_LABELS[a] for a in AGES],
        label_header=_("Sex"),
        empty_message=_empty(),
    )
    charts["sex"] = bar_chart(
        _("Respondents by sex"),
        [(sex_label(code), fig.percent(n)) for code, n in fig.sex],
        percent=True,
        label_header=_("Sex"),
        empty_message=_empty(),
        value_header=_("% of respondents"),
    )
    return charts
