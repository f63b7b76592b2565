"""Charts and key figures from the computed figures, labelled in the active language."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from django.utils.formats import date_format
from django.utils.translation import gettext as _

from caminantes.dtm.charts import (
    Chart,
    Series,
    bar_chart,
    line_chart,
    pyramid_chart,
    stacked_chart,
)
from caminantes.dtm.choices import FlowType
from caminantes.dtm.dashboards.flows import DIRECTIONS, FLOW_TYPES, Effort, FlowFigures
from caminantes.dtm.dashboards.labels import (
    country_name,
    direction_label,
    flow_type_label,
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


def average_text(value: float | None) -> str:
    return "—" if value is None else number(value, 1)


def effort_text(effort: Effort, calendar_days: int) -> str:
    """“12 monitored days of 30 (48 shifts)”: the effort behind an average."""
    return _("%(days)s monitored days of %(calendar)s, %(shifts)s shifts") % {
        "days": number(effort.days),
        "calendar": number(calendar_days),
        "shifts": number(effort.shifts),
    }


def key_figures(fig: FlowFigures) -> list[KeyFigure]:
    """The headline counts migrants (transit, intention to stay, return) only; pendular
    crossings and sheets without a flow type are their own figures, never added in."""
    prev = fig.filters.previous()
    days, shifts = fig.effort.per_day, fig.effort.per_shift
    out = [
        KeyFigure(
            _("Migrants and refugees"),
            number(fig.migrants),
            _("movements in transit, with the intention to stay or returning"),
        ),
        KeyFigure(
            _("Pendular movements"),
            number(fig.pendular),
            _("people who cross and come back (work, shopping, services): not migrants"),
        ),
    ]
    if fig.not_recorded:
        out.append(
            KeyFigure(
                _("Flow type not recorded"),
                number(fig.not_recorded),
                _("counted before flow types were asked"),
            )
        )
    out += [
        KeyFigure(
            _("Migrants per monitored day"),
            average_text(days(fig.migrants)),
            _("pendular: %(pendular)s per monitored day; %(effort)s")
            % {"pendular": average_text(days(fig.pendular)),
               "effort": effort_text(fig.effort, fig.filters.days)},
        ),
        KeyFigure(
            _("Migrants per shift"),
            average_text(shifts(fig.migrants)),
            _("pendular: %(pendular)s per shift")
            % {"pendular": average_text(shifts(fig.pendular))},
        ),
        KeyFigure(
            _("Change against the previous period"),
            signed_percent(fig.migrant_change),
            _("migrants per monitored day: %(now)s against %(before)s in %(start)s – %(end)s "  # noqa: RUF001
              "(%(effort)s)")
            % {
                "now": average_text(days(fig.migrants)),
                "before": average_text(fig.previous_effort.per_day(fig.previous_migrants)),
                "start": date_format(prev.start, "SHORT_DATE_FORMAT"),
                "end": date_format(prev.end, "SHORT_DATE_FORMAT"),
                "effort": effort_text(fig.previous_effort, prev.days),
            },
        ),
        KeyFigure(_("Incoming"), number(fig.by_direction.get("incoming", 0)),
                  _("all flow types")),
        KeyFigure(_("Outgoing"), number(fig.by_direction.get("outgoing", 0)),
                  _("all flow types")),
        KeyFigure(_("Children"), f"{number(fig.children_share, 1)} %", number(fig.children)),
        KeyFigure(_("Women and girls"), f"{number(fig.female_share, 1)} %", number(fig.female)),
        KeyFigure(_("Unaccompanied children"), number(fig.unaccompanied_children)),
        KeyFigure(_("Pregnant or lactating women"), number(fig.pregnant_lactating)),
        KeyFigure(_("Persons with disabilities"), number(fig.with_disabilities)),
    ]  # fmt: skip
    return out


@dataclass
class FlowTypeRow:
    code: str
    label: str
    individuals: int
    share: float
    per_day: str
    per_shift: str
    previous_per_day: str
    change: str


def flow_type_rows(fig: FlowFigures) -> list[FlowTypeRow]:
    """One row per flow type with counts (the dashboard's and the report's table)."""
    rows = []
    for code in FLOW_TYPES:
        n, before = fig.by_flow_type.get(code, 0), fig.previous_by_flow_type.get(code, 0)
        if not n and not before:
            continue
        rows.append(
            FlowTypeRow(
                code=code,
                label=flow_type_label(code),
                individuals=n,
                share=fig.share(n),
                per_day=average_text(fig.effort.per_day(n)),
                per_shift=average_text(fig.effort.per_shift(n)),
                previous_per_day=average_text(fig.previous_effort.per_day(before)),
                change=signed_percent(fig.flow_type_change((code,))),
            )
        )
    return rows


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


def partial_days(step: str, day: date, start: date, end: date) -> tuple[int, int] | None:
    """(days inside the period, days of the bucket) for a week or month starting on `day`
    that the period cuts; None for a whole one (and for days)."""
    if step == "week":
        last = day + timedelta(days=6)
    elif step == "month":
        last = (day.replace(day=28) + timedelta(days=4)).replace(day=1) - timedelta(days=1)
    else:
        return None
    if day >= start and last <= end:
        return None
    inside = (min(last, end) - max(day, start)).days + 1
    return inside, (last - day).days + 1


def _series_labels(fig: FlowFigures) -> list[str]:
    """Bucket labels; a first or last week (or month) the period cuts says it is partial
    and how many of its days are in, so its lower figure does not read as a drop."""
    start, end = fig.filters.start, fig.filters.end
    labels = []
    for day, _values in fig.series:
        label = _bucket_label(fig.series_step, day)
        cut = partial_days(fig.series_step, day, start, end)
        if cut is not None:
            label = _("%(label)s, partial: %(days)s of %(all)s days *") % {
                "label": label, "days": cut[0], "all": cut[1],
            }  # fmt: skip
        labels.append(label)
    return labels


def flow_charts(fig: FlowFigures) -> dict[str, Chart]:
    step_title = {
        "day": _("Movements per day"),
        "week": _("Movements per week (weeks start on Monday)"),
        "month": _("Movements per month"),
    }[fig.series_step]
    labels = _series_labels(fig)
    # a first or last point that looks low only because the period cuts its week or month
    partial_note = ""
    if any(label.endswith(" *") for label in labels):
        partial_note = _("* Partial: only the days of this week or month inside the chosen "
                         "period are counted.")  # fmt: skip
    flow_types = [t for t in FLOW_TYPES if fig.by_flow_type.get(t)] or [FlowType.TRANSIT.value]
    per_type = [
        Series(flow_type_label(t), [float(v.get(t, 0)) for _day, v in fig.series_flow_types])
        for t in flow_types
    ]
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
        "series_flow_types": line_chart(
            step_title + " · " + _("by flow type"),
            labels,
            per_type,
            label_header=_("Period"),
            empty_message=_empty(),
            note=partial_note,
        ),
        "flow_types": bar_chart(
            _("Flow types"),
            [
                (flow_type_label(t), fig.share(fig.by_flow_type.get(t, 0)))
                for t in FLOW_TYPES
                if fig.by_flow_type.get(t)
            ],
            percent=True,
            label_header=_("Flow type"),
            empty_message=_empty(),
            value_header=_("% of individuals"),
            note=_(
                "Pendular movements are people who cross and come back; they are shown "
                "apart from migrants in the key figures."
            ),
        ),
        "directions": bar_chart(
            _("Incoming and outgoing"),
            [(direction_label(d), float(fig.by_direction.get(d, 0))) for d in DIRECTIONS],
            label_header=_("Direction"),
            empty_message=_empty(),
            value_header=_("Individuals"),
        ),
        "sex_age": pyramid_chart(
            _("Sex and age (% of all individuals)"),
            [AGE_LABELS[a] for a in AGES],
            (_("Men and boys"), [fig.sex_age[f"male_{a}"] for a in AGES]),
            (_("Women and girls"), [fig.sex_age[f"female_{a}"] for a in AGES]),
            label_header=_("Age"),
            empty_message=_empty(),
            note=_(
                "Each bar is a share of all the individuals counted, both sexes and all "
                "ages together: all the bars add up to 100 %."
            ),
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
